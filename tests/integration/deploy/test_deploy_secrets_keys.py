"""KMS keys, Secrets Manager secrets and dashboards deployed: a key and its alias named by a
queue, a topic, a table and a bucket; a generated secret read by a function through Powertools'
``parameters.get_secret`` and by another resource through a dynamic reference; a dashboard; all
kept across an unchanged redeploy and removed with the template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deploy_support import aws, unique_stack

from localcloud.build import BuildCache
from localcloud.deploy import deploy

pytestmark = pytest.mark.integration

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: orders data
      EnableKeyRotation: true
      PendingWindowInDays: 7
      Tags: [{Key: team, Value: orders}]
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: !Sub alias/${AWS::StackName}-orders
      TargetKeyId: !Ref Key
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !Ref KeyAlias
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !GetAtt Key.Arn
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !GetAtt Key.Arn}
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: !Ref Key}
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub ${AWS::StackName}/db
      KmsKeyId: !Ref Key
      GenerateSecretString:
        SecretStringTemplate: '{"username": "app"}'
        GenerateStringKey: password
        PasswordLength: 20
        ExcludePunctuation: true
  Username:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Sub "user={{resolve:secretsmanager:${Secret}:SecretString:username}}"
  Board:
    Type: AWS::CloudWatch::Dashboard
    Properties:
      DashboardName: !Sub ${AWS::StackName}-orders
      DashboardBody: '{"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 2,
        "properties": {"markdown": "orders"}}]}'
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: reader/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 30
      Environment:
        Variables:
          SECRET_NAME: !Ref Secret
Outputs:
  KeyArn:
    Value: !GetAtt Key.Arn
"""

READER = """
from aws_lambda_powertools.utilities import parameters


def handler(event, context):
    return parameters.get_secret(event["name"], transform="json")
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "reader").mkdir()
    (tmp_path / "reader" / "app.py").write_text(READER)
    (tmp_path / "reader" / "requirements.txt").write_text("aws-lambda-powertools>=3.0,<4\n")
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    return template


def test_keys_secrets_and_dashboards_deploy_are_used_and_are_removed(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("secrets")
    template = _project(tmp_path)
    builds = BuildCache()
    first = deploy(template, endpoint_url, stack=stack, builds=builds)
    resources = first.resources
    key_id = resources["Key"].physical_id
    kms = aws("kms", endpoint_url)
    key = kms.describe_key(KeyId=f"alias/{stack}-orders")["KeyMetadata"]
    rotation = kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
    secrets = aws("secretsmanager", endpoint_url)
    secret_arn = resources["Secret"].physical_id
    stored = json.loads(secrets.get_secret_value(SecretId=secret_arn)["SecretString"])
    described = secrets.describe_secret(SecretId=secret_arn)
    queue = aws("sqs", endpoint_url).get_queue_attributes(
        QueueUrl=resources["Queue"].physical_id, AttributeNames=["KmsMasterKeyId"]
    )["Attributes"]
    table = aws("dynamodb", endpoint_url).describe_table(TableName=resources["Table"].physical_id)[
        "Table"
    ]
    parameter = aws("ssm", endpoint_url).get_parameter(Name=resources["Username"].physical_id)[
        "Parameter"
    ]
    dashboard = aws("cloudwatch", endpoint_url).get_dashboard(DashboardName=f"{stack}-orders")
    topic = aws("sns", endpoint_url).get_topic_attributes(TopicArn=resources["Topic"].physical_id)
    bucket = aws("s3", endpoint_url).get_bucket_encryption(Bucket=resources["Bucket"].physical_id)
    sealed = kms.encrypt(KeyId=f"alias/{stack}-orders", Plaintext=b"card 4242")["CiphertextBlob"]
    opened = kms.decrypt(CiphertextBlob=sealed)
    answer = aws("lambda", endpoint_url).invoke(
        FunctionName=resources["Reader"].physical_id,
        Payload=json.dumps({"name": secret_arn}),
    )
    read = json.loads(answer["Payload"].read())

    again = deploy(template, endpoint_url, stack=stack, builds=builds)
    kept = json.loads(secrets.get_secret_value(SecretId=secret_arn)["SecretString"])

    (tmp_path / "template.yaml").write_text("Resources:\n  Only:\n    Type: AWS::SQS::Queue\n")
    deploy(template, endpoint_url, stack=stack, builds=builds)

    assert (key["KeyId"], key["Description"]) == (key_id, "orders data")
    assert first.outputs["KeyArn"] == key["Arn"]
    assert rotation is True
    assert stored["username"] == "app"
    assert len(stored["password"]) == 20
    assert stored["password"].isalnum()
    assert described["Name"] == f"{stack}/db"
    assert described["KmsKeyId"] == key_id
    assert queue["KmsMasterKeyId"] == f"alias/{stack}-orders"
    assert table["SSEDescription"]["KMSMasterKeyArn"] == key["Arn"]
    assert parameter["Value"] == "user=app"
    assert topic["Attributes"]["KmsMasterKeyId"] == key["Arn"]
    [rule] = bucket["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": key_id,
    }
    assert (opened["Plaintext"], opened["KeyId"]) == (b"card 4242", key["Arn"])
    assert json.loads(dashboard["DashboardBody"])["widgets"][0]["type"] == "text"
    assert answer.get("FunctionError") is None, read
    assert read == stored
    assert again.updated == [] and kept == stored
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    with pytest.raises(secrets.exceptions.ResourceNotFoundException):
        secrets.describe_secret(SecretId=secret_arn)
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId=f"alias/{stack}-orders")
    assert (
        aws("cloudwatch", endpoint_url).list_dashboards(DashboardNamePrefix=stack)[
            "DashboardEntries"
        ]
        == []
    )


UPDATABLE = """
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: {description}
      EnableKeyRotation: {rotation}
      Enabled: {enabled}
      Tags: [{{Key: team, Value: {team}}}]
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: !Sub alias/${{AWS::StackName}}
      TargetKeyId: !Ref Key
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Description: {description}
      GenerateSecretString: {{PasswordLength: {length}, ExcludePunctuation: true}}
  Board:
    Type: AWS::CloudWatch::Dashboard
    Properties:
      DashboardBody: '{{"widgets": [], "periodOverride": "{period}"}}'
