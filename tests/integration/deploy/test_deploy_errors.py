"""Bad input to the deployer: each raises its own error, names the resource and the cause, and
nothing is half-applied without saying what was applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_support import EVERY_KIND, aws, closed_port_url, unique_stack, write_template

from localcloud.deploy import (
    DeployError,
    PartialDeployError,
    TemplateError,
    UnsupportedResourceError,
    deploy,
    load_stack_state,
)

pytestmark = pytest.mark.integration

QUEUE_AND_UNSUPPORTED = """
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Cluster:
    Type: AWS::ECS::Cluster
"""

BROKEN_ROLE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker/
      Handler: app.handler
      Runtime: python3.12
      Role: !Sub "arn:aws:iam::${AWS::AccountId}:role/${RoleName}"
      Environment:
        Variables:
          QUEUE: !Ref Queue
  Table:
    Type: AWS::DynamoDB::Table
    DependsOn: Worker
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
Parameters:
  RoleName:
    Type: String
    Default: missing-role
"""


def test_unsupported_resource_type_names_it_and_applies_nothing(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("unsupported")
    template = write_template(tmp_path, QUEUE_AND_UNSUPPORTED)

    with pytest.raises(UnsupportedResourceError) as caught:
        deploy(template, endpoint_url, stack=stack)

    message = str(caught.value)
    assert "'Cluster'" in message and "AWS::ECS::Cluster" in message
    assert "nothing was applied" in message
    assert load_stack_state(endpoint_url, stack) is None
    queues = aws("sqs", endpoint_url).list_queues(QueueNamePrefix=f"{stack}-").get("QueueUrls", [])
    assert queues == []


def test_dangling_ref_names_the_ref_and_its_holder(tmp_path: Path, endpoint_url: str) -> None:
    template = write_template(
        tmp_path,
        """
Resources:
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref MissingTopic
      Protocol: sqs
      Endpoint: arn:aws:sqs:us-east-1:123456789012:q
""",
    )
    with pytest.raises(TemplateError, match=r"resource 'Subscription' refers to 'MissingTopic'"):
        deploy(template, endpoint_url, stack=unique_stack("dangling"))


def test_unsupported_intrinsic_is_a_template_error(tmp_path: Path, endpoint_url: str) -> None:
    template = write_template(
        tmp_path,
        """
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !ImportValue shared-queue-name
""",
    )
    with pytest.raises(TemplateError, match=r"resource 'Queue' uses .*'Fn::ImportValue'"):
        deploy(template, endpoint_url, stack=unique_stack("intrinsic"))


def test_missing_code_folder_names_function_and_path(tmp_path: Path, endpoint_url: str) -> None:
    template = write_template(
        tmp_path,
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: greeter/
      Handler: app.handler
      Runtime: python3.12
""",
    )
    with pytest.raises(DeployError) as caught:
        deploy(template, endpoint_url, stack=unique_stack("nocode"))
    assert "function 'Greeter'" in str(caught.value)
    assert str(tmp_path / "greeter") in str(caught.value)


def test_invalid_yaml_is_a_template_error(tmp_path: Path, endpoint_url: str) -> None:
    template = write_template(tmp_path, "Resources:\n  Queue: [unclosed\n")
    with pytest.raises(TemplateError, match=r"is not valid YAML"):
        deploy(template, endpoint_url, stack=unique_stack("yaml"))


def test_not_a_template_is_a_template_error(tmp_path: Path, endpoint_url: str) -> None:
    template = write_template(tmp_path, "Description: no resources here\n")
    with pytest.raises(TemplateError, match=r"needs a non-empty 'Resources' mapping"):
        deploy(template, endpoint_url, stack=unique_stack("shape"))


def test_sam_translator_errors_name_the_resource(tmp_path: Path, endpoint_url: str) -> None:
    template = write_template(
        tmp_path,
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: api/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Broken:
          Type: SQS
          Properties:
            BatchSize: 5
""",
        functions=("api",),
    )
    with pytest.raises(TemplateError) as caught:
        deploy(template, endpoint_url, stack=unique_stack("sam"))
    assert "SAM template is invalid" in str(caught.value)
    assert "Api" in str(caught.value)


def test_unreachable_endpoint_says_how_to_start_the_cloud() -> None:
    url = closed_port_url()
    with pytest.raises(DeployError) as caught:
        deploy(EVERY_KIND / "template.yaml", url, stack="unreachable")
    assert url in str(caught.value)
    assert "is the local cloud running? start it with `localcloud up`" in str(caught.value)


def test_failure_mid_apply_reports_and_saves_the_applied_part(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("partial")
    template = write_template(tmp_path, BROKEN_ROLE, functions=("worker",))

    with pytest.raises(PartialDeployError) as caught:
        deploy(template, endpoint_url, stack=stack)

    error = caught.value
    assert (error.applied, error.failed, error.not_attempted) == (["Queue"], "Worker", ["Table"])
    assert error.cause.startswith("AWS::Lambda::Function ") and "role" in error.cause.lower()
    assert "resource 'Worker' failed" in str(error)
    assert "deploy again to resume" in str(error)
    state = load_stack_state(endpoint_url, stack)
    assert state is not None and set(state.resources) == {"Queue"}

    # The role now exists: the next deploy resumes, leaving the queue alone.
    aws("iam", endpoint_url).create_role(
        RoleName=f"{stack}-role",
        AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}',
    )
    report = deploy(template, endpoint_url, stack=stack, parameters={"RoleName": f"{stack}-role"})
    assert report.unchanged == ["Queue"]
    assert sorted(report.created) == ["Table", "Worker"]
