"""API Gateway access-control kinds: REST authorizers, API keys, usage plans and their keys,
gateway responses, and HTTP API authorizers (what SAM's ``Auth``, ``UsagePlan`` and
``GatewayResponses`` expand to, and what templates write by hand). Each is made anew when its
properties change: they are small and hold no data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localcloud.deploy.kinds.base import Context, ResourceKind, ignore_gone, register, tag_map

_NO_IAM = "the local cloud checks no IAM role when API Gateway calls a function"


def _camel(value: Any) -> Any:
    """CloudFormation's PascalCase keys as API Gateway's REST API spells them (camelCase)."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


@register
class Authorizer(ResourceKind):
    type_name = "AWS::ApiGateway::Authorizer"
    replace_on = None
    applies = frozenset(
        {
            "RestApiId",
            "Name",
            "Type",
            "AuthorizerUri",
            "IdentitySource",
            "IdentityValidationExpression",
            "AuthorizerResultTtlInSeconds",
            "ProviderARNs",
        }
    )
    inert = {"AuthorizerCredentials": _NO_IAM, "AuthType": "a label for SDK generation only"}

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {
            "restApiId": props["RestApiId"],
            "name": str(props.get("Name") or logical_id),
            "type": str(props["Type"]).upper(),
        }
        for key in (
            "AuthorizerUri",
            "IdentitySource",
            "IdentityValidationExpression",
            "AuthorizerResultTtlInSeconds",
        ):
            if props.get(key) is not None:
                arguments[key[0].lower() + key[1:]] = props[key]
        if props.get("ProviderARNs"):
            arguments["providerARNs"] = list(props["ProviderARNs"])
        return str(ctx.client("apigateway").create_authorizer(**arguments)["id"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigateway").delete_authorizer,
            restApiId=props["RestApiId"],
            authorizerId=physical_id,
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"AuthorizerId": physical_id}


@register
class ApiKey(ResourceKind):
    type_name = "AWS::ApiGateway::ApiKey"
    replace_on = None
    applies = frozenset({"Name", "Description", "Enabled", "Value", "CustomerId", "Tags"})
    inert = {
        "StageKeys": "a key reaches a stage through a usage plan (UsagePlanKey), as SAM pairs them",
        "GenerateDistinctId": "a key's id is always distinct locally",
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {
            "name": ctx.name(logical_id, props.get("Name"), 1024),
            "enabled": bool(props.get("Enabled", False)),
        }
        for key in ("Description", "Value", "CustomerId"):
            if props.get(key):
                arguments[key[0].lower() + key[1:]] = str(props[key])
        if props.get("Tags"):
            arguments["tags"] = tag_map(props["Tags"])
        return str(ctx.client("apigateway").create_api_key(**arguments)["id"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("apigateway").delete_api_key, apiKey=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"APIKeyId": physical_id}


@register
class UsagePlan(ResourceKind):
    type_name = "AWS::ApiGateway::UsagePlan"
    replace_on = None
    applies = frozenset({"UsagePlanName", "Description", "ApiStages", "Throttle", "Quota", "Tags"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {
            "name": ctx.name(logical_id, props.get("UsagePlanName"), 1024),
        }
        if props.get("Description"):
            arguments["description"] = str(props["Description"])
        stages = []
        for stage in props.get("ApiStages") or []:
            item: dict[str, Any] = {"apiId": str(stage["ApiId"]), "stage": str(stage["Stage"])}
            if stage.get("Throttle"):
                item["throttle"] = {k: _camel(v) for k, v in stage["Throttle"].items()}
            stages.append(item)
        if stages:
            arguments["apiStages"] = stages
        if props.get("Throttle"):
            arguments["throttle"] = _camel(props["Throttle"])
        if props.get("Quota"):
            arguments["quota"] = _camel(props["Quota"])
        if props.get("Tags"):
            arguments["tags"] = tag_map(props["Tags"])
        return str(ctx.client("apigateway").create_usage_plan(**arguments)["id"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("apigateway").delete_usage_plan, usagePlanId=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Id": physical_id}


@register
class UsagePlanKey(ResourceKind):
    type_name = "AWS::ApiGateway::UsagePlanKey"
    replace_on = None
    applies = frozenset({"KeyId", "KeyType", "UsagePlanId"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        ctx.client("apigateway").create_usage_plan_key(
            usagePlanId=str(props["UsagePlanId"]),
            keyId=str(props["KeyId"]),
            keyType=str(props.get("KeyType") or "API_KEY"),
        )
        return f"{props['UsagePlanId']}:{props['KeyId']}"

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigateway").delete_usage_plan_key,
            usagePlanId=str(props["UsagePlanId"]),
            keyId=str(props["KeyId"]),
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Id": physical_id}


@register
class HttpAuthorizer(ResourceKind):
    type_name = "AWS::ApiGatewayV2::Authorizer"
    replace_on = None
    applies = frozenset(
        {
            "ApiId",
            "Name",
            "AuthorizerType",
            "AuthorizerUri",
            "IdentitySource",
            "JwtConfiguration",
            "AuthorizerPayloadFormatVersion",
            "EnableSimpleResponses",
            "AuthorizerResultTtlInSeconds",
            "IdentityValidationExpression",
        }
    )
    inert = {"AuthorizerCredentialsArn": _NO_IAM}

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {
            "ApiId": props["ApiId"],
            "Name": str(props.get("Name") or logical_id),
            "AuthorizerType": str(props["AuthorizerType"]).upper(),
        }
        source = props.get("IdentitySource")
        arguments["IdentitySource"] = [source] if isinstance(source, str) else list(source or [])
        for key in (
            "AuthorizerUri",
            "AuthorizerPayloadFormatVersion",
            "EnableSimpleResponses",
            "AuthorizerResultTtlInSeconds",
            "IdentityValidationExpression",
        ):
            if props.get(key) is not None:
                arguments[key] = props[key]
        jwt: Mapping[str, Any] = props.get("JwtConfiguration") or {}
        if jwt:
            arguments["JwtConfiguration"] = {
                "Issuer": str(jwt.get("Issuer", "")),
                "Audience": [str(a) for a in jwt.get("Audience") or []],
            }
        return str(ctx.client("apigatewayv2").create_authorizer(**arguments)["AuthorizerId"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigatewayv2").delete_authorizer,
            ApiId=props["ApiId"],
            AuthorizerId=physical_id,
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"AuthorizerId": physical_id}


@register
class GatewayResponse(ResourceKind):
    type_name = "AWS::ApiGateway::GatewayResponse"
    replace_on = None
    applies = frozenset(
        {"RestApiId", "ResponseType", "StatusCode", "ResponseParameters", "ResponseTemplates"}
    )

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {
            "restApiId": props["RestApiId"],
            "responseType": str(props["ResponseType"]),
        }
        if props.get("StatusCode"):
            arguments["statusCode"] = str(props["StatusCode"])
        for key in ("ResponseParameters", "ResponseTemplates"):
            if props.get(key):
                arguments[key[0].lower() + key[1:]] = {
                    str(k): str(v) for k, v in props[key].items()
                }
        ctx.client("apigateway").put_gateway_response(**arguments)
        return f"{props['RestApiId']}:{props['ResponseType']}"

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigateway").delete_gateway_response,
            restApiId=props["RestApiId"],
            responseType=str(props["ResponseType"]),
        )