"""


def test_keys_secrets_and_dashboards_update_in_place(tmp_path: Path, endpoint_url: str) -> None:
    stack = unique_stack("secretsupd")
    template = tmp_path / "template.yaml"
    first_values = {
        "description": "first",
        "rotation": "false",
        "enabled": "true",
        "team": "a",
        "length": 12,
        "period": "auto",
    }
    template.write_text(UPDATABLE.format(**first_values))
    first = deploy(template, endpoint_url, stack=stack)
    secrets = aws("secretsmanager", endpoint_url)
    secret_arn = first.resources["Secret"].physical_id
    before = secrets.get_secret_value(SecretId=secret_arn)["SecretString"]

    template.write_text(
        UPDATABLE.format(
            description="second",
            rotation="true",
            enabled="false",
            team="b",
            length=30,
            period="inherit",
        )
    )
    second = deploy(template, endpoint_url, stack=stack)
    kms = aws("kms", endpoint_url)
    key_id = second.resources["Key"].physical_id
    key = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    after = secrets.get_secret_value(SecretId=secret_arn)["SecretString"]
    board = aws("cloudwatch", endpoint_url).get_dashboard(
        DashboardName=second.resources["Board"].physical_id
    )

    assert sorted(second.updated) == ["Board", "Key", "Secret"]
    assert second.resources["Key"].physical_id == first.resources["Key"].physical_id
    assert second.resources["Secret"].physical_id == secret_arn
    assert (key["Description"], key["Enabled"]) == ("second", False)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "team", "TagValue": "b"}]
    assert (len(before), len(after)) == (12, 30)
    assert secrets.describe_secret(SecretId=secret_arn)["Description"] == "second"
    assert json.loads(board["DashboardBody"])["periodOverride"] == "inherit"
