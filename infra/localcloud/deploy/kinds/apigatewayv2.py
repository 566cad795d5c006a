"""API Gateway HTTP API kinds: Api (with its OpenAPI Body, or quick create's Target), Route,
Integration, Stage.

A Body is applied as one Lambda proxy integration and one route per operation (``$default``
for SAM's catch-all path), with the authorizers, route authorization and CORS it declares
(openapi_access.py) and AWS service integrations (``integrationSubtype``). A changed Body
replaces the API's routes, integrations and authorizers in place, keeping its id. WebSocket APIs
are refused (listed as unapplied).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from localcloud.deploy import openapi, openapi_access
from localcloud.deploy.kinds.apigateway import check_function
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    register,
    tag_map,
)


def _proxy_integration(
    client: Any, api_id: str, integration: Mapping[str, Any], ctx: Context, where: str
) -> str:
    subtype = integration.get("integrationSubtype") or integration.get("IntegrationSubtype")
    if subtype:
        return _first_class_integration(client, api_id, integration, str(subtype))
    kind = str(integration.get("type") or integration.get("IntegrationType") or "AWS_PROXY")
    if kind.upper() == "HTTP_PROXY":
        return _http_proxy_integration(client, api_id, integration, where)
    uri = str(integration.get("uri") or integration.get("IntegrationUri") or "")
    check_function(uri, ctx, where)
    version = integration.get("payloadFormatVersion") or integration.get("PayloadFormatVersion")
    arguments: dict[str, Any] = {
        "ApiId": api_id,
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": uri,
        "IntegrationMethod": "POST",
        "PayloadFormatVersion": str(version or "2.0"),
    }
    timeout = integration.get("timeoutInMillis") or integration.get("TimeoutInMillis")
    if timeout:
        arguments["TimeoutInMillis"] = int(timeout)
    return str(client.create_integration(**arguments)["IntegrationId"])


def _http_proxy_integration(
    client: Any, api_id: str, integration: Mapping[str, Any], where: str
) -> str:
    """An HTTP proxy to a server on this machine (any other URL is refused)."""
    uri = openapi.require_loopback(
        integration.get("uri") or integration.get("IntegrationUri"), where
    )
    method = integration.get("httpMethod") or integration.get("IntegrationMethod") or "ANY"
    arguments: dict[str, Any] = {
        "ApiId": api_id,
        "IntegrationType": "HTTP_PROXY",
        "IntegrationUri": uri,
        "IntegrationMethod": str(method).upper(),
        "PayloadFormatVersion": "1.0",
    }
    timeout = integration.get("timeoutInMillis") or integration.get("TimeoutInMillis")
    if timeout:
        arguments["TimeoutInMillis"] = int(timeout)
    return str(client.create_integration(**arguments)["IntegrationId"])


def _first_class_integration(
    client: Any, api_id: str, integration: Mapping[str, Any], subtype: str
) -> str:
    """An AWS service integration (SQS-SendMessage, EventBridge-PutEvents, ...)."""
    parameters = integration.get("requestParameters") or integration.get("RequestParameters")
    arguments: dict[str, Any] = {
        "ApiId": api_id,
        "IntegrationType": "AWS_PROXY",
        "IntegrationSubtype": subtype,
        "PayloadFormatVersion": "1.0",
        "RequestParameters": {str(k): str(v) for k, v in (parameters or {}).items()},
    }
    credentials = integration.get("credentials") or integration.get("CredentialsArn")
    if credentials:
        arguments["CredentialsArn"] = str(credentials)
    timeout = integration.get("timeoutInMillis") or integration.get("TimeoutInMillis")
    if timeout:
        arguments["TimeoutInMillis"] = int(timeout)
    return str(client.create_integration(**arguments)["IntegrationId"])


def _authorizers(client: Any, api_id: str) -> list[dict[str, Any]]:
    """The API's authorizers; none where the endpoint cannot list them (moto 5.2.5 has no
    GetAuthorizers for HTTP APIs: a changed Body then leaves the old ones unused)."""
    try:
        return list(client.get_authorizers(ApiId=api_id).get("Items", []))
    except ClientError as exc:
        if "UnknownOperation" in str(exc) or "NotImplemented" in str(exc):
            return []
        raise


def _route_access(
    body: Mapping[str, Any], operation: Mapping[str, Any], authorizers: Mapping[str, str]
) -> dict[str, Any]:
    """create_route's authorization arguments for an operation of ``body``."""
    security = openapi_access.security_of(body, operation)
    if security.authorizer is None or security.authorizer not in authorizers:
        return {"AuthorizationType": "AWS_IAM"} if security.iam else {}
    kind = next(
        (
            spec.arguments["AuthorizerType"]
            for spec in openapi_access.http_authorizers(body)
            if spec.name == security.authorizer
        ),
        "REQUEST",
    )
    arguments: dict[str, Any] = {
        "AuthorizationType": "JWT" if kind == "JWT" else "CUSTOM",
        "AuthorizerId": authorizers[security.authorizer],
    }
    if security.scopes:
        arguments["AuthorizationScopes"] = list(security.scopes)
    return arguments


