"""Smaller lifecycle cases: replacement, conditions, drift, and destroying an unknown stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import deploy, destroy, load_stack_state

pytestmark = pytest.mark.integration

QUEUE = """
Parameters:
  Name:
    Type: String
    Default: ""
  Timeout:
    Type: Number
    Default: 30
  WithTopic:
    Type: String
    Default: "yes"
    AllowedValues: ["yes", "no"]
Conditions:
  Named: !Not [!Equals [!Ref Name, ""]]
  TopicWanted: !Equals [!Ref WithTopic, "yes"]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !If [Named, !Ref Name, !Ref "AWS::NoValue"]
      VisibilityTimeout: !Ref Timeout
  Topic:
    Type: AWS::SNS::Topic
    Condition: TopicWanted
Outputs:
  QueueUrl:
    Value: !Ref Queue
  TopicArn:
    Condition: TopicWanted
    Value: !Ref Topic
"""


def test_changing_a_name_replaces_the_resource(tmp_path: Path, endpoint_url: str) -> None:
    stack = unique_stack("replace")
    template = write_template(tmp_path, QUEUE)
    first = deploy(template, endpoint_url, stack=stack)

    second = deploy(template, endpoint_url, stack=stack, parameters={"Name": f"{stack}-renamed"})

    assert second.updated == ["Queue"]
    assert second.outputs["QueueUrl"].endswith(f"/{stack}-renamed")
    urls = aws("sqs", endpoint_url).list_queues(QueueNamePrefix=stack).get("QueueUrls", [])
    assert urls == [second.outputs["QueueUrl"]]
    assert first.outputs["QueueUrl"] not in urls
    destroy(endpoint_url, stack)


def test_a_false_condition_leaves_out_and_then_removes_a_resource(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("condition")
    template = write_template(tmp_path, QUEUE)
    first = deploy(template, endpoint_url, stack=stack)
    assert set(first.created) == {"Queue", "Topic"} and "TopicArn" in first.outputs

    second = deploy(template, endpoint_url, stack=stack, parameters={"WithTopic": "no"})

    assert second.removed == ["Topic"] and second.unchanged == ["Queue"]
    assert "TopicArn" not in second.outputs
    topics = aws("sns", endpoint_url).list_topics()["Topics"]
    assert first.outputs["TopicArn"] not in [t["TopicArn"] for t in topics]
    destroy(endpoint_url, stack)


def test_a_resource_deleted_behind_the_deployers_back_is_recreated_on_update(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("drift")
    template = write_template(tmp_path, QUEUE)
    first = deploy(template, endpoint_url, stack=stack)
    sqs = aws("sqs", endpoint_url)
    sqs.delete_queue(QueueUrl=first.outputs["QueueUrl"])

    second = deploy(template, endpoint_url, stack=stack, parameters={"Timeout": "45"})

    assert second.updated == ["Queue"]
    attributes = sqs.get_queue_attributes(
        QueueUrl=second.outputs["QueueUrl"], AttributeNames=["VisibilityTimeout"]
    )["Attributes"]
    assert attributes == {"VisibilityTimeout": "45"}
    destroy(endpoint_url, stack)


def test_destroying_an_unknown_stack_changes_nothing(endpoint_url: str) -> None:
    report = destroy(endpoint_url, unique_stack("never-deployed"))
    assert report.removed == [] and "no changes" in report.summary()


def test_destroy_then_deploy_starts_from_scratch(tmp_path: Path, endpoint_url: str) -> None:
    stack = unique_stack("again")
    template = write_template(tmp_path, QUEUE)
    deploy(template, endpoint_url, stack=stack)
    destroy(endpoint_url, stack)
    assert load_stack_state(endpoint_url, stack) is None

    report = deploy(template, endpoint_url, stack=stack)

    assert sorted(report.created) == ["Queue", "Topic"]
    destroy(endpoint_url, stack)


POLICIES = """
Parameters:
  Both:
    Type: String
    Default: "yes"
  WithPolicies:
    Type: String
    Default: "yes"
Conditions:
  BothListed: !Equals [!Ref Both, "yes"]
  PoliciesWanted: !Equals [!Ref WithPolicies, "yes"]
