"""KMS keys and aliases, Secrets Manager secrets, CloudWatch dashboards and log subscription
filters at planning: the properties each applies pass, the rest (ReplicaRegions, unknown
GenerateSecretString options, a filter's Distribution) are refused by name, rotation resources
are refused saying why; a generated secret honours its template and passes every password
option on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from localcloud.deploy import UnsupportedPropertyError, plan_template
from localcloud.deploy.errors import DeployError, UnsupportedResourceError
from localcloud.deploy.kinds import KINDS, Context
from localcloud.deploy.kinds.secretsmanager import secret_value
from localcloud.deploy.template import parse_template

SUPPORTED = """
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: orders data
      EnableKeyRotation: true
      Enabled: true
      KeySpec: SYMMETRIC_DEFAULT
      KeyUsage: ENCRYPT_DECRYPT
      MultiRegion: false
      PendingWindowInDays: 7
      KeyPolicy: {Version: "2012-10-17", Statement: []}
      Tags: [{Key: team, Value: orders}]
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: alias/orders, TargetKeyId: !Ref Key}
  Queue:
    Type: AWS::SQS::Queue
    Properties: {KmsMasterKeyId: !Ref KeyAlias}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !GetAtt Key.Arn}
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: orders/db
      Description: database login
      KmsKeyId: !Ref Key
      GenerateSecretString:
        SecretStringTemplate: '{"username": "app"}'
        GenerateStringKey: password
        PasswordLength: 24
        ExcludeCharacters: '"@/'
        ExcludePunctuation: true
        RequireEachIncludedType: true
      Tags: [{Key: team, Value: orders}]
  Board:
    Type: AWS::CloudWatch::Dashboard
    Properties:
      DashboardName: orders
      DashboardBody: '{"widgets": []}'
  Errors:
    Type: AWS::Logs::SubscriptionFilter
    Properties:
      FilterName: errors
      LogGroupName: /aws/lambda/orders
      FilterPattern: '?ERROR ?Task timed out'
      DestinationArn: arn:aws:lambda:us-east-1:123456789012:function:collector
      RoleArn: arn:aws:iam::123456789012:role/logs
"""


def test_the_supported_properties_of_each_kind_plan_without_warnings(tmp_path: Path) -> None:
    plan = plan_template(parse_template(SUPPORTED), tmp_path)

    assert plan.unsupported == []
    assert plan.graph["KeyAlias"] == {"Key"}
    assert plan.graph["Queue"] == {"KeyAlias"}
    assert plan.graph["Table"] == {"Key"}


def test_replica_regions_and_unknown_generation_options_are_refused_by_name(
    tmp_path: Path,
) -> None:
    template = """
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: {PasswordLength: 8, Entropy: high}
      ReplicaRegions: [{Region: eu-west-1}]
  Key:
    Type: AWS::KMS::Key
    Properties: {Origin: EXTERNAL}
  Filter:
    Type: AWS::Logs::SubscriptionFilter
    Properties:
      LogGroupName: g
      FilterPattern: ERROR
      DestinationArn: arn:aws:lambda:us-east-1:123456789012:function:f
      Distribution: Random
  Board:
    Type: AWS::CloudWatch::Dashboard
    Properties: {DashboardBody: "{}", Colour: red}
"""
    with pytest.raises(UnsupportedPropertyError) as caught:
        plan_template(parse_template(template), tmp_path)

    assert [(p.logical_id, p.name) for p in caught.value.properties] == [
        ("Secret", "GenerateSecretString.Entropy"),
        ("Secret", "ReplicaRegions"),
        ("Key", "Origin"),
        ("Filter", "Distribution"),
        ("Board", "Colour"),
    ]


@pytest.mark.parametrize(
    ("type_name", "why"),
    [
        ("AWS::SecretsManager::RotationSchedule", "rotation does not run locally"),
        ("AWS::SecretsManager::SecretTargetAttachment", "has no RDS"),
    ],
)
def test_rotation_resources_are_refused_saying_why(
    tmp_path: Path, type_name: str, why: str
) -> None:
    template = {"Resources": {"Rotation": {"Type": type_name, "Properties": {"SecretId": "x"}}}}

    with pytest.raises(UnsupportedResourceError, match=why) as caught:
        plan_template(template, tmp_path)

    assert "refuses" in str(caught.value)
    assert "nothing was applied" in str(caught.value)


class _Secrets:
    def __init__(self) -> None:
        self.options: dict[str, Any] = {}

    def get_random_password(self, **options: Any) -> dict[str, str]:
        self.options = options
        return {"RandomPassword": "Pa55word"}


class _Context(Context):
    def client(self, service: str) -> Any:
        assert service == "secretsmanager"
        return SECRETS


SECRETS = _Secrets()
CTX = _Context(endpoint_url="http://127.0.0.1:1", region="us-east-1", account_id="1", stack="s")


def test_a_generated_secret_fills_its_key_in_the_template_with_every_option_passed_on() -> None:
    generate = {
        "SecretStringTemplate": '{"username": "app"}',
        "GenerateStringKey": "password",
        "PasswordLength": 24,
        "ExcludeCharacters": '"@/',
        "ExcludeNumbers": False,
        "IncludeSpace": False,
        "RequireEachIncludedType": True,
    }

    value = secret_value("Secret", {"GenerateSecretString": generate}, CTX)

    assert json.loads(value or "") == {"username": "app", "password": "Pa55word"}
    assert SECRETS.options == {
        "PasswordLength": 24,
        "ExcludeCharacters": '"@/',
        "ExcludeNumbers": False,
        "IncludeSpace": False,
        "RequireEachIncludedType": True,
    }


def test_a_bare_generated_secret_is_the_password_and_a_given_one_is_kept() -> None:
    assert secret_value("S", {"GenerateSecretString": {}}, CTX) == "Pa55word"
    assert secret_value("S", {"SecretString": "plain"}, CTX) == "plain"
    assert secret_value("S", {}, CTX) is None


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"SecretString": "a", "GenerateSecretString": {}}, "cannot both be set"),
        ({"GenerateSecretString": {"GenerateStringKey": "password"}}, "together"),
        (
            {"GenerateSecretString": {"SecretStringTemplate": "[1]", "GenerateStringKey": "k"}},
            "must be a JSON object",
        ),
    ],
)
def test_a_secret_value_that_cannot_be_made_is_refused(props: dict[str, Any], message: str) -> None:
    with pytest.raises(DeployError, match=message):
        secret_value("Secret", props, CTX)


def test_keys_are_replaced_only_for_what_cannot_change_in_place() -> None:
    assert KINDS["AWS::KMS::Key"].replace_on == {"KeySpec", "KeyUsage", "MultiRegion"}
    assert KINDS["AWS::KMS::Alias"].replace_on == {"AliasName"}
    assert KINDS["AWS::SecretsManager::Secret"].replace_on == {"Name"}
    assert KINDS["AWS::Logs::SubscriptionFilter"].replace_on == {"FilterName", "LogGroupName"}
    assert KINDS["AWS::CloudWatch::Dashboard"].replace_on == {"DashboardName"}
