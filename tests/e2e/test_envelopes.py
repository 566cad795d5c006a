"""The local cloud delivers envelopes of the same shape as the samples in events/, and as AWS.

A recorder function is subscribed beside the user service's own handlers, the four ways they are
(SNS -> SQS -> Lambda, SNS -> Lambda, EventBridge -> Lambda, EventBridge -> SQS FIFO -> Lambda);
what it receives must parse with Powertools' models for the source and carry the same keys as the
sample envelope of the handler subscribed that way.
"""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    EventBridgeModel,
    SnsModel,
    SqsModel,
)

ROOT = Path(__file__).resolve().parents[2]
RECORDER = Path(__file__).parent / "recorder"
# Keys AWS includes only sometimes (trace header, attribute digests).
OPTIONAL = {"AWSTraceHeader", "md5OfMessageAttributes"}


def _keys(value: dict[str, Any]) -> set[str]:
    return set(value) - OPTIONAL


def _sample(path: str) -> dict[str, Any]:
    return dict(json.loads((ROOT / "events" / path).read_text()))


@pytest.fixture(scope="module")
def recorded(users: Any) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Subscribe the recorder four ways, publish one sign-up and one bus event, collect."""
    tag = uuid.uuid4().hex[:8]
    s3, lam, sqs, sns, events, iam = (
        users.client(s) for s in ("s3", "lambda", "sqs", "sns", "events", "iam")
    )
    bucket = f"e2e-envelopes-{tag}"
    s3.create_bucket(Bucket=bucket)
    role = iam.create_role(RoleName=f"e2e-recorder-{tag}", AssumeRolePolicyDocument="{}")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(RECORDER / "recorder.py", "recorder.py")
    topic = users.outputs["SignupsTopicArn"]
    functions = {}
    for path in ("sns-sqs", "sns", "eventbridge", "eventbridge-fifo"):
        name = f"e2e-recorder-{path}-{tag}"
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="recorder.handler",
            Code={"ZipFile": archive.getvalue()},
            Timeout=10,
            Environment={"Variables": {"RECORD_BUCKET": bucket, "RECORD_PATH": path}},
        )
        functions[path] = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]

    def queue(name: str, fifo: bool = False) -> tuple[str, str]:
        attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    _, signup_queue = queue(f"e2e-rec-signups-{tag}")
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=signup_queue,
        Attributes={"FilterPolicy": json.dumps({"event_type": ["UserCreated"]})},
    )
    lam.create_event_source_mapping(EventSourceArn=signup_queue, FunctionName=functions["sns-sqs"])
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=functions["sns"])
    bus = users.outputs["EventBusName"]
    pattern = json.dumps({"source": [f"e2e.{tag}"]})
    events.put_rule(Name=f"e2e-rec-{tag}", EventBusName=bus, EventPattern=pattern)
    _, fifo_queue = queue(f"e2e-rec-{tag}.fifo", fifo=True)
    events.put_targets(
        Rule=f"e2e-rec-{tag}",
        EventBusName=bus,
        Targets=[
            {"Id": "lambda", "Arn": functions["eventbridge"]},
            {"Id": "fifo", "Arn": fifo_queue, "SqsParameters": {"MessageGroupId": "users"}},
        ],
    )
    lam.create_event_source_mapping(
        EventSourceArn=fifo_queue, FunctionName=functions["eventbridge-fifo"]
    )

    signup = _sample("domain/UserCreated.json") | {"event_id": str(uuid.uuid4())}
    sns.publish(
        TopicArn=topic,
        Message=json.dumps(signup),
        Subject="sign-up",
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": "UserCreated"}},
    )
    events.put_events(
        Entries=[
            {
                "EventBusName": bus,
                "Source": f"e2e.{tag}",
                "DetailType": "UserCreated",
                "Detail": json.dumps(signup),
            }
        ]
    )
    found: dict[str, list[dict[str, Any]]] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(found) < len(functions):
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            path = item["Key"].split("/", 1)[0]
            body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            found.setdefault(path, []).append(json.loads(body))
        time.sleep(0.1)
    yield found
    for arn in functions.values():
        lam.delete_function(FunctionName=arn)


def test_sns_to_sqs_to_lambda_matches_the_welcome_email_sample(recorded: Any) -> None:
    event = recorded["sns-sqs"][0]
    SqsModel.model_validate(event)
    sample = _sample("welcome_email/batch.json")["Records"][0]
    record = event["Records"][0]
    assert _keys(record) == _keys(sample)
    assert _keys(record["attributes"]) == _keys(sample["attributes"])
    envelope = json.loads(record["body"])
    assert envelope["Type"] == "Notification"
    assert set(envelope) >= {
        "MessageId",
        "TopicArn",
        "Message",
        "Timestamp",
        "Signature",
        "SignatureVersion",
        "SigningCertURL",
        "UnsubscribeURL",
        "MessageAttributes",
    }


def test_sns_to_lambda_matches_the_signup_stats_sample(recorded: Any) -> None:
    event = recorded["sns"][0]
    SnsModel.model_validate(event)
    sample = _sample("signup_stats/user_created.json")["Records"][0]
    record = event["Records"][0]
    assert _keys(record) == _keys(sample)
    assert _keys(record["Sns"]) == _keys(sample["Sns"])
    assert record["Sns"]["Subject"] == "sign-up"


def test_eventbridge_to_lambda_matches_the_audit_log_sample(recorded: Any) -> None:
    event = recorded["eventbridge"][0]
    EventBridgeModel.model_validate(event)
    assert _keys(event) == _keys(_sample("audit_log/user_created.json"))


def test_eventbridge_to_fifo_queue_matches_the_user_directory_sample(recorded: Any) -> None:
    event = recorded["eventbridge-fifo"][0]
    SqsModel.model_validate(event)
    sample = _sample("user_directory/in_order.json")["Records"][0]
    record = event["Records"][0]
    assert _keys(record) == _keys(sample)
    assert _keys(record["attributes"]) == _keys(sample["attributes"])
    assert record["attributes"]["MessageGroupId"] == "users"