Resources:
  First:
    Type: AWS::SQS::Queue
  Second:
    Type: AWS::SQS::Queue
  Alerts:
    Type: AWS::SNS::Topic
  Audit:
    Type: AWS::SNS::Topic
  QueuesPolicy:
    Type: AWS::SQS::QueuePolicy
    Condition: PoliciesWanted
    Properties:
      Queues: !If [BothListed, [!Ref First, !Ref Second], [!Ref First]]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sns.amazonaws.com}
            Action: sqs:SendMessage
            Resource: "*"
  TopicsPolicy:
    Type: AWS::SNS::TopicPolicy
    Condition: PoliciesWanted
    Properties:
      Topics: !If [BothListed, [!Ref Alerts, !Ref Audit], [!Ref Alerts]]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sns:Publish
            Resource: "*"
Outputs:
  First: {Value: !Ref First}
  Second: {Value: !Ref Second}
  Alerts: {Value: !Ref Alerts}
  Audit: {Value: !Ref Audit}
"""


def test_policies_follow_their_lists_and_defaults_come_back(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("policies")
    template = write_template(tmp_path, POLICIES)
    out = deploy(template, endpoint_url, stack=stack).outputs
    sqs, sns = aws("sqs", endpoint_url), aws("sns", endpoint_url)

    def queue_policy(url: str) -> str:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
        return str(attributes.get("Attributes", {}).get("Policy", ""))

    def topic_principal(arn: str) -> Any:
        policy = sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"]
        return json.loads(policy)["Statement"][0]["Principal"]

    assert "sns.amazonaws.com" in queue_policy(out["Second"])
    assert topic_principal(out["Audit"]) == {"Service": "events.amazonaws.com"}

    deploy(template, endpoint_url, stack=stack, parameters={"Both": "no"})
    assert "sns.amazonaws.com" in queue_policy(out["First"])
    assert queue_policy(out["Second"]) == ""  # left the list: back to no policy
    assert topic_principal(out["Alerts"]) == {"Service": "events.amazonaws.com"}
    assert topic_principal(out["Audit"]) == {"AWS": "*"}  # back to the owner-only default

    deploy(template, endpoint_url, stack=stack, parameters={"Both": "no", "WithPolicies": "no"})
    assert queue_policy(out["First"]) == ""
    assert topic_principal(out["Alerts"]) == {"AWS": "*"}
    destroy(endpoint_url, stack)


CREATION_SETTINGS = """
Parameters:
  Bounded:
    Type: String
    Default: "no"
  Words:
    Type: String
    Default: first
Conditions:
  IsBounded: !Equals [!Ref Bounded, "yes"]
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "sqs:*", Resource: "*"}]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      PermissionsBoundary: !If [IsBounded, !Ref Boundary, !Ref "AWS::NoValue"]
  Limits:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Description: !Ref Words
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 hour)
      Tags: [{Key: words, Value: !Ref Words}]
"""


def test_settings_put_at_creation_change_on_redeploy_too(tmp_path: Path, endpoint_url: str) -> None:
    # GIVEN a role without a boundary, a described managed policy and a tagged rule
    stack = unique_stack("settings")
    template = write_template(tmp_path, CREATION_SETTINGS)
    deploy(template, endpoint_url, stack=stack)

    # WHEN the boundary, the description and the tag change
    second = deploy(
        template, endpoint_url, stack=stack, parameters={"Bounded": "yes", "Words": "second"}
    )

    # THEN each reaches the resource: in place, or by a new policy where IAM cannot change it
    assert sorted(second.updated) == ["Limits", "Role", "Rule"]
    iam, events = aws("iam", endpoint_url), aws("events", endpoint_url)
    role = iam.get_role(RoleName=second.resources["Role"].physical_id)["Role"]
    boundary = second.resources["Boundary"].physical_id
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    policy = iam.get_policy(PolicyArn=second.resources["Limits"].physical_id)["Policy"]
    assert policy["Description"] == "second"
    rule_arn = second.resources["Rule"].arn
    assert events.list_tags_for_resource(ResourceARN=rule_arn)["Tags"] == [
        {"Key": "words", "Value": "second"}
    ]

    # AND taking the boundary away again removes it
    deploy(template, endpoint_url, stack=stack, parameters={"Words": "second"})
    role = iam.get_role(RoleName=second.resources["Role"].physical_id)["Role"]
    assert "PermissionsBoundary" not in role
    destroy(endpoint_url, stack=stack)
