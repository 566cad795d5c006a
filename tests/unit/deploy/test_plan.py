"""Planning a template offline: SAM expansion, type checks, and the resulting apply order."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from localcloud.deploy import DeployReport, TemplateError, UnsupportedResourceError, plan_template
from localcloud.deploy.kinds import KINDS, Context
from localcloud.deploy.kinds.coerce import coerce
from localcloud.deploy.state import ResourceRecord, StackState, properties_hash
from localcloud.deploy.template import parse_template

SAM = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Size:
    Type: Number
    Default: 5
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Topic:
    Type: AWS::SNS::Topic
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
            BatchSize: !Ref Size
        News:
          Type: SNS
          Properties:
            Topic: !Ref Topic
"""


def _sam(tmp_path: Path, text: str = SAM) -> dict:
    (tmp_path / "worker").mkdir(exist_ok=True)
    return parse_template(text)


def test_sam_functions_expand_and_order_after_what_they_need(tmp_path: Path) -> None:
    plan = plan_template(_sam(tmp_path), tmp_path, {"Size": "7"})
    types = {lid: resource["Type"] for lid, resource in plan.resources.items()}
    assert types == {
        "Queue": "AWS::SQS::Queue",
        "Topic": "AWS::SNS::Topic",
        "Worker": "AWS::Lambda::Function",
        "WorkerRole": "AWS::IAM::Role",
        "WorkerJobs": "AWS::Lambda::EventSourceMapping",
        "WorkerNews": "AWS::SNS::Subscription",
        "WorkerNewsPermission": "AWS::Lambda::Permission",
    }
    order = plan.order
    assert order.index("WorkerRole") < order.index("Worker") < order.index("WorkerJobs")
    assert order.index("Queue") < order.index("WorkerJobs")
    assert order.index("Topic") < order.index("WorkerNews")
    assert plan.parameters == {"Size": "7"}
    code = plan.resources["Worker"]["Properties"]["Code"]
    assert code["S3Key"].endswith("worker")


def test_an_api_with_an_openapi_version_expands_without_the_translators_flag_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # sam init's templates set Globals.Api.OpenApiVersion, which asks the translator for a
    # feature flag; its "not available in Feature Toggle Config" warning reached the terminal.
    text = SAM.replace("Resources:", "Globals:\n  Api:\n    OpenApiVersion: 3.0.1\nResources:", 1)
    text += "        Get:\n          Type: Api\n          Properties:\n"
    text += "            Path: /jobs\n            Method: get\n"
    with caplog.at_level(logging.DEBUG):
        plan = plan_template(_sam(tmp_path, text), tmp_path)
    assert plan.resources["ServerlessRestApi"]["Type"] == "AWS::ApiGateway::RestApi"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_unsupported_resource_type_is_named_before_anything_runs(tmp_path: Path) -> None:
    template = parse_template("Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n")
    with pytest.raises(UnsupportedResourceError) as caught:
        plan_template(template, tmp_path)
    assert (caught.value.logical_id, caught.value.resource_type) == ("Db", "AWS::RDS::DBInstance")
    assert "resource 'Db' has type 'AWS::RDS::DBInstance'" in str(caught.value)
    assert "AWS::SQS::Queue" in str(caught.value)


def test_serverless_type_without_transform_says_to_add_it(tmp_path: Path) -> None:
    template = parse_template("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n")
    with pytest.raises(TemplateError, match=r"'Fn' .* add it"):
        plan_template(template, tmp_path)


def test_translator_errors_surface_with_the_resource_name(tmp_path: Path) -> None:
    broken = SAM.replace("Queue: !GetAtt Queue.Arn", "Wrong: 1")
    with pytest.raises(
        TemplateError, match=r"SAM template is invalid: .*\[WorkerJobs\] is invalid. property Wrong"
    ):
        plan_template(_sam(tmp_path, broken), tmp_path)


def test_dangling_ref_after_expansion_names_the_holder(tmp_path: Path) -> None:
    dangling = SAM.replace("Topic: !Ref Topic", "Topic: !Ref Missing")
    with pytest.raises(TemplateError, match=r"refers to 'Missing' \(Ref Missing\)"):
        plan_template(_sam(tmp_path, dangling), tmp_path)


