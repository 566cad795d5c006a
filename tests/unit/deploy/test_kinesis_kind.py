"""The AWS::Kinesis::Stream kind against moto: created, updated in place, deleted; what it does
not apply is refused at planning; SAM's Kinesis event becomes a mapping the mapping kind passes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from localcloud.deploy import UnsupportedProperty, UnsupportedPropertyError, plan_template
from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds import KINDS, Context
from localcloud.deploy.template import parse_template
from localcloud.deploy.transform import expand

KIND = KINDS["AWS::Kinesis::Stream"]


class _MotoContext(Context):
    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=self.region)  # type: ignore[call-overload]


CTX = _MotoContext(endpoint_url="", region="us-east-1", account_id="123456789012", stack="s")


def _summary(name: str) -> dict[str, Any]:
    kinesis = boto3.client("kinesis", region_name="us-east-1")
    return dict(kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"])


def _tags(name: str) -> list[dict[str, str]]:
    kinesis = boto3.client("kinesis", region_name="us-east-1")
    return list(kinesis.list_tags_for_stream(StreamName=name)["Tags"])


def test_a_stream_is_created_with_its_settings_and_named_after_the_stack() -> None:
    props = {
        "ShardCount": 3,
        "RetentionPeriodHours": 72,
        "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
        "Tags": [{"Key": "team", "Value": "data"}],
    }
    with mock_aws():
        name = KIND.create("Clicks", props, CTX)

        assert name == "s-Clicks"
        summary = _summary(name)
        assert (summary["OpenShardCount"], summary["RetentionPeriodHours"]) == (3, 72)
        assert summary["EncryptionType"] == "KMS"
        assert _tags(name) == [{"Key": "team", "Value": "data"}]
        assert KIND.attributes(name, props, CTX) == {
            "Arn": "arn:aws:kinesis:us-east-1:123456789012:stream/s-Clicks",
            "Name": "s-Clicks",
        }


def test_an_update_reshards_retains_retags_and_changes_mode_in_place() -> None:
    old = {"Name": "clicks", "ShardCount": 1, "Tags": [{"Key": "a", "Value": "1"}]}
    new = {
        "Name": "clicks",
        "ShardCount": 2,
        "RetentionPeriodHours": 36,
        "Tags": [{"Key": "b", "Value": "2"}],
    }
    with mock_aws():
        name = KIND.create("Clicks", old, CTX)
        assert KIND.update("Clicks", name, old, new, CTX) == "clicks"
        summary = _summary(name)
        assert (summary["OpenShardCount"], summary["RetentionPeriodHours"]) == (2, 36)
        assert _tags(name) == [{"Key": "b", "Value": "2"}]

        on_demand = {**new, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}
        KIND.update("Clicks", name, new, on_demand, CTX)
        assert _summary(name)["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}

        KIND.delete(name, on_demand, CTX)
        KIND.delete(name, on_demand, CTX)  # already gone: not an error
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        assert kinesis.list_streams()["StreamNames"] == []


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"StreamModeDetails": {"StreamMode": "BURST"}}, "is not a Kinesis capacity mode"),
        ({"StreamEncryption": {"EncryptionType": "KMS"}}, "takes EncryptionType KMS and a KeyId"),
    ],
)
def test_settings_kinesis_refuses_are_refused_before_the_stream_is_made(
    props: dict[str, Any], message: str
) -> None:
    with mock_aws():
        with pytest.raises(DeployError, match=message):
            KIND.create("Clicks", props, CTX)
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        assert kinesis.list_streams()["StreamNames"] == []


def test_properties_the_kind_does_not_apply_are_refused_at_planning(tmp_path: Path) -> None:
    template = parse_template(
        "Resources:\n  Clicks:\n    Type: AWS::Kinesis::Stream\n    Properties:\n"
        "      ShardCount: 1\n      DesiredShardLevelMetrics: [IncomingBytes]\n"
    )
    with pytest.raises(UnsupportedPropertyError) as caught:
        plan_template(template, tmp_path)
    assert caught.value.properties == [
        UnsupportedProperty("Clicks", "AWS::Kinesis::Stream", "DesiredShardLevelMetrics")
    ]


SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties: {ShardCount: 1}
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(event, context): pass"
      Handler: index.handler
      Runtime: python3.12
      Events:
        Stream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: LATEST
            BatchSize: 50
            MaximumBatchingWindowInSeconds: 2
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 3
            MaximumRecordAgeInSeconds: 600
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters: [{Pattern: '{"data": {"kind": ["order"]}}'}]
            DestinationConfig:
              OnFailure: {Type: SQS, Destination: arn:aws:sqs:us-east-1:123456789012:gave-up}
"""


def test_a_sam_kinesis_event_is_a_mapping_whose_every_property_the_mapping_kind_applies(
    tmp_path: Path,
) -> None:
    expanded = expand(parse_template(SAM), {}, "us-east-1")
    [mapping] = [
        r for r in expanded["Resources"].values() if r["Type"] == "AWS::Lambda::EventSourceMapping"
    ]
    kind = KINDS["AWS::Lambda::EventSourceMapping"]
    assert set(mapping["Properties"]) - {"FunctionName"} <= kind.applies
    assert mapping["Properties"]["StartingPosition"] == "LATEST"
    assert mapping["Properties"]["BisectBatchOnFunctionError"] is True
    assert plan_template(parse_template(SAM), tmp_path).unsupported == []
