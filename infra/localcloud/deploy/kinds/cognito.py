"""Cognito kinds: user pools (with their Lambda triggers), app clients, groups and domains.

A pool's ``LambdaConfig`` names the functions the pool's operations run (SignUp runs PreSignUp,
and so on: emulator/moto_patches/cognito.py); the triggers the local cloud does not run are
refused at planning, naming each. A domain is recorded (DescribeUserPoolDomain answers it) but
the hosted UI and its OAuth 2.0 endpoints are not served locally.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    ignore_gone,
    pick,
    register,
)
from localcloud.deploy.kinds.members import ApiParameter

# The triggers a pool's operations run locally; any other LambdaConfig key is refused.
TRIGGERS = frozenset(
    {
        "PreSignUp",
        "PostConfirmation",
        "PreAuthentication",
        "PostAuthentication",
        "PreTokenGeneration",
        "PreTokenGenerationConfig",
        # runs (its errors fail the call); the message it writes is not sent locally
        "CustomMessage",
    }
)
# The PreTokenGeneration event versions run (V1_0: claimsOverrideDetails).
_TOKEN_VERSIONS = ("V1_0",)

# Properties passed to CreateUserPool / UpdateUserPool under the same name.
_POOL_SETTINGS = (
    "AccountRecoverySetting",
    "AdminCreateUserConfig",
    "AutoVerifiedAttributes",
    "DeletionProtection",
    "DeviceConfiguration",
    "EmailConfiguration",
    "EmailVerificationMessage",
    "EmailVerificationSubject",
    "LambdaConfig",
    "MfaConfiguration",
    "Policies",
    "SmsAuthenticationMessage",
    "SmsConfiguration",
    "SmsVerificationMessage",
    "UserAttributeUpdateSettings",
    "UserPoolTags",
    "VerificationMessageTemplate",
)
# Set when the pool is created; a change makes a new pool (as on AWS).
_POOL_FIXED = ("AliasAttributes", "Schema", "UsernameAttributes", "UsernameConfiguration")


def _pool_parameter(name: str) -> ApiParameter:
    return ApiParameter("cognito-idp", "CreateUserPool", name)


def _mfa_config(props: Mapping[str, Any]) -> dict[str, Any] | None:
    """SetUserPoolMfaConfig's arguments for ``EnabledMfas``, or None when it is not set."""
    enabled = [str(m) for m in props.get("EnabledMfas") or []]
    if not enabled:
        return None
    arguments: dict[str, Any] = {
        "MfaConfiguration": str(props.get("MfaConfiguration") or "OFF"),
        "SoftwareTokenMfaConfiguration": {"Enabled": "SOFTWARE_TOKEN_MFA" in enabled},
    }
    if "SMS_MFA" in enabled and props.get("SmsConfiguration"):
        arguments["SmsMfaConfiguration"] = {"SmsConfiguration": props["SmsConfiguration"]}
    return arguments


def trigger_problems(config: Any) -> list[str]:
    """What in a pool's ``LambdaConfig`` the local cloud does not run, as ``LambdaConfig.X``
    (keys it does not run at all are reported by the kind's members)."""
    if not isinstance(config, dict):
        return []
    problems = []
    version_config = config.get("PreTokenGenerationConfig")
    if isinstance(version_config, dict):
        version = str(version_config.get("LambdaVersion") or "V1_0")
        if version not in _TOKEN_VERSIONS:
            problems.append(f"LambdaConfig.PreTokenGenerationConfig.LambdaVersion={version}")
    return problems


