"""A SAM template's user pool, app client, group and domain deployed, its Lambda triggers run by
the pool's own operations (boto3 SignUp / ConfirmSignUp / InitiateAuth), and the ID token a
PreTokenGeneration trigger changed accepted by an HTTP API JWT authorizer, claims and all."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from localcloud.deploy import deploy

TEMPLATE = Path(__file__).parent / "project" / "template.yaml"
PASSWORD = "Correct-horse-1"


@pytest.fixture(scope="module")
def stack(localcloud: Any) -> dict[str, Any]:
    report = deploy(TEMPLATE, localcloud.endpoint_url, stack="cognito-it")
    again = deploy(TEMPLATE, localcloud.endpoint_url, stack="cognito-it")
    return {
        **report.outputs,
        "http": report.local_urls["HttpUrl"],
        "rest": report.local_urls["RestUrl"],
        "redeploy_changed": again.changed,
    }


def _get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": token})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _sign_up(idp: Any, stack: dict[str, Any], name: str, email: str) -> dict[str, Any]:
    return dict(
        idp.sign_up(
            ClientId=stack["ClientId"],
            Username=name,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": email}],
        )
    )


def _sign_in(idp: Any, stack: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(
        idp.initiate_auth(
            ClientId=stack["ClientId"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
    )


def _claims(token: str) -> dict[str, Any]:
    import base64

    body = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))


def test_pool_kinds_deploy_and_redeploy_unchanged(localcloud: Any, stack: dict[str, Any]) -> None:
    assert stack["redeploy_changed"] is False
    idp = localcloud.client("cognito-idp")
    pool = idp.describe_user_pool(UserPoolId=stack["PoolId"])["UserPool"]
    assert pool["Arn"] == stack["PoolArn"]
    assert pool["UserPoolTags"] == {"team": "auth"}
    assert set(pool["LambdaConfig"]) == {
        "PreSignUp",
        "PostConfirmation",
        "PreTokenGeneration",
        "PreAuthentication",
        "PostAuthentication",
        "CustomMessage",
    }
    assert stack["ProviderUrl"].endswith(f".amazonaws.com/{stack['PoolId']}")
    assert stack["ClientName"] == "web"
    groups = idp.list_groups(UserPoolId=stack["PoolId"])["Groups"]
    assert [g["GroupName"] for g in groups] == ["admins"]
    domain = idp.describe_user_pool_domain(Domain="cognito-it-login")["DomainDescription"]
    assert domain["UserPoolId"] == stack["PoolId"]


def test_presignup_refusal_fails_sign_up_and_keeps_no_user(
    localcloud: Any, stack: dict[str, Any]
) -> None:
    idp = localcloud.client("cognito-idp")
    with pytest.raises(ClientError) as caught:
        _sign_up(idp, stack, "mallory", "mallory@blocked.example")
    error = caught.value.response["Error"]
    assert error["Code"] == "UserLambdaValidationException"
    assert error["Message"] == (
        "PreSignUp failed with error sign-ups from blocked.example are closed."
    )
    with pytest.raises(ClientError):
        idp.admin_get_user(UserPoolId=stack["PoolId"], Username="mallory")


def test_presignup_auto_confirms_and_token_carries_trigger_claims(
    localcloud: Any, stack: dict[str, Any]
) -> None:
    idp = localcloud.client("cognito-idp")
    answer = _sign_up(idp, stack, "trudy", "trudy@trusted.example")
    assert answer["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in answer
    user = idp.admin_get_user(UserPoolId=stack["PoolId"], Username="trudy")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert user["UserStatus"] == "CONFIRMED"
    assert attributes["email_verified"] == "true"

    tokens = _sign_in(idp, stack, "trudy")
    claims = _claims(tokens["IdToken"])
    assert claims["tenant"] == "acme"
    assert claims["flow"] == "TokenGeneration_Authentication"
    assert "email" not in claims
    assert claims["cognito:groups"] == ["readers"]
    assert claims["exp"] - claims["iat"] == 30 * 60  # the client's IdTokenValidity

    status, body = _get(stack["http"] + "me", tokens["IdToken"])
    assert status == 200, body
    seen = json.loads(body)
    assert seen["tenant"] == "acme"
    assert seen["cognito:username"] == "trudy"
    assert _get(stack["http"] + "me", "not-a-token")[0] == 401
    status, body = _get(stack["rest"] + "me", tokens["IdToken"])
    assert status == 200, body
    assert json.loads(body)["tenant"] == "acme"


def test_confirm_sign_up_runs_post_confirmation(localcloud: Any, stack: dict[str, Any]) -> None:
    idp = localcloud.client("cognito-idp")
    answer = _sign_up(idp, stack, "carol", "carol@example.org")
    assert answer["UserConfirmed"] is False
    with pytest.raises(ClientError) as caught:
        _sign_in(idp, stack, "carol")
    assert caught.value.response["Error"]["Code"] == "UserNotConfirmedException"

    idp.confirm_sign_up(ClientId=stack["ClientId"], Username="carol", ConfirmationCode="123456")
    table = localcloud.client("dynamodb")
    item = table.get_item(TableName=stack["Table"], Key={"sub": {"S": answer["UserSub"]}})
    assert item["Item"]["userName"] == {"S": "carol"}
    assert item["Item"]["triggerSource"] == {"S": "PostConfirmation_ConfirmSignUp"}
    assert item["Item"]["status"] == {"S": "CONFIRMED"}

    refreshed = idp.initiate_auth(
        ClientId=stack["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": _sign_in(idp, stack, "carol")["RefreshToken"]},
    )["AuthenticationResult"]
    assert _claims(refreshed["IdToken"])["flow"] == "TokenGeneration_RefreshTokens"


def test_trigger_hops_are_traced(localcloud: Any, stack: dict[str, Any]) -> None:
    idp = localcloud.client("cognito-idp")
    _sign_up(idp, stack, "tina", "tina@trusted.example")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        hops = [h for trace in localcloud.traces.traces(last=50) for h in trace]
        triggers = [h for h in hops if h.kind == "trigger" and h.detail.get("user") == "tina"]
        if triggers:
            break
        time.sleep(0.05)
    assert triggers and triggers[0].detail["trigger"] == "PreSignUp_SignUp"
    invoked = [h for h in hops if h.parent == triggers[0].id and h.kind == "invoke"]
    assert invoked and invoked[0].detail["source"] == "cognito-idp"


def test_admin_create_user_runs_presignup(localcloud: Any, stack: dict[str, Any]) -> None:
    idp = localcloud.client("cognito-idp")
    with pytest.raises(ClientError) as caught:
        idp.admin_create_user(
            UserPoolId=stack["PoolId"],
            Username="eve",
            UserAttributes=[{"Name": "email", "Value": "eve@blocked.example"}],
        )
    assert caught.value.response["Error"]["Code"] == "UserLambdaValidationException"
    users = idp.list_users(UserPoolId=stack["PoolId"])["Users"]
    assert "eve" not in {u["Username"] for u in users}


def test_authentication_triggers_refuse_and_count_sign_ins(
    localcloud: Any, stack: dict[str, Any]
) -> None:
    idp = localcloud.client("cognito-idp")
    _sign_up(idp, stack, "locked-lou", "lou@trusted.example")
    with pytest.raises(ClientError) as caught:
        _sign_in(idp, stack, "locked-lou")
    error = caught.value.response["Error"]
    assert error["Code"] == "UserLambdaValidationException"
    assert error["Message"] == "PreAuthentication failed with error this account is locked."

    sub = _sign_up(idp, stack, "dora", "dora@trusted.example")["UserSub"]
    _sign_in(idp, stack, "dora")
    _sign_in(idp, stack, "dora")
    item = localcloud.client("dynamodb").get_item(
        TableName=stack["Table"], Key={"sub": {"S": sub}}
    )["Item"]
    assert item["signIns"] == {"N": "2"}


def test_validation_data_reaches_presignup(localcloud: Any, stack: dict[str, Any]) -> None:
    idp = localcloud.client("cognito-idp")
    with pytest.raises(ClientError) as caught:
        idp.sign_up(
            ClientId=stack["ClientId"],
            Username="ivan",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "ivan@example.org"}],
            ValidationData=[{"Name": "invite", "Value": "revoked"}],
        )
    assert caught.value.response["Error"]["Message"] == (
        "PreSignUp failed with error the invitation was revoked."
    )


UPDATED = """
Parameters:
  Team: {Type: String}
  Protection: {Type: String, Default: INACTIVE}
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UsernameAttributes: [email]
      MfaConfiguration: OPTIONAL
      EnabledMfas: [SOFTWARE_TOKEN_MFA]
      UserPoolTags: {team: !Ref Team}
      DeletionProtection: !Ref Protection
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Pool, GenerateSecret: true}
Outputs:
  PoolId: {Value: !Ref Pool}
  Secret: {Value: !GetAtt Client.ClientSecret}
