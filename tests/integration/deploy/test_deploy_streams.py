"""Templates with DynamoDB streams: every view type, and a SAM DynamoDB event with AWS's
settings that runs its function on the stream and sends what it gave up on to its queue."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import deploy

pytestmark = pytest.mark.integration

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")

TABLE = """
  {name}:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}]
      KeySchema: [{{AttributeName: pk, KeyType: HASH}}]
      StreamSpecification:
        StreamViewType: {view_type}
"""

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
{tables}
  GaveUp:
    Type: AWS::SQS::Queue
  Failing:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: failing/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt TableNEWIMAGE.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 5
            MaximumRetryAttempts: 0
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{{"eventName": ["INSERT"]}}'
            DestinationConfig:
              OnFailure:
                Type: SQS
                Destination: !GetAtt GaveUp.Arn
Outputs:
  QueueUrl:
    Value: !Ref GaveUp
{outputs}
"""


def _logical(view_type: str) -> str:
    return "Table" + view_type.replace("_", "")


@pytest.fixture(scope="module")
def deployed(endpoint_url: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("streams")
    text = TEMPLATE.format(
        tables="".join(TABLE.format(name=_logical(v), view_type=v) for v in VIEW_TYPES),
        outputs="".join(f"  {_logical(v)}:\n    Value: !Ref {_logical(v)}\n" for v in VIEW_TYPES),
    )
    path = write_template(folder, text, functions=("failing",))
    (folder / "failing" / "app.py").write_text(
        "def handler(event, context):\n    raise RuntimeError('always fails')\n"
    )
    return deploy(Path(path), endpoint_url, stack=unique_stack("streams"))


def test_every_view_type_deploys_with_its_stream(deployed: Any, endpoint_url: str) -> None:
    dynamodb = aws("dynamodb", endpoint_url)
    for view_type in VIEW_TYPES:
        table = dynamodb.describe_table(TableName=deployed.outputs[_logical(view_type)])["Table"]
        assert table["StreamSpecification"] == {
            "StreamEnabled": True,
            "StreamViewType": view_type,
        }
        assert table["LatestStreamArn"].startswith(table["TableArn"] + "/stream/")


def test_sam_dynamodb_event_runs_and_sends_given_up_records_to_its_queue(
    deployed: Any, endpoint_url: str
) -> None:
    dynamodb, sqs = aws("dynamodb", endpoint_url), aws("sqs", endpoint_url)
    table = deployed.outputs[_logical("NEW_IMAGE")]
    [mapping] = aws("lambda", endpoint_url).list_event_source_mappings(
        FunctionName=deployed.resources["Failing"].physical_id
    )["EventSourceMappings"]
    assert (mapping["StartingPosition"], mapping["BatchSize"]) == ("TRIM_HORIZON", 5)

    dynamodb.put_item(TableName=table, Item={"pk": {"S": "one"}})

    deadline = time.monotonic() + 20
    messages: list[Any] = []
    while not messages and time.monotonic() < deadline:
        messages = sqs.receive_message(
            QueueUrl=deployed.outputs["QueueUrl"], WaitTimeSeconds=1
        ).get("Messages", [])
    assert messages, "no failure record reached the OnFailure queue"
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["DDBStreamBatchInfo"]["streamArn"] == mapping["EventSourceArn"]