@register
class UserPool(ResourceKind):
    type_name = "AWS::Cognito::UserPool"
    replace_on = frozenset(_POOL_FIXED)
    applies = frozenset({"UserPoolName", "EnabledMfas", *_POOL_SETTINGS, *_POOL_FIXED})
    inert = {
        "UserPoolTier": "the tier prices features on AWS; locally every supported feature works"
    }
    members = {
        "LambdaConfig": TRIGGERS,
        **{
            name: _pool_parameter(name)
            for name in (
                "AccountRecoverySetting",
                "AdminCreateUserConfig",
                "DeviceConfiguration",
                "EmailConfiguration",
                "Policies",
                "SmsConfiguration",
                "UserAttributeUpdateSettings",
                "UsernameConfiguration",
                "VerificationMessageTemplate",
            )
        },
    }

    def unapplied(self, props: Mapping[str, Any]) -> list[str]:
        stray = super().unapplied(props)
        config = props.get("LambdaConfig")
        stray.extend(trigger_problems(config))
        if isinstance(config, dict) and isinstance(config.get("PreTokenGenerationConfig"), dict):
            stray.extend(
                f"LambdaConfig.PreTokenGenerationConfig.{key}"
                for key in config["PreTokenGenerationConfig"]
                if key not in ("LambdaArn", "LambdaVersion")
            )
        return sorted(stray)

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments = {
            "PoolName": ctx.name(logical_id, props.get("UserPoolName"), 128),
            **pick(props, *_POOL_SETTINGS, *_POOL_FIXED),
        }
        cognito = ctx.client("cognito-idp")
        pool_id = str(cognito.create_user_pool(**arguments)["UserPool"]["Id"])
        mfa = _mfa_config(props)
        if mfa is not None:
            cognito.set_user_pool_mfa_config(UserPoolId=pool_id, **mfa)
        return pool_id

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        # UpdateUserPool puts back the default of every setting it is not given: give all.
        cognito = ctx.client("cognito-idp")
        cognito.update_user_pool(
            UserPoolId=physical_id,
            PoolName=ctx.name(logical_id, new.get("UserPoolName"), 128),
            **pick(new, *_POOL_SETTINGS),
        )
        mfa = _mfa_config(new)
        if mfa is not None:
            cognito.set_user_pool_mfa_config(UserPoolId=physical_id, **mfa)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        if str(props.get("DeletionProtection") or "") == "ACTIVE":
            raise DeployError(
                f"user pool {physical_id} has DeletionProtection ACTIVE: set it to INACTIVE "
                "and deploy before deleting the pool"
            )
        ignore_gone(ctx.client("cognito-idp").delete_user_pool, UserPoolId=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        provider = f"cognito-idp.{ctx.region}.amazonaws.com/{physical_id}"
        return {
            "Arn": ctx.arn("cognito-idp", f"userpool/{physical_id}"),
            "ProviderName": provider,
            "ProviderURL": f"https://{provider}",
            "UserPoolId": physical_id,
        }


# Properties passed to CreateUserPoolClient / UpdateUserPoolClient under the same name.
_CLIENT_SETTINGS = (
    "AccessTokenValidity",
    "AllowedOAuthFlows",
    "AllowedOAuthFlowsUserPoolClient",
    "AllowedOAuthScopes",
    "AuthSessionValidity",
    "CallbackURLs",
    "DefaultRedirectURI",
    "EnablePropagateAdditionalUserContextData",
    "EnableTokenRevocation",
    "ExplicitAuthFlows",
    "IdTokenValidity",
    "LogoutURLs",
    "PreventUserExistenceErrors",
    "ReadAttributes",
    "RefreshTokenValidity",
    "SupportedIdentityProviders",
    "TokenValidityUnits",
    "WriteAttributes",
)


@register
class UserPoolClient(ResourceKind):
    type_name = "AWS::Cognito::UserPoolClient"
    replace_on = frozenset({"UserPoolId", "GenerateSecret"})
    applies = frozenset({"UserPoolId", "ClientName", "GenerateSecret", *_CLIENT_SETTINGS})
    members = {
        "TokenValidityUnits": ApiParameter(
            "cognito-idp", "CreateUserPoolClient", "TokenValidityUnits"
        )
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        response = ctx.client("cognito-idp").create_user_pool_client(
            UserPoolId=props["UserPoolId"],
            ClientName=ctx.name(logical_id, props.get("ClientName"), 128),
            GenerateSecret=str(props.get("GenerateSecret", False)).lower() == "true",
            **pick(props, *_CLIENT_SETTINGS),
        )
        return str(response["UserPoolClient"]["ClientId"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        ctx.client("cognito-idp").update_user_pool_client(
            UserPoolId=new["UserPoolId"],
            ClientId=physical_id,
            ClientName=ctx.name(logical_id, new.get("ClientName"), 128),
            **pick(new, *_CLIENT_SETTINGS),
        )
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("cognito-idp").delete_user_pool_client,
            UserPoolId=props["UserPoolId"],
            ClientId=physical_id,
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        client = ctx.client("cognito-idp").describe_user_pool_client(
            UserPoolId=props["UserPoolId"], ClientId=physical_id
        )["UserPoolClient"]
        values = {"Name": client.get("ClientName"), "ClientId": physical_id}
        if client.get("ClientSecret"):
            values["ClientSecret"] = client["ClientSecret"]
        return values


_GROUP_SETTINGS = ("Description", "RoleArn", "Precedence")


@register
class UserPoolGroup(ResourceKind):
    type_name = "AWS::Cognito::UserPoolGroup"
    replace_on = frozenset({"UserPoolId", "GroupName"})
    applies = frozenset({"UserPoolId", "GroupName", *_GROUP_SETTINGS})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("GroupName"), 128)
        ctx.client("cognito-idp").create_group(
            UserPoolId=props["UserPoolId"], GroupName=name, **pick(props, *_GROUP_SETTINGS)
        )
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        ctx.client("cognito-idp").update_group(
            UserPoolId=new["UserPoolId"], GroupName=physical_id, **pick(new, *_GROUP_SETTINGS)
        )
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("cognito-idp").delete_group,
            UserPoolId=props["UserPoolId"],
            GroupName=physical_id,
        )


@register
class UserPoolDomain(ResourceKind):
    """A prefix domain, recorded; the hosted UI and OAuth endpoints it would serve are not."""

    type_name = "AWS::Cognito::UserPoolDomain"
    replace_on = None
    applies = frozenset({"UserPoolId", "Domain"})
    inert = {
        "ManagedLoginVersion": "the hosted UI (classic or managed login) is not served locally"
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        domain = str(props["Domain"])
        ctx.client("cognito-idp").create_user_pool_domain(
            UserPoolId=props["UserPoolId"], Domain=domain
        )
        return domain

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("cognito-idp").delete_user_pool_domain,
            UserPoolId=props["UserPoolId"],
            Domain=physical_id,
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"CloudFrontDistribution": f"{physical_id}.auth.{ctx.region}.amazoncognito.com"}