def _apply_body(client: Any, api_id: str, body: dict[str, Any], ctx: Context, where: str) -> None:
    authorizers = {
        spec.name: str(client.create_authorizer(ApiId=api_id, **spec.arguments)["AuthorizerId"])
        for spec in openapi_access.http_authorizers(body)
    }
    cors = openapi_access.http_cors(body)
    if cors:
        client.update_api(ApiId=api_id, CorsConfiguration=cors)
    for operation in openapi.operations(body):
        if str(operation.integration.get("type", "")).lower() not in ("aws_proxy", "http_proxy"):
            continue  # listed as unapplied while planning
        integration = _proxy_integration(
            client, api_id, operation.integration, ctx, f"{where}: {operation.route_key}"
        )
        client.create_route(
            ApiId=api_id,
            RouteKey=operation.route_key,
            Target=f"integrations/{integration}",
            **_route_access(body, openapi_access.operation_of(body, operation), authorizers),
        )


def _clear(client: Any, api_id: str) -> None:
    for authorizer in _authorizers(client, api_id):
        ignore_gone(client.delete_authorizer, ApiId=api_id, AuthorizerId=authorizer["AuthorizerId"])
    for route in client.get_routes(ApiId=api_id).get("Items", []):
        ignore_gone(client.delete_route, ApiId=api_id, RouteId=route["RouteId"])
    for integration in client.get_integrations(ApiId=api_id).get("Items", []):
        ignore_gone(
            client.delete_integration, ApiId=api_id, IntegrationId=integration["IntegrationId"]
        )


@register
class Api(ResourceKind):
    type_name = "AWS::ApiGatewayV2::Api"
    replace_on = frozenset({"ProtocolType"})
    applies = frozenset(
        {
            "Name",
            "Description",
            "ProtocolType",
            "Body",
            "Tags",
            "Target",
            "RouteKey",
            "Version",
            "DisableExecuteApiEndpoint",
            "CorsConfiguration",
        }
    )
    inert = {
        "FailOnWarnings": "the deployer refuses what it would not apply instead of warning",
        "DisableSchemaValidation": "WebSocket APIs only",
    }

    def unapplied(self, props: Mapping[str, Any]) -> list[str]:
        stray = [
            *super().unapplied(props),
            *openapi.unapplied_extensions(props.get("Body"), "Body"),
        ]
        body = props.get("Body")
        if isinstance(body, dict):
            stray.extend(
                f"Body.paths.{op.path}.{op.method.lower()}: integration type "
                f"{op.integration.get('type')!r} (HTTP APIs take aws_proxy and http_proxy)"
                for op in openapi.operations(body)
                if str(op.integration.get("type", "")).lower() in ("mock", "aws")
            )
        protocol = str(props.get("ProtocolType") or "HTTP")
        if protocol != "HTTP" and not props.get("Body"):
            stray.append(f"ProtocolType={protocol}")
        return sorted(stray)

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        client = ctx.client("apigatewayv2")
        body = props.get("Body") or {}
        name = props.get("Name") or (body.get("info") or {}).get("title") or logical_id
        arguments: dict[str, Any] = {"Name": str(name), "ProtocolType": "HTTP"}
        for key in ("Description", "Version", "DisableExecuteApiEndpoint", "CorsConfiguration"):
            if props.get(key) is not None:
                arguments[key] = props[key]
        if props.get("Tags"):
            arguments["Tags"] = tag_map(props["Tags"])
        api_id = str(client.create_api(**arguments)["ApiId"])
        self._fill(client, api_id, props, ctx, logical_id)
        return api_id

    def _fill(
        self, client: Any, api_id: str, props: dict[str, Any], ctx: Context, logical_id: str
    ) -> None:
        where = f"resource {logical_id!r}"
        if props.get("Body"):
            _apply_body(client, api_id, props["Body"], ctx, where)
        elif props.get("Target"):  # quick create: one route, one integration, $default stage
            integration = _proxy_integration(
                client, api_id, {"uri": props["Target"]}, ctx, f"{where}: Target"
            )
            client.create_route(
                ApiId=api_id,
                RouteKey=str(props.get("RouteKey") or "$default"),
                Target=f"integrations/{integration}",
            )
            ignore_gone(client.delete_stage, ApiId=api_id, StageName="$default")
            client.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        client = ctx.client("apigatewayv2")
        client.get_api(ApiId=physical_id)  # gone -> made again by the engine
        diff = changed(old, new)
        settings = {
            key: new[key]
            for key in (
                "Name",
                "Description",
                "Version",
                "DisableExecuteApiEndpoint",
                "CorsConfiguration",
            )
            if key in diff and new.get(key) is not None
        }
        if settings:
            client.update_api(ApiId=physical_id, **settings)
        if diff & {"Body", "Target", "RouteKey"}:
            _clear(client, physical_id)
            self._fill(client, physical_id, new, ctx, logical_id)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("apigatewayv2").delete_api, ApiId=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {
            "ApiId": physical_id,
            "ApiEndpoint": f"https://{physical_id}.execute-api.{ctx.region}.amazonaws.com",
        }


