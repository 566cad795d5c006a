"""A subscription filter on one function's log group invokes another function with the decoded
CloudWatch Logs events its pattern selects (parsed with Powertools' CloudWatchLogsModel), and a
pattern the local cloud does not match is refused at deploy time."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from deploy_support import aws, unique_stack

from localcloud.build import BuildCache
from localcloud.deploy import DeployError, deploy
from localcloud.trace import HopKind

pytestmark = pytest.mark.integration

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Seen:
    Type: AWS::SQS::Queue
  Producer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: producer/
      Handler: app.handler
      Runtime: python3.12
  ProducerLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${Producer}
      RetentionInDays: 1
  Collector:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: collector/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 30
      Environment:
        Variables:
          QUEUE_URL: !Ref Seen
  CollectorPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Collector
      Principal: logs.amazonaws.com
      SourceArn: !GetAtt ProducerLogs.Arn
  Errors:
    Type: AWS::Logs::SubscriptionFilter
    DependsOn: CollectorPermission
    Properties:
      LogGroupName: !Ref ProducerLogs
      FilterPattern: '{pattern}'
      DestinationArn: !GetAtt Collector.Arn
"""

PRODUCER = """
def handler(event, context):
    print("INFO order 7 accepted")
    print("ERROR payment declined for order 7")
    print("INFO order 7 parked")
    return "done"
"""

COLLECTOR = """
import json
import os

import boto3
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import CloudWatchLogsModel


def handler(event, context):
    data = parse(event=event, model=CloudWatchLogsModel).awslogs.decoded_data
    body = {
        "logGroup": data.logGroup,
        "filters": data.subscriptionFilters,
        "owner": data.owner,
        "messages": [e.message for e in data.logEvents],
    }
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(body))
"""


def _project(tmp_path: Path, pattern: str) -> Path:
    for name, code in (("producer", PRODUCER), ("collector", COLLECTOR)):
        (tmp_path / name).mkdir(exist_ok=True)
        (tmp_path / name / "app.py").write_text(code)
    (tmp_path / "collector" / "requirements.txt").write_text(
        "aws-lambda-powertools[parser]>=3.0,<4\n"
    )
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.replace("{pattern}", pattern))
    return template


def test_a_functions_error_lines_reach_the_subscribed_function_decoded(
    tmp_path: Path, endpoint_url: str, localcloud: Any
) -> None:
    report = deploy(
        _project(tmp_path, "ERROR"), endpoint_url, stack=unique_stack("logsub"), builds=BuildCache()
    )
    resources = report.resources
    producer = resources["Producer"].physical_id
    sqs = aws("sqs", endpoint_url)
    queue = resources["Seen"].physical_id

    aws("lambda", endpoint_url).invoke(FunctionName=producer, Payload=b"{}")
    received: list[dict[str, object]] = []
    deadline = time.monotonic() + 60
    while not received and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2)
        received += [json.loads(m["Body"]) for m in answer.get("Messages", [])]

    traces = localcloud.running().traces
    [delivered] = traces.find(
        lambda h: (
            h.kind == HopKind.DELIVER and h.detail.get("log_group") == f"/aws/lambda/{producer}"
        )
    )
    path = [
        (h.kind, h.resource) for h in sorted(traces.get(delivered.trace_id), key=lambda h: h.at)
    ]

    assert path[:2] == [(HopKind.INVOKE, producer), (HopKind.DELIVER, delivered.resource)]
    assert delivered.detail["events"] == 1
    assert received == [
        {
            "logGroup": f"/aws/lambda/{producer}",
            "filters": [resources["Errors"].physical_id],
            "owner": "123456789012",
            "messages": ["ERROR payment declined for order 7"],
        }
    ]


def test_a_json_pattern_is_refused_at_deploy_time(tmp_path: Path, endpoint_url: str) -> None:
    with pytest.raises(DeployError, match="term patterns only"):
        deploy(
            _project(tmp_path, '{ $.level = "ERROR" }'),
            endpoint_url,
            stack=unique_stack("logsubjson"),
            builds=BuildCache(),
        )
