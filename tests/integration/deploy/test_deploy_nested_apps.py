"""Nested applications: an ``AWS::Serverless::Application`` whose Location is a template of the
project deploys as a stack of its own with the parent's parameters, its outputs readable through
``Fn::GetAtt App.Outputs.Name``; a change beside the child's template redeploys it, removing it
removes its resources; an application of the Serverless Application Repository is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from deploy_support import aws, unique_stack

from localcloud.build import BuildCache
from localcloud.deploy import TemplateError, deploy, load_stack_state, plan_template
from localcloud.deploy.template import parse_template

pytestmark = pytest.mark.integration

PARENT = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Application
    Properties:
      Location: orders/template.yaml
      Parameters:
        Retention: "{retention}"
Outputs:
  OrdersQueueUrl:
    Value: !GetAtt Orders.Outputs.QueueUrl
  OrdersStack:
    Value: !Ref Orders
"""

CHILD = """
Parameters:
  Retention:
    Type: String
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: !Ref Retention
Outputs:
  QueueUrl:
    Value: !Ref Queue
"""


def _project(tmp_path: Path, retention: int) -> Path:
    (tmp_path / "orders").mkdir(exist_ok=True)
    (tmp_path / "orders" / "template.yaml").write_text(CHILD)
    template = tmp_path / "template.yaml"
    template.write_text(PARENT.replace("{retention}", str(retention)))
    return template


def _retention(endpoint_url: str, url: str) -> str:
    return aws("sqs", endpoint_url).get_queue_attributes(
        QueueUrl=url, AttributeNames=["MessageRetentionPeriod"]
    )["Attributes"]["MessageRetentionPeriod"]


def test_a_local_nested_application_deploys_updates_and_is_removed(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("nested")
    builds = BuildCache()
    first = deploy(_project(tmp_path, 600), endpoint_url, stack=stack, builds=builds)
    url = first.outputs["OrdersQueueUrl"]
    child = load_stack_state(endpoint_url, f"{stack}-Orders")
    before = _retention(endpoint_url, url)

    unchanged = deploy(tmp_path / "template.yaml", endpoint_url, stack=stack, builds=builds)
    changed = deploy(_project(tmp_path, 900), endpoint_url, stack=stack, builds=builds)
    after = _retention(endpoint_url, url)
    # a change beside the child's template alone redeploys it
    child_template = tmp_path / "orders" / "template.yaml"
    child_template.write_text(
        CHILD.replace("MessageRetentionPeriod: !Ref Retention", "DelaySeconds: 5")
    )
    os.utime(child_template, ns=(1, 1))
    edited = deploy(tmp_path / "template.yaml", endpoint_url, stack=stack, builds=builds)
    delay = aws("sqs", endpoint_url).get_queue_attributes(
        QueueUrl=url, AttributeNames=["DelaySeconds"]
    )["Attributes"]["DelaySeconds"]

    (tmp_path / "template.yaml").write_text("Resources:\n  Only:\n    Type: AWS::SQS::Queue\n")
    deploy(tmp_path / "template.yaml", endpoint_url, stack=stack, builds=builds)

    assert child is not None and sorted(child.resources) == ["Queue"]
    assert first.outputs["OrdersStack"].startswith(
        f"arn:aws:cloudformation:us-east-1:123456789012:stack/{stack}-Orders/"
    )
    assert (before, after) == ("600", "900")
    assert unchanged.unchanged == ["Orders"]
    assert changed.updated == ["Orders"]
    assert edited.updated == ["Orders"] and delay == "5"
    assert load_stack_state(endpoint_url, f"{stack}-Orders") is None
    with pytest.raises(aws("sqs", endpoint_url).exceptions.QueueDoesNotExist):
        _retention(endpoint_url, url)


def test_a_serverless_repository_application_is_refused_before_anything_is_asked_of_aws(
    tmp_path: Path,
) -> None:
    template = parse_template(
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Repo:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/tools
        SemanticVersion: 1.0.0
"""
    )
    with pytest.raises(TemplateError, match="Serverless Application Repository"):
        plan_template(template, tmp_path)


@pytest.mark.parametrize(
    ("location", "message"),
    [("s3://bucket/child.yaml", "is a URL"), ("missing/template.yaml", "which is not a file")],
)
def test_a_nested_template_that_is_not_a_project_file_is_refused(
    tmp_path: Path, location: str, message: str
) -> None:
    template = {
        "Resources": {
            "Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": location}}
        }
    }
    with pytest.raises(TemplateError, match=message):
        plan_template(template, tmp_path)