@register
class Integration(ResourceKind):
    """A Lambda proxy integration; other types are refused while planning."""

    type_name = "AWS::ApiGatewayV2::Integration"
    replace_on = None
    applies = frozenset(
        {
            "ApiId",
            "IntegrationType",
            "IntegrationUri",
            "IntegrationMethod",
            "PayloadFormatVersion",
            "TimeoutInMillis",
            "IntegrationSubtype",
            "RequestParameters",
            "CredentialsArn",
            "ConnectionType",  # INTERNET only (http_proxy_problems refuses a VPC link)
        }
    )
    inert = {"Description": "a note for people only"}

    def unapplied(self, props: Mapping[str, Any]) -> list[str]:
        stray = super().unapplied(props)
        kind = str(props.get("IntegrationType", ""))
        if kind not in ("AWS_PROXY", "HTTP_PROXY"):
            stray.append(f"IntegrationType={props.get('IntegrationType')!r}")
        if kind == "HTTP_PROXY":
            stray.extend(
                problem.replace("uri=", "IntegrationUri=").replace(
                    "connectionType=", "ConnectionType="
                )
                for problem in openapi.http_proxy_problems(
                    props.get("IntegrationUri"), props.get("ConnectionType")
                )
            )
        if props.get("RequestParameters") and not props.get("IntegrationSubtype"):
            stray.append("RequestParameters (applied to AWS service integrations only)")
        return sorted(stray)

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        return _proxy_integration(
            ctx.client("apigatewayv2"), str(props["ApiId"]), props, ctx, f"resource {logical_id!r}"
        )

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigatewayv2").delete_integration,
            ApiId=props["ApiId"],
            IntegrationId=physical_id,
        )


@register
class Route(ResourceKind):
    type_name = "AWS::ApiGatewayV2::Route"
    replace_on = None
    applies = frozenset(
        {
            "ApiId",
            "RouteKey",
            "Target",
            "AuthorizationType",
            "AuthorizerId",
            "AuthorizationScopes",
        }
    )
    inert = {"OperationName": "names the route in generated SDKs only"}

    def unapplied(self, props: Mapping[str, Any]) -> list[str]:
        stray = super().unapplied(props)
        authorization = str(props.get("AuthorizationType") or "NONE")
        if authorization not in ("NONE", "CUSTOM", "JWT", "AWS_IAM"):
            stray.append(f"AuthorizationType={authorization}")
        return sorted(stray)

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {"ApiId": props["ApiId"], "RouteKey": props["RouteKey"]}
        for key in ("Target", "AuthorizationType", "AuthorizerId"):
            if props.get(key):
                arguments[key] = str(props[key])
        if props.get("AuthorizationScopes"):
            arguments["AuthorizationScopes"] = [str(s) for s in props["AuthorizationScopes"]]
        return str(ctx.client("apigatewayv2").create_route(**arguments)["RouteId"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigatewayv2").delete_route, ApiId=props["ApiId"], RouteId=physical_id
        )


@register
class Stage(ResourceKind):
    type_name = "AWS::ApiGatewayV2::Stage"
    replace_on = frozenset({"ApiId", "StageName"})
    applies = frozenset({"ApiId", "StageName", "StageVariables", "Description", "Tags"})
    inert = {
        "AutoDeploy": "routes are served as soon as they change",
        "DeploymentId": "routes are served as soon as they change",
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        client = ctx.client("apigatewayv2")
        name = str(props["StageName"])
        ignore_gone(client.delete_stage, ApiId=props["ApiId"], StageName=name)
        arguments: dict[str, Any] = {"ApiId": props["ApiId"], "StageName": name}
        if props.get("StageVariables"):
            arguments["StageVariables"] = {k: str(v) for k, v in props["StageVariables"].items()}
        if props.get("Description"):
            arguments["Description"] = props["Description"]
        if props.get("Tags"):
            arguments["Tags"] = tag_map(props["Tags"])
        client.create_stage(**arguments)
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        return self.create(logical_id, new, ctx)

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigatewayv2").delete_stage, ApiId=props["ApiId"], StageName=physical_id
        )
