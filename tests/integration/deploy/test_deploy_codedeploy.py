"""SAM's DeploymentPreference: a redeploy with new code runs the PreTraffic hook, which reports
with PutLifecycleEventHookExecutionStatus, and moves the alias at once; a hook reporting Failed
fails the deploy and leaves the alias on its old version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import deploy, destroy
from localcloud.deploy.errors import DeployError

pytestmark = pytest.mark.integration

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Runs:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: worker/
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
        Hooks:
          PreTraffic: !Ref PreTrafficHook
  PreTrafficHook:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: hook/
      Environment:
        Variables:
          RUNS: !Ref Runs
      DeploymentPreference:
        Enabled: false
"""

HOOK = """
import os
import boto3

def handler(event, context):
    boto3.client("dynamodb").put_item(
        TableName=os.environ["RUNS"],
        Item={
            "id": {"S": event["DeploymentId"]},
            "execution": {"S": event["LifecycleEventHookExecutionId"]},
        },
    )
    boto3.client("codedeploy").put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status="%s",
    )
"""


def _deploy_twice(
    tmp_path: Path, endpoint: str, status: str
) -> tuple[str, list[dict[str, Any]], Exception | None, str]:
    """Deploy, change the worker's code, deploy again: the first alias version, the hook's
    runs, the second deploy's error and the alias version after it."""
    stack = unique_stack("codedeploy")
    template = write_template(tmp_path, TEMPLATE, functions=("worker", "hook"))
    (tmp_path / "hook" / "app.py").write_text(HOOK % status)
    deploy(template, endpoint, stack=stack)
    lam = aws("lambda", endpoint)
    first = lam.get_alias(FunctionName=f"{stack}-Worker", Name="live")["FunctionVersion"]
    (tmp_path / "worker" / "app.py").write_text("def handler(event, context):\n    return 2\n")
    failure = None
    try:
        deploy(template, endpoint, stack=stack)
    except DeployError as exc:
        failure = exc
    version = lam.get_alias(FunctionName=f"{stack}-Worker", Name="live")["FunctionVersion"]
    runs = aws("dynamodb", endpoint).scan(TableName=f"{stack}-Runs")["Items"]
    destroy(endpoint, stack)
    return first, runs, failure, version


def test_pre_traffic_hook_runs_and_the_alias_moves(tmp_path: Path, endpoint_url: str) -> None:
    first, runs, failure, version = _deploy_twice(tmp_path, endpoint_url, "Succeeded")

    assert failure is None
    assert (first, version) == ("1", "2")
    assert len(runs) == 1 and runs[0]["id"]["S"].startswith("d-")


def test_a_hook_reporting_failed_fails_the_deploy_and_keeps_the_old_version(
    tmp_path: Path, endpoint_url: str
) -> None:
    first, runs, failure, version = _deploy_twice(tmp_path, endpoint_url, "Failed")

    assert failure is not None
    assert "BeforeAllowTraffic hook" in str(failure) and "reported status Failed" in str(failure)
    assert (first, version) == ("1", "1")
    assert len(runs) == 1