def test_every_required_kind_is_registered() -> None:
    assert {
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::S3::Bucket",
        "AWS::S3::BucketPolicy",
        "AWS::SQS::Queue",
        "AWS::SQS::QueuePolicy",
        "AWS::SNS::Topic",
        "AWS::SNS::Subscription",
        "AWS::SNS::TopicPolicy",
        "AWS::Events::EventBus",
        "AWS::Events::Rule",
        "AWS::Events::Archive",
        "AWS::Lambda::Function",
        "AWS::Lambda::Permission",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::EventInvokeConfig",
        "AWS::Lambda::Url",
        "AWS::Lambda::LayerVersion",
        "AWS::Lambda::Version",
        "AWS::Lambda::Alias",
        "AWS::DynamoDB::Table",
        "AWS::SES::EmailIdentity",
        "AWS::Logs::LogGroup",
        "AWS::StepFunctions::StateMachine",
        "AWS::Kinesis::Stream",
    } <= set(KINDS)


def test_default_names_are_shortened_and_keep_the_fifo_suffix() -> None:
    ctx = Context("http://x", "us-east-1", "1", "a-very-long-stack-name-for-testing")
    assert ctx.name("Queue", "given", 80) == "given"
    assert ctx.name("Queue", None, 80) == "a-very-long-stack-name-for-testing-Queue"
    long_id = "OrdersProcessingDeadLetterQueueForEverythingThatFailsTwiceOrMore"
    name = ctx.name(long_id, None, 80, ".fifo")
    assert len(name) == 80 and name.endswith(".fifo")
    assert name != ctx.name(long_id + "X", None, 80, ".fifo")
    assert ctx.name("Bucket", None, 63, lower=True) == "a-very-long-stack-name-for-testing-bucket"


def test_template_values_are_coerced_to_api_types() -> None:
    from botocore.session import Session

    model = Session().get_service_model("lambda")
    shape = model.operation_model("CreateEventSourceMapping").input_shape
    coerced = coerce({"BatchSize": "10", "Enabled": "false", "FunctionName": 5}, shape)
    assert coerced == {"BatchSize": 10, "Enabled": False, "FunctionName": "5"}


def test_properties_hash_ignores_key_order() -> None:
    assert properties_hash({"a": 1, "b": [1, 2]}) == properties_hash({"b": [1, 2], "a": 1})
    assert properties_hash({"a": 1}) != properties_hash({"a": 2})


def test_state_round_trips_through_json_and_reads_like_a_mapping() -> None:
    record = ResourceRecord("AWS::SQS::Queue", "url", "arn", "h", {"A": 1}, {"Arn": "arn"}, ["X"])
    state = StackState("s", {"Queue": record}, {"Out": "v"})
    assert StackState.from_json(state.to_json()) == state
    assert record["physical_id"] == "url" and record.get("arn") == "arn"


def test_summary_says_no_changes_or_lists_them() -> None:
    quiet = DeployReport("s", unchanged=["Queue"], outputs={"Url": "u"})
    assert "no changes" in quiet.summary() and "Url = u" in quiet.summary()
    record = ResourceRecord("AWS::SQS::Queue", "url")
    busy = DeployReport("s", created=["Queue"], removed=["Old"], resources={"Queue": record})
    text = busy.summary()
    assert "created  Queue (AWS::SQS::Queue)" in text and "removed  Old" in text
    assert "no changes" not in text


def test_policy_documents_get_a_version_when_sam_leaves_it_out() -> None:
    from localcloud.deploy.kinds.base import policy_json

    assert policy_json({"Statement": []}) == '{"Version":"2012-10-17","Statement":[]}'
    assert policy_json({"Version": "2008-10-17", "Statement": []}) == (
        '{"Version":"2008-10-17","Statement":[]}'
    )
    assert policy_json({"deadLetterTargetArn": "a"}) == '{"deadLetterTargetArn":"a"}'
