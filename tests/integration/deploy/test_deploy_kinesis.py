"""A SAM template with a Kinesis stream and a function with a Kinesis event: the stream kind
(shards, mode, retention, encryption, tags; updates in place), and the event delivering records."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import deploy
from localcloud.deploy.errors import DeployError

pytestmark = pytest.mark.integration

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Shards:
    Type: Number
    Default: 2
  Hours:
    Type: Number
    Default: 48
  Team:
    Type: String
    Default: payments
Resources:
  Events:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: !Ref Shards
      RetentionPeriodHours: !Ref Hours
      StreamEncryption:
        EncryptionType: KMS
        KeyId: alias/aws/kinesis
      Tags:
        - {Key: team, Value: !Ref Team}
  OnDemand:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: !Sub "${AWS::StackName}-on-demand"
      StreamModeDetails: {StreamMode: ON_DEMAND}
  GaveUp:
    Type: AWS::SQS::Queue
  Failing:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: failing/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Stream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Events.Arn
            StartingPosition: TRIM_HORIZON
            BatchSize: 5
            MaximumBatchingWindowInSeconds: 0
            MaximumRetryAttempts: 0
            BisectBatchOnFunctionError: false
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"data": {"kind": ["order"]}}'
            DestinationConfig:
              OnFailure:
                Type: SQS
                Destination: !GetAtt GaveUp.Arn
Outputs:
  StreamName:
    Value: !Ref Events
  StreamArn:
    Value: !GetAtt Events.Arn
  OnDemandName:
    Value: !GetAtt OnDemand.Name
  QueueUrl:
    Value: !Ref GaveUp
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kinesis")
    write_template(folder, TEMPLATE, functions=("failing",))
    (folder / "failing" / "app.py").write_text(
        "def handler(event, context):\n    raise RuntimeError('always fails')\n"
    )
    return folder


@pytest.fixture(scope="module")
def deployed(endpoint_url: str, folder: Path) -> Any:
    return deploy(folder / "template.yaml", endpoint_url, stack=unique_stack("kinesis"))


def _summary(endpoint_url: str, name: str) -> dict[str, Any]:
    kinesis = aws("kinesis", endpoint_url)
    return dict(kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"])


def test_the_stream_deploys_with_its_shards_retention_encryption_and_tags(
    deployed: Any, endpoint_url: str
) -> None:
    name = deployed.outputs["StreamName"]
    summary = _summary(endpoint_url, name)
    assert summary["StreamARN"] == deployed.outputs["StreamArn"]
    assert summary["OpenShardCount"] == 2
    assert summary["RetentionPeriodHours"] == 48
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", "alias/aws/kinesis")
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    tags = aws("kinesis", endpoint_url).list_tags_for_stream(StreamName=name)["Tags"]
    assert tags == [{"Key": "team", "Value": "payments"}]
    on_demand = _summary(endpoint_url, deployed.outputs["OnDemandName"])
    assert on_demand["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}


def test_sam_kinesis_event_runs_and_sends_given_up_records_to_its_queue(
    deployed: Any, endpoint_url: str
) -> None:
    sqs = aws("sqs", endpoint_url)
    [mapping] = aws("lambda", endpoint_url).list_event_source_mappings(
        FunctionName=deployed.resources["Failing"].physical_id
    )["EventSourceMappings"]
    assert (mapping["StartingPosition"], mapping["BatchSize"]) == ("TRIM_HORIZON", 5)
    assert mapping["EventSourceArn"] == deployed.outputs["StreamArn"]

    kinesis = aws("kinesis", endpoint_url)
    name = deployed.outputs["StreamName"]
    kinesis.put_record(StreamName=name, Data=b'{"kind": "audit"}', PartitionKey="p")  # filtered
    sequence = kinesis.put_record(StreamName=name, Data=b'{"kind": "order"}', PartitionKey="p")

    deadline = time.monotonic() + 20
    messages: list[Any] = []
    while not messages and time.monotonic() < deadline:
        messages = sqs.receive_message(
            QueueUrl=deployed.outputs["QueueUrl"], WaitTimeSeconds=1
        ).get("Messages", [])
    assert messages, "no failure record reached the OnFailure queue"
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    info = record["KinesisBatchInfo"]
    assert info["streamArn"] == mapping["EventSourceArn"]
    assert (info["batchSize"], info["shardId"]) == (1, sequence["ShardId"])
    assert info["startSequenceNumber"] == sequence["SequenceNumber"]


def test_a_redeploy_updates_the_stream_in_place_and_an_unchanged_one_changes_nothing(
    deployed: Any, endpoint_url: str, folder: Path
) -> None:
    template, stack = folder / "template.yaml", deployed.stack
    same = deploy(template, endpoint_url, stack=stack)
    assert same.created == [] and same.updated == [] and same.removed == []

    changed = deploy(
        template, endpoint_url, stack=stack, parameters={"Shards": 4, "Hours": 24, "Team": "ops"}
    )

    assert changed.updated == ["Events"]
    name = deployed.outputs["StreamName"]
    assert changed.outputs["StreamName"] == name
    summary = _summary(endpoint_url, name)
    assert (summary["OpenShardCount"], summary["RetentionPeriodHours"]) == (4, 24)
    tags = aws("kinesis", endpoint_url).list_tags_for_stream(StreamName=name)["Tags"]
    assert tags == [{"Key": "team", "Value": "ops"}]


def test_an_encryption_without_a_key_is_refused(endpoint_url: str, tmp_path: Path) -> None:
    template = write_template(
        tmp_path,
        """
