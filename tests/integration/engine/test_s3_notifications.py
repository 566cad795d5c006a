"""S3 event notifications through boto3: records to Lambda, queues and topics, EventBridge
events, test events, filters, configuration checks and Lambda's async failure handling."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import urllib3
from aws_lambda_powertools.utilities.parser.models import (
    S3EventNotificationEventBridgeModel,
    S3Model,
)
from botocore.exceptions import ClientError
from engine_support import receive_all, scan, unique, wait_until

from localcloud.trace import HopKind

pytestmark = pytest.mark.integration

CREATED_AND_REMOVED = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]


@pytest.fixture
def s3(localcloud: Any) -> Any:
    return localcloud.client("s3")


@pytest.fixture
def make_bucket(s3: Any) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(versioned: bool = False) -> str:
        name = unique("bucket")
        s3.create_bucket(Bucket=name)
        if versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        created.append(name)
        return name

    yield make
    for name in created:
        versions = s3.list_object_versions(Bucket=name)
        for item in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
            s3.delete_object(Bucket=name, Key=item["Key"], VersionId=item["VersionId"])
        s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={})
        s3.delete_bucket(Bucket=name)


def _queue_config(arn: str, events: list[str], **filters: str) -> dict[str, Any]:
    config: dict[str, Any] = {"Id": "to-queue", "QueueArn": arn, "Events": events}
    if filters:
        config["Filter"] = {
            "Key": {"FilterRules": [{"Name": k, "Value": v} for k, v in filters.items()]}
        }
    return config


def _notify_queue(s3: Any, bucket: str, queue_arn: str, events: list[str], **filters: str) -> None:
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [_queue_config(queue_arn, events, **filters)]
        },
    )


def _records(sqs: Any, url: str, count: int) -> list[dict[str, Any]]:
    """The next ``count`` S3 records in the queue (test events skipped), in arrival order."""
    records: list[dict[str, Any]] = []

    def more() -> bool:
        for message in sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            body = json.loads(message["Body"])
            records.extend(body.get("Records", []))
        return len(records) >= count

    wait_until(more, 10, f"{count} S3 records")
    return records


def test_put_invokes_the_function_with_the_s3_record(
    s3: Any, lam: Any, make_bucket: Any, make_function: Any, make_table: Any
) -> None:
    table = make_table()
    name = make_function("sink.event", env={"SINK_TABLE": table.name})
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    bucket = make_bucket()
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"Id": "thumbs", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )

    put = s3.put_object(Bucket=bucket, Key="photos/my cat.jpg", Body=b"meow")

    [item] = wait_until(lambda: scan(table, "event"), message="the S3 event")
    event = S3Model.model_validate(json.loads(item["event"]))
    [record] = event.Records
    assert record.eventVersion == "2.1"
    assert record.eventSource == "aws:s3"
    assert record.eventName == "ObjectCreated:Put"
    assert record.awsRegion == "us-east-1"
    assert record.s3.configurationId == "thumbs"
    assert record.s3.bucket.name == bucket
    assert record.s3.bucket.arn == f"arn:aws:s3:::{bucket}"
    assert record.s3.object is not None
    assert record.s3.object.key == "photos/my+cat.jpg"
    assert record.s3.object.size == 4
    assert record.s3.object.eTag == put["ETag"].strip('"')
    assert int(record.s3.object.sequencer or "", 16) > 0
    assert record.responseElements.x_amz_request_id


def test_a_prefix_and_suffix_filter_excludes_other_keys(
    s3: Any, sqs: Any, make_bucket: Any, make_queue: Any
) -> None:
    url, arn = make_queue()
    bucket = make_bucket()
    _notify_queue(s3, bucket, arn, ["s3:ObjectCreated:*"], prefix="in/", suffix=".csv")

    for key in ("in/skip.txt", "out/skip.csv", "in/take.csv"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")

    [record] = _records(sqs, url, 1)
    assert record["s3"]["object"]["key"] == "in/take.csv"
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages") is None


def test_a_browser_form_upload_is_object_created_post(
    s3: Any, sqs: Any, make_bucket: Any, make_queue: Any
) -> None:
    url, arn = make_queue()
    bucket = make_bucket()
    _notify_queue(s3, bucket, arn, ["s3:ObjectCreated:Post"])
    form = s3.generate_presigned_post(Bucket=bucket, Key="form/upload.txt")

    response = urllib3.request(
        "POST", form["url"], fields={**form["fields"], "file": ("upload.txt", b"posted")}
    )

    assert response.status in (200, 204)
    [record] = _records(sqs, url, 1)
    assert record["eventName"] == "ObjectCreated:Post"
    assert record["s3"]["object"]["key"] == "form/upload.txt"
    assert record["s3"]["object"]["size"] == 6


def test_copy_is_object_created_copy(s3: Any, sqs: Any, make_bucket: Any, make_queue: Any) -> None:
    url, arn = make_queue()
    bucket = make_bucket()
    s3.put_object(Bucket=bucket, Key="source", Body=b"abc")
    _notify_queue(s3, bucket, arn, ["s3:ObjectCreated:Copy"])

    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "source"})

    [record] = _records(sqs, url, 1)
    assert record["eventName"] == "ObjectCreated:Copy"
    assert record["s3"]["object"]["key"] == "copy"
    assert record["s3"]["object"]["size"] == 3


def test_multipart_completion_is_object_created_complete_multipart_upload(
    s3: Any, sqs: Any, make_bucket: Any, make_queue: Any
) -> None:
    url, arn = make_queue()
    bucket = make_bucket()
    _notify_queue(s3, bucket, arn, ["s3:ObjectCreated:*"])
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"p" * 10)

    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload,
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )

    [record] = _records(sqs, url, 1)
    assert record["eventName"] == "ObjectCreated:CompleteMultipartUpload"
    assert record["s3"]["object"]["eTag"] == done["ETag"].strip('"')


def test_delete_is_object_removed_delete_without_size(
    s3: Any, sqs: Any, make_bucket: Any, make_queue: Any
) -> None:
    url, arn = make_queue()
    bucket = make_bucket()
    s3.put_object(Bucket=bucket, Key="gone", Body=b"abc")
    _notify_queue(s3, bucket, arn, ["s3:ObjectRemoved:*"])

    s3.delete_object(Bucket=bucket, Key="gone")

    [record] = _records(sqs, url, 1)
    assert record["eventName"] == "ObjectRemoved:Delete"
    assert record["s3"]["object"]["key"] == "gone"
    assert "size" not in record["s3"]["object"]
    S3Model.model_validate({"Records": [record]})


def test_delete_in_a_versioned_bucket_creates_a_delete_marker_event(
    s3: Any, sqs: Any, make_bucket: Any, make_queue: Any
) -> None:
    url, arn = make_queue()
    bucket = make_bucket(versioned=True)
    _notify_queue(s3, bucket, arn, CREATED_AND_REMOVED)
    put = s3.put_object(Bucket=bucket, Key="doc", Body=b"v1")

    deleted = s3.delete_object(Bucket=bucket, Key="doc")

    created, removed = _records(sqs, url, 2)
    assert created["eventName"] == "ObjectCreated:Put"
    assert created["s3"]["object"]["versionId"] == put["VersionId"]
    assert removed["eventName"] == "ObjectRemoved:DeleteMarkerCreated"
    assert removed["s3"]["object"]["versionId"] == deleted["VersionId"]
    assert int(removed["s3"]["object"]["sequencer"], 16) > int(
        created["s3"]["object"]["sequencer"], 16
    )


def test_deleting_a_version_is_object_removed_delete_of_that_version(
    s3: Any, sqs: Any, make_bucket: Any, make_queue: Any
) -> None:
    url, arn = make_queue()
    bucket = make_bucket(versioned=True)
    first = s3.put_object(Bucket=bucket, Key="doc", Body=b"v1")["VersionId"]
    s3.put_object(Bucket=bucket, Key="doc", Body=b"v2")
    _notify_queue(s3, bucket, arn, ["s3:ObjectRemoved:*"])

    s3.delete_object(Bucket=bucket, Key="doc", VersionId=first)

    [record] = _records(sqs, url, 1)
    assert record["eventName"] == "ObjectRemoved:Delete"
    assert record["s3"]["object"]["versionId"] == first


def test_a_queue_gets_a_test_event_when_configured(
    s3: Any, sqs: Any, make_bucket: Any, make_queue: Any
) -> None:
    url, arn = make_queue()
    bucket = make_bucket()

    _notify_queue(s3, bucket, arn, ["s3:ObjectCreated:*"])

    [message] = receive_all(sqs, url, 1)
    body = json.loads(message["Body"])
    assert body["Service"] == "Amazon S3"
    assert body["Event"] == "s3:TestEvent"
    assert body["Bucket"] == bucket
    assert body["RequestId"] and body["HostId"] and body["Time"].endswith("Z")


def test_a_topic_gets_the_test_event_and_the_records(
    localcloud: Any, s3: Any, sqs: Any, make_bucket: Any, make_queue: Any
) -> None:
    sns = localcloud.client("sns")
    topic = sns.create_topic(Name=unique("uploads"))["TopicArn"]
    url, queue_arn = make_queue()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    bucket = make_bucket()
    try:
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "TopicConfigurations": [
                    {"Id": "fanout", "TopicArn": topic, "Events": ["s3:ObjectCreated:Put"]}
                ]
            },
        )
        s3.put_object(Bucket=bucket, Key="k", Body=b"1")

        test, created = receive_all(sqs, url, 2)
    finally:
        sns.delete_topic(TopicArn=topic)
    assert json.loads(json.loads(test["Body"])["Message"])["Event"] == "s3:TestEvent"
    envelope = json.loads(created["Body"])
    assert envelope["TopicArn"] == topic
    [record] = json.loads(envelope["Message"])["Records"]
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["configurationId"] == "fanout"


def test_eventbridge_object_created_is_matched_by_a_rule(
    localcloud: Any, s3: Any, sqs: Any, make_bucket: Any, make_queue: Any
) -> None:
    events = localcloud.client("events")
    url, arn = make_queue()
    bucket = make_bucket()
    rule = unique("uploads")
    events.put_rule(
        Name=rule,
        EventPattern=json.dumps(
            {
                "source": ["aws.s3"],
                "detail-type": ["Object Created"],
                "detail": {"bucket": {"name": [bucket]}, "object": {"key": [{"prefix": "in/"}]}},
            }
        ),
    )
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    try:
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
        )
        s3.put_object(Bucket=bucket, Key="out/ignored", Body=b"1")
        s3.put_object(Bucket=bucket, Key="in/a b.txt", Body=b"12")

        [message] = receive_all(sqs, url, 1)
    finally:
        events.remove_targets(Rule=rule, Ids=["q"])
        events.delete_rule(Name=rule)
    event = S3EventNotificationEventBridgeModel.model_validate(json.loads(message["Body"]))
    assert event.source == "aws.s3"
    assert event.detail_type == "Object Created"
    assert event.resources == [f"arn:aws:s3:::{bucket}"]
    assert event.detail.bucket.name == bucket
    assert event.detail.object.key == "in/a b.txt"
    assert event.detail.object.size == 2
    assert event.detail.reason == "PutObject"
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["EventBridgeConfiguration"] == {}


@pytest.mark.usefixtures("fast_retries")
def test_a_failing_handler_is_retried_then_sent_to_its_on_failure_destination(
    s3: Any, lam: Any, sqs: Any, make_bucket: Any, make_function: Any, make_queue: Any
) -> None:
    name = make_function("basic.fail")
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    failure_url, failure_arn = make_queue()
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": failure_arn}}
    )
    bucket = make_bucket()
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:Put"]}
            ]
        },
    )

    s3.put_object(Bucket=bucket, Key="poison", Body=b"x")

    [message] = receive_all(sqs, failure_url, 1)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    [s3_record] = record["requestPayload"]["Records"]
    assert s3_record["s3"]["object"]["key"] == "poison"


@pytest.mark.usefixtures("fast_retries")
def test_a_failing_handler_ends_in_its_dead_letter_queue(
    s3: Any, lam: Any, sqs: Any, make_bucket: Any, make_function: Any, make_queue: Any
) -> None:
    dlq_url, dlq_arn = make_queue()
    name = make_function("basic.fail", dead_letter_arn=dlq_arn)
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    bucket = make_bucket()
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )

    s3.put_object(Bucket=bucket, Key="poison", Body=b"x")

    [message] = receive_all(sqs, dlq_url, 1)
    [s3_record] = json.loads(message["Body"])["Records"]
    assert s3_record["eventName"] == "ObjectCreated:Put"
    assert message["MessageAttributes"]["ErrorMessage"]["StringValue"].startswith("boom")


def test_the_put_is_the_root_of_the_invocation_it_causes(
    s3: Any, lam: Any, make_bucket: Any, make_function: Any, traces: Any
) -> None:
    name = make_function("basic.echo")
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    bucket = make_bucket()
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )

    s3.put_object(Bucket=bucket, Key="traced", Body=b"x")

    [invocation] = traces.wait_for(lambda: traces.invocations(name, "ok"), message="the run")
    path = traces.path(invocation.trace_id)
    assert (HopKind.OBJECT, "s3", f"{bucket}/traced") in path
    assert path.index((HopKind.OBJECT, "s3", f"{bucket}/traced")) < path.index(
        (HopKind.INVOKE, "lambda", name)
    )


@pytest.mark.parametrize(
    ("configurations", "expected"),
    [
        (
            [
                {"prefix": "images/", "events": ["s3:ObjectCreated:*"]},
                {"prefix": "images/thumbs/", "events": ["s3:ObjectCreated:Put"]},
            ],
            "Configurations overlap",
        ),
        (
            [{"prefix": "", "events": ["s3:ObjectCreated:Push"]}],
            "is not supported for notifications",
        ),
    ],
    ids=["overlapping prefixes", "unknown event"],
)
def test_configurations_s3_refuses_are_invalid_arguments(
    s3: Any, make_bucket: Any, make_queue: Any, configurations: Any, expected: str
) -> None:
    _, arn = make_queue()
    bucket = make_bucket()
    queue_configurations = [
        {
            "Id": f"c{i}",
            "QueueArn": arn,
            "Events": c["events"],
            **(
                {"Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": c["prefix"]}]}}}
                if c["prefix"]
                else {}
            ),
        }
        for i, c in enumerate(configurations)
    ]

    with pytest.raises(ClientError) as caught:
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"QueueConfigurations": queue_configurations}
        )

    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    assert expected in caught.value.response["Error"]["Message"]
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)


def test_an_event_for_a_queue_deleted_since_is_recorded_as_dropped(
    s3: Any, sqs: Any, make_bucket: Any, traces: Any
) -> None:
    url = sqs.create_queue(QueueName=unique("gone"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    bucket = make_bucket()
    _notify_queue(s3, bucket, arn, ["s3:ObjectCreated:*"])
    sqs.delete_queue(QueueUrl=url)

    s3.put_object(Bucket=bucket, Key="lost", Body=b"x")

    [drop] = traces.wait_for(lambda: traces.hops(HopKind.DROP, arn), message="the drop")
    assert drop.outcome == "error"
    assert "notification destination" in drop.detail["reason"]
    assert traces.trace_of(drop)[0].kind == HopKind.OBJECT


def test_a_destination_that_does_not_exist_is_refused(s3: Any, make_bucket: Any) -> None:
    bucket = make_bucket()
    missing = "arn:aws:sqs:us-east-1:123456789012:no-such-queue"

    with pytest.raises(ClientError) as caught:
        _notify_queue(s3, bucket, missing, ["s3:ObjectCreated:*"])

    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    assert "Unable to validate the following destination configurations" in str(caught.value)
    assert missing in str(caught.value)


def test_a_handlers_put_is_linked_to_the_invocation_that_made_it(
    s3: Any,
    lam: Any,
    sqs: Any,
    make_bucket: Any,
    make_function: Any,
    make_queue: Any,
    make_table: Any,
    traces: Any,
) -> None:
    url, arn = make_queue()
    bucket = make_bucket()
    _notify_queue(s3, bucket, arn, ["s3:ObjectCreated:Put"])
    name = make_function("aws_calls.round_trip")

    lam.invoke(
        FunctionName=name, Payload=json.dumps({"bucket": bucket, "table": make_table().name})
    )

    [record] = _records(sqs, url, 1)
    assert record["s3"]["object"]["key"] == "a+b/%C3%BC.bin"
    [invocation] = traces.invocations(name)
    [put] = traces.hops(HopKind.OBJECT, f"{bucket}/a b/ü.bin")
    assert put.trace_id == invocation.trace_id