"""


def test_a_pool_updates_in_place_and_deletion_protection_holds(
    localcloud: Any, tmp_path: Path
) -> None:
    from localcloud.deploy import destroy
    from localcloud.errors import LocalCloudError

    template = tmp_path / "template.yaml"
    template.write_text(UPDATED)
    first = deploy(template, localcloud.endpoint_url, stack="cognito-upd", parameters={"Team": "a"})
    second = deploy(
        template,
        localcloud.endpoint_url,
        stack="cognito-upd",
        parameters={"Team": "b", "Protection": "ACTIVE"},
    )
    assert second.outputs["PoolId"] == first.outputs["PoolId"]
    assert first.outputs["Secret"]
    idp = localcloud.client("cognito-idp")
    pool = idp.describe_user_pool(UserPoolId=first.outputs["PoolId"])["UserPool"]
    assert pool["UserPoolTags"] == {"team": "b"}
    assert pool["UsernameAttributes"] == ["email"]  # kept by UpdateUserPool, as on AWS
    assert pool["Name"] == "cognito-upd-Pool"
    mfa = idp.get_user_pool_mfa_config(UserPoolId=first.outputs["PoolId"])
    assert mfa["MfaConfiguration"] == "OPTIONAL"
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}

    with pytest.raises(LocalCloudError, match="DeletionProtection ACTIVE"):
        destroy(localcloud.endpoint_url, stack="cognito-upd")
    with pytest.raises(ClientError, match="deletion protection is activated"):
        idp.delete_user_pool(UserPoolId=first.outputs["PoolId"])
    deploy(template, localcloud.endpoint_url, stack="cognito-upd", parameters={"Team": "b"})
    destroy(localcloud.endpoint_url, stack="cognito-upd")
    with pytest.raises(ClientError):
        idp.describe_user_pool(UserPoolId=first.outputs["PoolId"])


def test_new_password_challenge_issues_tokens_through_the_triggers(
    localcloud: Any, stack: dict[str, Any]
) -> None:
    idp = localcloud.client("cognito-idp")
    idp.admin_create_user(
        UserPoolId=stack["PoolId"],
        Username="nina",
        TemporaryPassword="Temporary-1",
        UserAttributes=[{"Name": "email", "Value": "nina@example.org"}],
    )
    challenge = idp.admin_initiate_auth(
        UserPoolId=stack["PoolId"],
        ClientId=stack["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nina", "PASSWORD": "Temporary-1"},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    tokens = idp.respond_to_auth_challenge(
        ClientId=stack["ClientId"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "nina", "NEW_PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    assert _claims(tokens["IdToken"])["flow"] == "TokenGeneration_NewPasswordChallenge"
    sub = _claims(tokens["IdToken"])["sub"]
    item = localcloud.client("dynamodb").get_item(
        TableName=stack["Table"], Key={"sub": {"S": sub}}
    )["Item"]
    assert item["signIns"] == {"N": "1"}


def test_confirm_forgot_password_runs_post_confirmation(
    localcloud: Any, stack: dict[str, Any]
) -> None:
    idp = localcloud.client("cognito-idp")
    sub = _sign_up(idp, stack, "fred", "fred@trusted.example")["UserSub"]
    idp.forgot_password(ClientId=stack["ClientId"], Username="fred")
    idp.confirm_forgot_password(
        ClientId=stack["ClientId"],
        Username="fred",
        ConfirmationCode="123456",
        Password="Another-pass-2",
    )
    item = localcloud.client("dynamodb").get_item(
        TableName=stack["Table"], Key={"sub": {"S": sub}}
    )["Item"]
    assert item["triggerSource"] == {"S": "PostConfirmation_ConfirmForgotPassword"}


def test_a_client_uses_only_its_explicit_auth_flows(localcloud: Any, stack: dict[str, Any]) -> None:
    idp = localcloud.client("cognito-idp")
    srp_only = idp.create_user_pool_client(UserPoolId=stack["PoolId"], ClientName="srp")[
        "UserPoolClient"
    ]["ClientId"]
    with pytest.raises(ClientError) as caught:
        idp.initiate_auth(
            ClientId=srp_only,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "trudy", "PASSWORD": PASSWORD},
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    assert caught.value.response["Error"]["Message"] == (
        "USER_PASSWORD_AUTH flow not enabled for this client"
    )


def test_custom_message_runs_where_a_code_is_sent(localcloud: Any, stack: dict[str, Any]) -> None:
    idp = localcloud.client("cognito-idp")
    with pytest.raises(ClientError) as caught:
        _sign_up(idp, stack, "nick", "nick@nomail.example")
    assert caught.value.response["Error"]["Message"] == (
        "CustomMessage failed with error no mail to nomail.example."
    )
    _sign_up(idp, stack, "gina", "gina@example.org")
    deadline = time.monotonic() + 5
    sources: list[str] = []
    while time.monotonic() < deadline and "CustomMessage_SignUp" not in sources:
        hops = [h for trace in localcloud.traces.traces(last=50) for h in trace]
        sources = [
            h.detail["trigger"]
            for h in hops
            if h.kind == "trigger" and h.detail.get("user") == "gina"
        ]
        time.sleep(0.05)
    assert sources == ["PreSignUp_SignUp", "CustomMessage_SignUp"]
