"""Templates with S3 event notifications: NotificationConfiguration on AWS::S3::Bucket and SAM's
``Events: S3`` deploy, notify for real, and a configuration S3 refuses fails the deploy."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import DeployError, TemplateError, deploy

pytestmark = pytest.mark.integration

QUEUE_AND_BUCKET = """
Resources:
  Inbox:
    Type: AWS::SQS::Queue
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        QueueConfigurations:
          - Event: s3:ObjectCreated:*
            Queue: !GetAtt Inbox.Arn
            Filter:
              S3Key:
                Rules:
                  - Name: prefix
                    Value: incoming/
        EventBridgeConfiguration:
          EventBridgeEnabled: true
"""

SAM_S3_EVENT = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Thumbnailer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: thumbnailer/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules:
                  - Name: suffix
                    Value: .txt
"""

OVERLAPPING = """
Resources:
  Inbox:
    Type: AWS::SQS::Queue
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        QueueConfigurations:
          - Event: s3:ObjectCreated:*
            Queue: !GetAtt Inbox.Arn
          - Event: s3:ObjectCreated:Put
            Queue: !GetAtt Inbox.Arn
"""

# The function names the bucket and the bucket the function: CloudFormation refuses the cycle.
SAM_CYCLE = SAM_S3_EVENT.replace(
    "      Events:\n",
    "      Environment:\n        Variables:\n          BUCKET: !Ref Uploads\n      Events:\n",
)


def _records(sqs: Any, url: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            records = json.loads(message["Body"]).get("Records")
            if records:
                return list(records)
        time.sleep(0.05)
    raise AssertionError(f"no S3 record reached {url}")


def test_bucket_notification_configuration_deploys_and_delivers(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("s3n")
    report = deploy(write_template(tmp_path, QUEUE_AND_BUCKET), endpoint_url, stack=stack)
    bucket = report.resources["Uploads"].physical_id
    s3, sqs = aws("s3", endpoint_url), aws("sqs", endpoint_url)

    held = s3.get_bucket_notification_configuration(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="incoming/a.csv", Body=b"1")

    [queue] = held["QueueConfigurations"]
    assert queue["Events"] == ["s3:ObjectCreated:*"]
    assert queue["Filter"]["Key"]["FilterRules"] == [{"Name": "Prefix", "Value": "incoming/"}]
    assert held["EventBridgeConfiguration"] == {}
    url = sqs.get_queue_url(QueueName=report.resources["Inbox"].physical_id.rsplit("/", 1)[-1])
    [record] = _records(sqs, url["QueueUrl"])
    assert record["s3"]["object"]["key"] == "incoming/a.csv"
    assert record["s3"]["configurationId"] == queue["Id"]


def test_redeploys_change_nothing_until_the_configuration_goes(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("s3re")
    template = write_template(tmp_path, QUEUE_AND_BUCKET)
    first = deploy(template, endpoint_url, stack=stack)
    bucket = first.resources["Uploads"].physical_id

    again = deploy(template, endpoint_url, stack=stack)
    without = write_template(tmp_path, QUEUE_AND_BUCKET.split("    Properties:")[0])
    removed = deploy(without, endpoint_url, stack=stack)

    assert not again.changed
    assert removed.updated == ["Uploads"]
    held = aws("s3", endpoint_url).get_bucket_notification_configuration(Bucket=bucket)
    assert "QueueConfigurations" not in held and "EventBridgeConfiguration" not in held


def test_sam_s3_event_invokes_the_function(tmp_path: Path, endpoint_url: str, traces: Any) -> None:
    stack = unique_stack("s3sam")
    template = write_template(tmp_path, SAM_S3_EVENT, functions=("thumbnailer",))
    report = deploy(template, endpoint_url, stack=stack)
    bucket = report.resources["Uploads"].physical_id
    function = report.resources["Thumbnailer"].physical_id
    s3 = aws("s3", endpoint_url)

    s3.put_object(Bucket=bucket, Key="skipped.png", Body=b"1")
    s3.put_object(Bucket=bucket, Key="notes.txt", Body=b"1")

    [run] = traces.wait_for(lambda: traces.invocations(function, "ok"), message="the S3 event")
    objects = [h for h in traces.trace_of(run) if h.kind == "object"]
    assert [h.resource for h in objects] == [f"{bucket}/notes.txt"]
    [lambda_config] = s3.get_bucket_notification_configuration(Bucket=bucket)[
        "LambdaFunctionConfigurations"
    ]
    assert lambda_config["LambdaFunctionArn"].endswith(f":function:{function}")


def test_overlapping_configurations_fail_the_deploy_with_s3s_reason(
    tmp_path: Path, endpoint_url: str
) -> None:
    with pytest.raises(DeployError) as caught:
        deploy(write_template(tmp_path, OVERLAPPING), endpoint_url, stack=unique_stack("s3bad"))

    assert "Uploads" in str(caught.value)
    assert "Configurations overlap" in str(caught.value)


def test_a_function_and_bucket_naming_each_other_are_refused_as_a_cycle(
    tmp_path: Path, endpoint_url: str
) -> None:
    template = write_template(tmp_path, SAM_CYCLE, functions=("thumbnailer",))

    with pytest.raises(TemplateError) as caught:
        deploy(template, endpoint_url, stack=unique_stack("s3cyc"))

    assert "cycle" in str(caught.value)
    assert "Uploads" in str(caught.value) and "Thumbnailer" in str(caught.value)
