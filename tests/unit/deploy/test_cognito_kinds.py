"""The Cognito kinds at planning: what a pool, a client, a group and a domain take, which
triggers a pool's LambdaConfig may name, and SAM's Cognito event expanding onto the pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from localcloud.deploy import UnsupportedProperty, UnsupportedPropertyError, plan_template
from localcloud.deploy.kinds import KINDS, Context
from localcloud.deploy.template import parse_template

POOL = "AWS::Cognito::UserPool"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"


def test_a_pool_takes_the_usual_settings() -> None:
    props = {
        "UserPoolName": "p",
        "Policies": {"PasswordPolicy": {"MinimumLength": 8, "RequireSymbols": False}},
        "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True}],
        "AutoVerifiedAttributes": ["email"],
        "UsernameAttributes": ["email"],
        "UsernameConfiguration": {"CaseSensitive": False},
        "MfaConfiguration": "OPTIONAL",
        "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]
        },
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
        "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
        "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
        "LambdaConfig": {"PreSignUp": ARN, "PostConfirmation": ARN},
        "UserPoolTags": {"team": "auth"},
        "DeletionProtection": "INACTIVE",
        "UserPoolTier": "ESSENTIALS",
    }
    assert KINDS[POOL].unapplied(props) == []


@pytest.mark.parametrize(
    "trigger",
    ["DefineAuthChallenge", "CreateAuthChallenge", "UserMigration", "CustomSMSSender", "KMSKeyID"],
)
def test_a_trigger_the_local_cloud_does_not_run_is_refused_by_name(trigger: str) -> None:
    props = {"LambdaConfig": {"PreSignUp": ARN, trigger: ARN}}
    assert KINDS[POOL].unapplied(props) == [f"LambdaConfig.{trigger}"]


def test_pre_token_generation_runs_version_one_events_only() -> None:
    v1 = {"PreTokenGenerationConfig": {"LambdaArn": ARN, "LambdaVersion": "V1_0"}}
    assert KINDS[POOL].unapplied({"LambdaConfig": v1}) == []
    v2 = {"PreTokenGenerationConfig": {"LambdaArn": ARN, "LambdaVersion": "V2_0"}}
    assert KINDS[POOL].unapplied({"LambdaConfig": v2}) == [
        "LambdaConfig.PreTokenGenerationConfig.LambdaVersion=V2_0"
    ]


def test_advanced_security_is_refused() -> None:
    props = {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}
    assert KINDS[POOL].unapplied(props) == ["UserPoolAddOns"]


def test_a_client_a_group_and_a_domain_take_their_settings() -> None:
    client = {
        "UserPoolId": "p",
        "ClientName": "web",
        "GenerateSecret": True,
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"],
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid"],
        "AllowedOAuthFlowsUserPoolClient": True,
        "CallbackURLs": ["https://app.example/cb"],
        "LogoutURLs": ["https://app.example/out"],
        "SupportedIdentityProviders": ["COGNITO"],
        "AccessTokenValidity": 1,
        "IdTokenValidity": 1,
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {"AccessToken": "hours", "IdToken": "hours"},
    }
    assert KINDS["AWS::Cognito::UserPoolClient"].unapplied(client) == []
    group = {"UserPoolId": "p", "GroupName": "g", "Precedence": 1, "Description": "d"}
    assert KINDS["AWS::Cognito::UserPoolGroup"].unapplied(group) == []
    domain = {"UserPoolId": "p", "Domain": "login", "CustomDomainConfig": {"CertificateArn": "c"}}
    assert KINDS["AWS::Cognito::UserPoolDomain"].unapplied(domain) == ["CustomDomainConfig"]


def test_pool_attributes_name_the_issuer() -> None:
    ctx = Context("http://localhost:1", "eu-west-1", "123456789012", "s")
    values = KINDS[POOL].attributes("eu-west-1_abc", {}, ctx)
    assert values == {
        "Arn": "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc",
        "ProviderName": "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
        "ProviderURL": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
        "UserPoolId": "eu-west-1_abc",
    }


SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {UserPoolName: p}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): return event"
      Events:
        Sign: {Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: [PreSignUp]}}
        Migrate: {Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: UserMigration}}
"""


def test_sams_cognito_event_writes_the_pools_lambda_config(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedPropertyError) as caught:
        plan_template(parse_template(SAM), tmp_path)
    assert caught.value.properties == [
        UnsupportedProperty("Pool", POOL, "LambdaConfig.UserMigration")
    ]
    plan = plan_template(parse_template(SAM), tmp_path, allow_unsupported=True)
    config = plan.resources["Pool"]["Properties"]["LambdaConfig"]
    assert config["PreSignUp"] == {"Fn::GetAtt": ["Fn", "Arn"]}
    permission = plan.resources["FnCognitoPermission"]["Properties"]
    assert permission["Principal"] == "cognito-idp.amazonaws.com"
