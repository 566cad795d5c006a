"""Planning checks every property against what its kind applies: one error lists every property
no kind applies, or, when unsupported properties are allowed, the plan lists them to warn about."""

from __future__ import annotations

from pathlib import Path

import pytest

from localcloud.deploy import UnsupportedProperty, UnsupportedPropertyError, plan_template
from localcloud.deploy.kinds import KINDS
from localcloud.deploy.kinds.members import ApiParameter
from localcloud.deploy.template import load_template, parse_template

ROOT = Path(__file__).resolve().parents[3]

UNSUPPORTED = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Topic:
    Type: AWS::SNS::Topic
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      LifecycleConfiguration:
        Rules:
          - Status: Enabled
            ExpirationInDays: 1
      ObjectLockEnabled: true
  Sender:
    Type: AWS::SES::EmailIdentity
    Properties:
      EmailIdentity: noreply@example.com
      DkimSigningAttributes: {NextSigningKeyLength: RSA_2048_BIT}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker/
      Handler: app.handler
      Runtime: python3.12
      CodeSigningConfigArn: arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-1
"""


def _unsupported(tmp_path: Path) -> dict:
    (tmp_path / "worker").mkdir(exist_ok=True)
    return parse_template(UNSUPPORTED)


def test_properties_no_kind_applies_are_one_error_naming_each_resource_and_property(
    tmp_path: Path,
) -> None:
    with pytest.raises(UnsupportedPropertyError) as caught:
        plan_template(_unsupported(tmp_path), tmp_path)
    assert caught.value.properties == [
        UnsupportedProperty("Uploads", "AWS::S3::Bucket", "LifecycleConfiguration"),
        UnsupportedProperty("Uploads", "AWS::S3::Bucket", "ObjectLockEnabled"),
        UnsupportedProperty("Sender", "AWS::SES::EmailIdentity", "DkimSigningAttributes"),
        # a SAM function's property is named on the function SAM expands it to
        UnsupportedProperty("Worker", "AWS::Lambda::Function", "CodeSigningConfigArn"),
    ]
    message = str(caught.value)
    assert message.startswith("4 template properties are not applied by the deployer")
    assert "nothing was applied" in message
    assert "  Uploads (AWS::S3::Bucket): LifecycleConfiguration\n" in message
    assert "  Sender (AWS::SES::EmailIdentity): DkimSigningAttributes\n" in message
    assert "  Worker (AWS::Lambda::Function): CodeSigningConfigArn\n" in message
    assert "Remove them from the template" in message
    assert "localcloud deploy --allow-unsupported" in message


def test_one_unsupported_property_reads_in_the_singular(tmp_path: Path) -> None:
    template = parse_template(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Colour: red\n"
    )
    with pytest.raises(UnsupportedPropertyError, match=r"^1 template property is not applied"):
        plan_template(template, tmp_path)


def test_allowing_unsupported_properties_plans_them_as_warnings(tmp_path: Path) -> None:
    plan = plan_template(_unsupported(tmp_path), tmp_path, allow_unsupported=True)
    assert [(p.logical_id, p.name) for p in plan.unsupported] == [
        ("Uploads", "LifecycleConfiguration"),
        ("Uploads", "ObjectLockEnabled"),
        ("Sender", "DkimSigningAttributes"),
        ("Worker", "CodeSigningConfigArn"),
    ]
    assert plan.unsupported[0].warning() == (
        "resource 'Uploads' (AWS::S3::Bucket): property 'LifecycleConfiguration' is not "
        "applied by the deployer; deployed without it"
    )
    # the resources themselves are still planned, the unsupported property included
    assert "LifecycleConfiguration" in plan.resources["Uploads"]["Properties"]


def test_an_inert_property_passes_without_a_warning(tmp_path: Path) -> None:
    template = parse_template(
        """
Resources:
  Version:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: worker
      CodeSha256: abc
"""
    )
    assert plan_template(template, tmp_path).unsupported == []


@pytest.mark.parametrize(
    "template",
    [
        "infra/template.yaml",
        "tests/integration/deploy/templates/every_kind/template.yaml",
        "tests/localstack/template.yaml",
    ],
)
def test_the_project_templates_use_only_properties_the_kinds_apply(template: str) -> None:
    path = ROOT / template
    plan = plan_template(load_template(path), path.parent)
    assert plan.unsupported == []


@pytest.mark.parametrize("type_name", sorted(KINDS))
def test_every_kind_declares_what_it_applies_and_why_it_ignores_anything(type_name: str) -> None:
    kind = KINDS[type_name]
    assert kind.applies, f"{type_name} declares no applied properties"
    assert not kind.applies & set(kind.inert), "a property is either applied or inert"
    assert all(reason.strip() for reason in kind.inert.values())
    # a property whose change replaces the resource must be one the kind takes
    assert (kind.replace_on or frozenset()) <= kind.applies | set(kind.inert)


NESTED = """
Parameters:
  Subnet:
    Type: String
    Default: subnet-1
Conditions:
  Never: !Equals [a, b]
Resources:
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Code: {ZipFile: "def handler(event, context): pass"}
      Handler: index.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/r
      LoggingConfig: {LogFormat: JSON, ApplicationLogLevel: DEBUG}
      VpcConfig:
        SubnetIds: [!Ref Subnet]
        SecurityGroupId: sg-1
      FileSystemConfigs:
        - !If [Never, {Arn: a, LocalMountPath: /mnt/a}, !Ref "AWS::NoValue"]
        - {Arn: arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1,
           LocalMountPath: /mnt/b, ReadOnly: true}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 minute)
      Targets:
        - {Id: ok, Arn: !GetAtt Function.Arn}
        - {Id: odd, Arn: !GetAtt Function.Arn, Colour: red}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: k, Colour: red}
"""


def test_keys_inside_a_property_are_checked_against_what_the_kind_passes_on(
    tmp_path: Path,
) -> None:
    with pytest.raises(UnsupportedPropertyError) as caught:
        plan_template(parse_template(NESTED), tmp_path)
    assert [(p.logical_id, p.name) for p in caught.value.properties] == [
        # passed whole to CreateFunction: the botocore shape says FileSystemConfig has no
        # ReadOnly and VpcConfig no SecurityGroupId (it is SecurityGroupIds); an intrinsic is
        # only known when applying, so it passes
        ("Function", "FileSystemConfigs[1].ReadOnly"),
        ("Function", "VpcConfig.SecurityGroupId"),
        # picked by hand: a target passes on the keys PutTargets takes, SSE its three keys
        ("Rule", "Targets[1].Colour"),
        ("Table", "SSESpecification.Colour"),
    ]


@pytest.mark.parametrize("type_name", sorted(KINDS))
def test_every_api_parameter_a_kind_names_exists_in_botocore(type_name: str) -> None:
    for name, members in KINDS[type_name].members.items():
        assert name in KINDS[type_name].applies
        if isinstance(members, ApiParameter):
            assert members.shape().name, f"{type_name}.{name}"
