"""SAM's DeploymentPreference: planning accepts the CodeDeploy kinds it expands to, the kinds
refuse what a Lambda deployment cannot have, and an alias update under the UpdatePolicy runs
its hooks around the move, rolling back when the after hook fails."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from localcloud.deploy import plan_template
from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds import KINDS, Context
from localcloud.deploy.template import parse_template
from localcloud.deploy.traffic_shift import shift_alias

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker/
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Linear10PercentEvery1Minute
        Hooks:
          PreTraffic: !Ref Hook
          PostTraffic: !Ref Hook
        Alarms: [!Ref Alarm]
  Hook:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker/
      Handler: app.handler
      Runtime: python3.12
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: Errors
      Namespace: AWS/Lambda
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
"""

CTX = Context("http://127.0.0.1:1", "us-east-1", "123456789012", "stack")
GROUP = {
    "ApplicationName": "app",
    "ServiceRoleArn": "arn:aws:iam::123456789012:role/r",
    "DeploymentConfigName": "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    "DeploymentStyle": {"DeploymentType": "BLUE_GREEN", "DeploymentOption": "WITH_TRAFFIC_CONTROL"},
}


def test_a_deployment_preference_plans(tmp_path: Path) -> None:
    (tmp_path / "worker").mkdir()
    plan = plan_template(parse_template(TEMPLATE), tmp_path)

    types = {lid: r["Type"] for lid, r in plan.resources.items()}
    group = plan.resources["WorkerDeploymentGroup"]["Properties"]
    alias = plan.resources["WorkerAliaslive"]
    assert "AWS::CodeDeploy::Application" in types.values()
    assert types["WorkerDeploymentGroup"] == "AWS::CodeDeploy::DeploymentGroup"
    assert "AlarmConfiguration" in group
    assert set(alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]) >= {
        "BeforeAllowTrafficHook",
        "AfterAllowTrafficHook",
    }
    assert plan.unsupported == []


def test_the_kinds_give_their_names_as_ref() -> None:
    app = KINDS["AWS::CodeDeploy::Application"]
    group = KINDS["AWS::CodeDeploy::DeploymentGroup"]

    assert app.create("App", {"ComputePlatform": "Lambda"}, CTX) == "stack-App"
    assert app.create("App", {"ComputePlatform": "Lambda", "ApplicationName": "a"}, CTX) == "a"
    assert group.create("Group", GROUP, CTX) == "stack-Group"


@pytest.mark.parametrize(
    ("kind", "props", "words"),
    [
        ("AWS::CodeDeploy::Application", {"ComputePlatform": "Server"}, "only Lambda"),
        ("AWS::CodeDeploy::Application", {}, "only Lambda"),
        (
            "AWS::CodeDeploy::DeploymentGroup",
            {**GROUP, "DeploymentConfigName": "Mine"},
            "not a predefined Lambda configuration",
        ),
        (
            "AWS::CodeDeploy::DeploymentGroup",
            {**GROUP, "DeploymentStyle": {"DeploymentType": "IN_PLACE"}},
            "BLUE_GREEN",
        ),
        ("AWS::CodeDeploy::DeploymentGroup", {"ApplicationName": "a"}, "ServiceRoleArn"),
    ],
)
def test_the_kinds_refuse_what_lambda_cannot_have(
    kind: str, props: dict[str, Any], words: str
) -> None:
    with pytest.raises(DeployError, match=words):
        KINDS[kind].create("X", props, CTX)


class _Lambda:
    def __init__(self, outcomes: dict[str, str | None], cloud: _Cloud) -> None:
        self.outcomes = outcomes  # hook -> status it reports (None: a function error)
        self.cloud = cloud

    def invoke(self, FunctionName: str, InvocationType: str, Payload: str) -> dict[str, Any]:
        event = json.loads(Payload)
        self.cloud.calls.append(FunctionName)
        status = self.outcomes[FunctionName]
        if status is None:
            return {"FunctionError": "Unhandled", "Payload": io.BytesIO(b'{"errorMessage":"x"}')}
        self.cloud.reports[event["LifecycleEventHookExecutionId"]] = status
        return {"Payload": io.BytesIO(b"null")}


class _CodeDeploy:
    def __init__(self, cloud: _Cloud) -> None:
        self.cloud = cloud

    def get_deployment(self, deploymentId: str) -> dict[str, Any]:
        messages = [f"{e} {s}" for e, s in self.cloud.reports.items()]
        return {"deploymentInfo": {"deploymentStatusMessages": messages}}


class _Cloud(Context):
    def __init__(self, outcomes: dict[str, str | None]) -> None:
        super().__init__("http://127.0.0.1:1", "us-east-1", "123456789012", "stack")
        object.__setattr__(self, "calls", [])
        object.__setattr__(self, "reports", {})
        object.__setattr__(self, "outcomes", outcomes)

    calls: list[str]
    reports: dict[str, str]
    outcomes: dict[str, str | None]

    def client(self, service: str) -> Any:
        return _Lambda(self.outcomes, self) if service == "lambda" else _CodeDeploy(self)


def _move(moves: list[str], version: str) -> str:
    moves.append(version)
    return "arn"


def _shift(cloud: _Cloud, old: str = "1") -> list[str]:
    moves: list[str] = []
    shift_alias(
        "Alias",
        {"BeforeAllowTrafficHook": "pre", "AfterAllowTrafficHook": "post"},
        {"FunctionVersion": old},
        {"FunctionVersion": "2"},
        cloud,
        lambda: _move(moves, "2"),
        lambda: moves.append("1"),
    )
    return moves


def test_hooks_run_around_the_move() -> None:
    cloud = _Cloud({"pre": "Succeeded", "post": "Succeeded"})

    assert _shift(cloud) == ["2"]
    assert cloud.calls == ["pre", "post"]


def test_an_unchanged_version_runs_no_hook() -> None:
    cloud = _Cloud({})

    assert _shift(cloud, old="2") == ["2"]
    assert cloud.calls == []


@pytest.mark.parametrize(
    ("outcomes", "moves", "words"),
    [
        ({"pre": "Failed"}, [], "BeforeAllowTraffic hook pre .* reported status Failed"),
        ({"pre": None}, [], "function error"),
        ({"pre": "Succeeded", "post": "Failed"}, ["2", "1"], "rolled back to version 1"),
    ],
)
def test_a_failing_hook_keeps_or_rolls_back_the_alias(
    outcomes: dict[str, str | None], moves: list[str], words: str
) -> None:
    cloud = _Cloud(outcomes)
    done: list[str] = []

    with pytest.raises(DeployError, match=words):
        shift_alias(
            "Alias",
            {"BeforeAllowTrafficHook": "pre", "AfterAllowTrafficHook": "post"},
            {"FunctionVersion": "1"},
            {"FunctionVersion": "2"},
            cloud,
            lambda: _move(done, "2"),
            lambda: done.append("1"),
        )
    assert done == moves


class _Silent(_Cloud):
    """A cloud whose hooks return without reporting a status."""

    def client(self, service: str) -> Any:
        if service == "lambda":
            silent = _Lambda({}, self)
            silent.invoke = lambda **_: {"Payload": io.BytesIO(b"null")}  # type: ignore[method-assign]
            return silent
        return _CodeDeploy(self)


def test_a_hook_that_reports_nothing_fails() -> None:
    with pytest.raises(DeployError, match="without calling PutLifecycleEventHookExecutionStatus"):
        _shift(_Silent({}))
