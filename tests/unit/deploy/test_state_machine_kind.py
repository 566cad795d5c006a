"""State machines in templates: definitions from every source, substitutions, local
DefinitionUri files, logging configurations, and properties the kind does not apply refused at
planning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from localcloud.deploy import UnsupportedPropertyError, plan_template
from localcloud.deploy.definitions import inline_definition_uris
from localcloud.deploy.errors import CodeNotFoundError, DeployError
from localcloud.deploy.kinds import Context
from localcloud.deploy.kinds.stepfunctions import definition_of, logging_configuration
from localcloud.deploy.template import parse_template

CTX = Context(endpoint_url="http://127.0.0.1:1", region="us-east-1", account_id="1", stack="s")
FLOW = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${Fn}", "End": True}}}


def test_substitutions_replace_their_placeholders_in_a_definition_string() -> None:
    props = {
        "DefinitionString": json.dumps(FLOW),
        "DefinitionSubstitutions": {"Fn": "arn:aws:lambda:us-east-1:1:function:f"},
    }

    definition = json.loads(definition_of("Flow", props, CTX))

    assert definition["States"]["T"]["Resource"] == "arn:aws:lambda:us-east-1:1:function:f"


def test_a_definition_object_is_sent_as_json() -> None:
    assert json.loads(definition_of("Flow", {"Definition": FLOW}, CTX)) == FLOW


def test_two_definition_sources_are_refused() -> None:
    with pytest.raises(DeployError, match="exactly one of"):
        definition_of("Flow", {"Definition": FLOW, "DefinitionString": "{}"}, CTX)


def test_a_local_definition_uri_is_inlined_from_yaml_or_json(tmp_path: Path) -> None:
    (tmp_path / "flow.asl.yaml").write_text("StartAt: T\nStates:\n  T: {Type: Succeed}\n")
    template = {
        "Resources": {
            "Flow": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {"DefinitionUri": "flow.asl.yaml"},
            },
            "Remote": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {"DefinitionUri": "s3://bucket/flow.json"},
            },
        }
    }

    inlined = inline_definition_uris(template, tmp_path)

    assert inlined["Resources"]["Flow"]["Properties"] == {
        "Definition": {"StartAt": "T", "States": {"T": {"Type": "Succeed"}}}
    }
    assert inlined["Resources"]["Remote"] == template["Resources"]["Remote"]


def test_a_missing_definition_uri_file_names_the_state_machine(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Flow": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {"DefinitionUri": "missing.asl.json"},
            }
        }
    }

    with pytest.raises(CodeNotFoundError, match=r"'Flow': DefinitionUri 'missing\.asl\.json'"):
        inline_definition_uris(template, tmp_path)


def test_a_sam_state_machine_expands_to_a_state_machine_its_role_and_its_rule(
    tmp_path: Path,
) -> None:
    (tmp_path / "flow.asl.json").write_text(json.dumps(FLOW))
    template = parse_template(
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: flow.asl.json
      DefinitionSubstitutions: {Fn: arn:aws:lambda:us-east-1:1:function:f}
      Type: EXPRESS
      Events:
        Placed:
          Type: EventBridgeRule
          Properties:
            Pattern: {source: [shop]}
"""
    )

    plan = plan_template(template, tmp_path)

    types = {logical: resource["Type"] for logical, resource in plan.resources.items()}
    assert types["Flow"] == "AWS::StepFunctions::StateMachine"
    assert types["FlowRole"] == "AWS::IAM::Role"
    assert types["FlowPlaced"] == "AWS::Events::Rule"
    assert plan.resources["Flow"]["Properties"]["StateMachineType"] == "EXPRESS"


def test_a_logging_configuration_member_the_kind_does_not_apply_is_refused_at_planning(
    tmp_path: Path,
) -> None:
    template = parse_template(
        """
Resources:
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::1:role/r
      DefinitionString: '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
      LoggingConfiguration: {Level: ALL, Colour: blue}
"""
    )

    with pytest.raises(UnsupportedPropertyError, match=r"LoggingConfiguration\.Colour"):
        plan_template(template, tmp_path)


def test_sam_logging_becomes_the_state_machines_logging_configuration(tmp_path: Path) -> None:
    (tmp_path / "flow.asl.json").write_text(json.dumps(FLOW))
    template = parse_template(
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionUri: flow.asl.json
      DefinitionSubstitutions: {Fn: arn:aws:lambda:us-east-1:1:function:f}
      Logging:
        Level: ALL
        IncludeExecutionData: false
        Destinations:
          - CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt Logs.Arn}
"""
    )

    plan = plan_template(template, tmp_path)

    assert plan.resources["Flow"]["Properties"]["LoggingConfiguration"] == {
        "Level": "ALL",
        "IncludeExecutionData": False,
        "Destinations": [
            {"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": ["Logs", "Arn"]}}}
        ],
    }


def test_a_logging_configuration_is_sent_in_the_apis_shape() -> None:
    arn = "arn:aws:logs:us-east-1:1:log-group:flow-logs:*"
    props = {
        "LoggingConfiguration": {
            "Level": "ERROR",
            "IncludeExecutionData": "true",
            "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": arn}}],
        }
    }

    assert logging_configuration("Flow", props) == {
        "level": "ERROR",
        "includeExecutionData": True,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": arn}}],
    }
    assert logging_configuration("Flow", {}) == {"level": "OFF", "includeExecutionData": False}


def test_a_log_destination_other_than_a_log_group_is_refused() -> None:
    props = {"LoggingConfiguration": {"Level": "ALL", "Destinations": [{"S3Bucket": "b"}]}}

    with pytest.raises(DeployError, match=r"Destinations\[0\] must be"):
        logging_configuration("Flow", props)


def test_sam_tracing_is_taken_as_every_execution_is_traced_locally(tmp_path: Path) -> None:
    # Public templates set `Tracing: {Enabled: true}` as often as a function's `Tracing: Active`.
    (tmp_path / "flow.asl.json").write_text(json.dumps(FLOW))
    template = parse_template(
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: flow.asl.json
      DefinitionSubstitutions: {Fn: arn:aws:lambda:us-east-1:1:function:f}
      Tracing:
        Enabled: true
"""
    )

    plan = plan_template(template, tmp_path)

    assert plan.resources["Flow"]["Properties"]["TracingConfiguration"] == {"Enabled": True}
    assert plan.unsupported == []