Resources:
  Plain:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
      StreamEncryption: {EncryptionType: NONE}
""",
    )
    with pytest.raises(DeployError, match="StreamEncryption takes EncryptionType KMS"):
        deploy(template, endpoint_url, stack=unique_stack("kinesis-bad"))


POWERTOOLS_LAYER = (
    "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"
)

BATCH_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Kinesis::Stream
    Properties: {ShardCount: 1}
  Done:
    Type: AWS::SQS::Queue
  GaveUp:
    Type: AWS::SQS::Queue
  Processor:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: processor/
      Handler: app.handler
      Runtime: python3.12
      Layers: [POWERTOOLS]
      Environment:
        Variables:
          DONE_URL: !Ref Done
      Events:
        Stream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Orders.Arn
            StartingPosition: TRIM_HORIZON
            BatchSize: 10
            MaximumBatchingWindowInSeconds: 1
            MaximumRetryAttempts: 1
            FunctionResponseTypes: [ReportBatchItemFailures]
            DestinationConfig:
              OnFailure:
                Type: SQS
                Destination: !GetAtt GaveUp.Arn
Outputs:
  StreamName:
    Value: !Ref Orders
  DoneUrl:
    Value: !Ref Done
  GaveUpUrl:
    Value: !Ref GaveUp
""".replace("POWERTOOLS", POWERTOOLS_LAYER)

PROCESSOR = """
import os

import boto3
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

processor = BatchProcessor(event_type=EventType.KinesisDataStreams)
sqs = boto3.client("sqs")


def record_handler(record):
    data = record.kinesis.data_as_text()
    if data == "poison":
        raise ValueError("cannot process poison")
    sqs.send_message(QueueUrl=os.environ["DONE_URL"], MessageBody=data)


def handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
"""


def _drain(sqs: Any, url: str, count: int, timeout: float = 20.0) -> list[str]:
    bodies: list[str] = []
    deadline = time.monotonic() + timeout
    while len(bodies) < count and time.monotonic() < deadline:
        for message in sqs.receive_message(
            QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10
        ).get("Messages", []):
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_a_powertools_batch_processor_handler_checkpoints_and_gives_up_the_poison_record(
    endpoint_url: str, tmp_path: Path
) -> None:
    from localcloud.build import BuildCache

    (tmp_path / "processor").mkdir()
    (tmp_path / "processor" / "app.py").write_text(PROCESSOR)
    (tmp_path / "template.yaml").write_text(BATCH_TEMPLATE)
    report = deploy(
        tmp_path / "template.yaml", endpoint_url, stack=unique_stack("kbatch"), builds=BuildCache()
    )
    kinesis, sqs = aws("kinesis", endpoint_url), aws("sqs", endpoint_url)
    written = kinesis.put_records(
        StreamName=report.outputs["StreamName"],
        Records=[{"Data": d.encode(), "PartitionKey": "p"} for d in ("a", "b", "poison", "c")],
    )["Records"]

    # THEN the handler's partial batch response checkpoints at the poison record: a and b are
    # done once, c once per attempt of [poison, c], and [poison, c] is given up after one retry
    [failure] = _drain(sqs, report.outputs["GaveUpUrl"], 1)
    info = json.loads(failure)["KinesisBatchInfo"]
    assert info["startSequenceNumber"] == written[2]["SequenceNumber"]
    assert info["batchSize"] == 2
    assert sorted(_drain(sqs, report.outputs["DoneUrl"], 4)) == ["a", "b", "c", "c"]
