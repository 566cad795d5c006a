"""API Gateway REST API kinds: RestApi (with its OpenAPI Body), Resource, Method, Deployment, Stage.

A RestApi's Body is applied operation by operation (resources, methods, Lambda proxy
integrations) through the same API calls a template of separate Resource and Method resources
makes, so both forms land alike in the endpoint. A changed Body replaces the API's resources in
place: the API keeps its id, and with it every URL that names it. A Body's authorizers, the
authorizer and API key each operation requires, and its ``mock`` (SAM's CORS) and ``aws``
integrations are applied through openapi_access.py; Authorizer, ApiKey, UsagePlan and
UsagePlanKey resources are kinds of their own (apigateway_access.py). A Body's request
validators, models and each operation's required parameters and body model are applied through
openapi_validation.py; RequestValidator and Model resources are kinds of their own
(apigateway_models.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from localcloud.deploy import openapi, openapi_access, openapi_validation
from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    is_gone,
    register,
    tag_map,
)

_PROXY = "AWS_PROXY"


class IntegrationTargetError(DeployError):
    """An API integration names a function that does not exist."""


def check_function(uri: str, ctx: Context, where: str) -> None:
    """Refuse a Lambda proxy integration whose function does not exist (AWS would answer each
    request with a 500; a deploy that says so is the local cloud's kinder answer)."""
    if "${stageVariables." in uri:
        return  # chosen per stage, at request time
    if "/functions/" not in uri and not uri.startswith("arn:aws:lambda:"):
        return
    function = uri.split("/functions/", 1)[-1].removesuffix("/invocations")
    try:
        ctx.client("lambda").get_function(FunctionName=function)
    except ClientError as exc:
        if is_gone(exc):
            raise IntegrationTargetError(
                f"{where}: the integration names function {function!r}, which does not exist; "
                "check the function's name or ARN in the integration's uri"
            ) from exc
        raise


def _resources(client: Any, api_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("get_resources").paginate(restApiId=api_id):
        items.extend(page.get("items", []))
    return items


def _resource_for(client: Any, api_id: str, path: str, known: dict[str, str]) -> str:
    """The id of the resource at ``path``, made (with its parents) if missing."""
    if path in known:
        return known[path]
    parent_path, _, part = path.rstrip("/").rpartition("/")
    parent = _resource_for(client, api_id, parent_path or "/", known)
    made = client.create_resource(restApiId=api_id, parentId=parent, pathPart=part)
    known[path] = made["id"]
    return made["id"]


def _put_proxy_method(
    client: Any,
    api_id: str,
    resource_id: str,
    method: str,
    integration: Mapping[str, Any],
    ctx: Context,
    where: str,
    access: Mapping[str, Any] | None = None,
) -> None:
    """A method with a Lambda proxy integration; ``access``: put_method's authorization
    arguments (authorizationType, authorizerId, apiKeyRequired, authorizationScopes)."""
    uri = str(integration.get("uri") or integration.get("Uri") or "")
    check_function(uri, ctx, where)
    client.put_method(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=method,
        **(access or {"authorizationType": "NONE"}),
    )
    arguments: dict[str, Any] = {
        "restApiId": api_id,
        "resourceId": resource_id,
        "httpMethod": method,
        "type": _PROXY,
        "integrationHttpMethod": "POST",
        "uri": uri,
    }
    timeout = integration.get("timeoutInMillis") or integration.get("TimeoutInMillis")
    if timeout:
        arguments["timeoutInMillis"] = int(timeout)
    client.put_integration(**arguments)


def _put_service_method(
    client: Any,
    api_id: str,
    resource_id: str,
    method: str,
    integration: Mapping[str, Any],
    access: Mapping[str, Any],
) -> None:
    """A method with a ``mock`` or ``aws`` integration, its mapping templates and responses."""
    client.put_method(restApiId=api_id, resourceId=resource_id, httpMethod=method, **access)
    client.put_integration(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=method,
        **openapi_access.rest_integration_arguments(integration),
    )
    for response in openapi_access.rest_integration_responses(integration):
        client.put_integration_response(
            restApiId=api_id, resourceId=resource_id, httpMethod=method, **response
        )


def _access(
    body: Mapping[str, Any], operation: Mapping[str, Any], authorizers: Mapping[str, str]
) -> dict[str, Any]:
    """put_method's authorization arguments for an operation of ``body``."""
    security = openapi_access.security_of(body, operation)
    arguments: dict[str, Any] = {"authorizationType": "NONE", "apiKeyRequired": security.api_key}
    if security.authorizer is not None and security.authorizer in authorizers:
        scheme = openapi_access.rest_authorizer_type(body, security.authorizer)
        arguments["authorizationType"] = (
            "COGNITO_USER_POOLS" if scheme == "COGNITO_USER_POOLS" else "CUSTOM"
        )
        arguments["authorizerId"] = authorizers[security.authorizer]
        if security.scopes and arguments["authorizationType"] == "COGNITO_USER_POOLS":
            arguments["authorizationScopes"] = list(security.scopes)
    elif security.iam:
        arguments["authorizationType"] = "AWS_IAM"
    return arguments


def _put_gateway_responses(client: Any, api_id: str, body: Mapping[str, Any]) -> None:
    for arguments in openapi_access.gateway_responses(body):
        client.put_gateway_response(restApiId=api_id, **arguments)


def _create_authorizers(client: Any, api_id: str, body: Mapping[str, Any]) -> dict[str, str]:
    return {
        spec.name: str(client.create_authorizer(restApiId=api_id, **spec.arguments)["id"])
        for spec in openapi_access.rest_authorizers(body)
    }


def _create_models(client: Any, api_id: str, body: Mapping[str, Any]) -> None:
    for name, schema in openapi_validation.models(body).items():
        client.create_model(
            restApiId=api_id,
            name=str(name),
            contentType="application/json",
            schema=openapi_validation.model_schema(schema, api_id),
        )


def _create_validators(client: Any, api_id: str, body: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: str(client.create_request_validator(restApiId=api_id, name=name, **spec)["id"])
        for name, spec in openapi_validation.validators(body).items()
    }


def _method_request(
    client: Any,
    api_id: str,
    body: Mapping[str, Any],
    operation: openapi.Operation,
    validators: Mapping[str, str],
    where: str,
) -> dict[str, Any]:
    """put_method's validation arguments for an operation (its inline body models made)."""
    raw = openapi_access.operation_of(body, operation)
    request = openapi_validation.method_request(body, operation.path, operation.method, raw)
    for name, schema in request.inline.items():
        client.create_model(
            restApiId=api_id,
            name=name,
            contentType="application/json",
            schema=openapi_validation.model_schema(schema, api_id),
        )
    arguments: dict[str, Any] = {}
    if request.parameters:
        arguments["requestParameters"] = request.parameters
    if request.models:
        arguments["requestModels"] = request.models
    if request.validator is not None:
        if request.validator not in validators:
            raise DeployError(
                f"{where}: request validator {request.validator!r} is not in the definition's "
                f"{openapi_validation.VALIDATORS}"
            )
        arguments["requestValidatorId"] = validators[request.validator]
    return arguments


def _clear(client: Any, api_id: str) -> None:
    """Remove every resource and method of an API but its root (whose methods go too), and
    its authorizers, gateway responses, request validators and models."""
    for validator in client.get_request_validators(restApiId=api_id).get("items", []):
        ignore_gone(
            client.delete_request_validator, restApiId=api_id, requestValidatorId=validator["id"]
        )
    for model in client.get_models(restApiId=api_id).get("items", []):
        ignore_gone(client.delete_model, restApiId=api_id, modelName=model["name"])
    for authorizer in client.get_authorizers(restApiId=api_id).get("items", []):
        ignore_gone(client.delete_authorizer, restApiId=api_id, authorizerId=authorizer["id"])
    for response in client.get_gateway_responses(restApiId=api_id).get("items", []):
        ignore_gone(
            client.delete_gateway_response, restApiId=api_id, responseType=response["responseType"]
        )
    resources = _resources(client, api_id)
    for resource in resources:
        for method in resource.get("resourceMethods") or {}:
            ignore_gone(
                client.delete_method,
                restApiId=api_id,
                resourceId=resource["id"],
                httpMethod=method,
            )
    # Deepest first, so no resource is deleted before its children.
    for resource in sorted(resources, key=lambda r: -len(r["path"])):
        if resource["path"] != "/":
            ignore_gone(client.delete_resource, restApiId=api_id, resourceId=resource["id"])


def _apply_body(client: Any, api_id: str, body: dict[str, Any], ctx: Context, where: str) -> None:
    known = {r["path"]: r["id"] for r in _resources(client, api_id)}
    authorizers = _create_authorizers(client, api_id, body)
    _put_gateway_responses(client, api_id, body)
    _create_models(client, api_id, body)
    validators = _create_validators(client, api_id, body)
    for operation in openapi.operations(body):
        kind = str(operation.integration.get("type", "")).lower()
        if kind not in ("aws_proxy", "mock", "aws", "http_proxy"):
            continue  # listed as unapplied while planning
        if kind == "http_proxy":
            openapi.require_loopback(
                operation.integration.get("uri"), f"{where}: {operation.method} {operation.path}"
            )
        resource_id = _resource_for(client, api_id, operation.path, known)
        access = _access(body, openapi_access.operation_of(body, operation), authorizers)
        access.update(
            _method_request(
                client,
                api_id,
                body,
                operation,
                validators,
                f"{where}: {operation.method} {operation.path}",
            )
        )
        if kind != "aws_proxy":
            _put_service_method(
                client, api_id, resource_id, operation.method, operation.integration, access
            )
            continue
        _put_proxy_method(
            client,
            api_id,
            resource_id,
            operation.method,
            operation.integration,
            ctx,
            f"{where}: {operation.method} {operation.path}",
            access,
        )


def _binary(props: Mapping[str, Any]) -> list[str]:
    return [
        str(t).replace("~1", "/")
        for t in props.get("BinaryMediaTypes")
        or openapi.binary_media_types(props.get("Body") or {})
    ]


def _set_binary_media_types(client: Any, api_id: str, old: list[str], new: list[str]) -> None:
    """Binary media types go by patch (CreateRestApi's parameter is not kept by every endpoint)."""
    operations = [
        {"op": "remove", "path": f"/binaryMediaTypes/{t.replace('/', '~1')}", "value": t}
        for t in old
        if t not in new
    ] + [
        {"op": "add", "path": f"/binaryMediaTypes/{t.replace('/', '~1')}", "value": t}
        for t in new
        if t not in old
    ]
    if operations:
        client.update_rest_api(restApiId=api_id, patchOperations=operations)


@register
class RestApi(ResourceKind):
    type_name = "AWS::ApiGateway::RestApi"
    replace_on = frozenset()
    applies = frozenset(
        {"Name", "Description", "Body", "BinaryMediaTypes", "Tags", "ApiKeySourceType"}
    )
    inert = {
        "EndpointConfiguration": "edge, regional and private endpoints are one local endpoint",
        "FailOnWarnings": "the deployer refuses what it would not apply instead of warning",
    }

    def unapplied(self, props: Mapping[str, Any]) -> list[str]:
        return sorted(
            [
                *super().unapplied(props),
                *openapi.unapplied_extensions(props.get("Body"), "Body", validation=True),
            ]
        )

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        client = ctx.client("apigateway")
        body = props.get("Body") or {}
        name = props.get("Name") or (body.get("info") or {}).get("title") or logical_id
        binary = _binary(props)
        arguments: dict[str, Any] = {"name": str(name)}
        if props.get("Description"):
            arguments["description"] = props["Description"]
        if props.get("Tags"):
            arguments["tags"] = tag_map(props["Tags"])
        key_source = props.get("ApiKeySourceType") or body.get(openapi_access.API_KEY_SOURCE)
        if key_source:
            arguments["apiKeySource"] = str(key_source).upper()
        api_id = str(client.create_rest_api(**arguments)["id"])
        _set_binary_media_types(client, api_id, [], binary)
        if body:
            _apply_body(client, api_id, body, ctx, f"resource {logical_id!r}")
        return api_id

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        client = ctx.client("apigateway")
        client.get_rest_api(restApiId=physical_id)  # gone -> made again by the engine
        diff = changed(old, new)
        operations = []
        if "Name" in diff and new.get("Name"):
            operations.append({"op": "replace", "path": "/name", "value": str(new["Name"])})
        if "Description" in diff:
            operations.append(
                {"op": "replace", "path": "/description", "value": str(new.get("Description", ""))}
            )
        if operations:
            client.update_rest_api(restApiId=physical_id, patchOperations=operations)
        _set_binary_media_types(client, physical_id, _binary(old), _binary(new))
        if "Body" in diff:
            _clear(client, physical_id)
            if new.get("Body"):
                _apply_body(client, physical_id, new["Body"], ctx, f"resource {logical_id!r}")
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("apigateway").delete_rest_api, restApiId=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        root = next(
            (
                r["id"]
                for r in _resources(ctx.client("apigateway"), physical_id)
                if r["path"] == "/"
            ),
            "",
        )
        return {"RootResourceId": root, "RestApiId": physical_id}


@register
class Resource(ResourceKind):
    type_name = "AWS::ApiGateway::Resource"
    replace_on = None
    applies = frozenset({"RestApiId", "ParentId", "PathPart"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        made = ctx.client("apigateway").create_resource(
            restApiId=props["RestApiId"], parentId=props["ParentId"], pathPart=props["PathPart"]
        )
        return str(made["id"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigateway").delete_resource,
            restApiId=props["RestApiId"],
            resourceId=physical_id,
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"ResourceId": physical_id}


@register
class Method(ResourceKind):
    """A method with a Lambda proxy, ``MOCK``, ``AWS`` service or loopback ``HTTP_PROXY``
    integration, its authorizer and API key requirement; other integration types are refused
    while planning. Its ``RequestValidatorId`` checks its required ``RequestParameters`` and its
    body against its ``RequestModels`` on each request (apigw/validation.py); without a
    validator they are recorded only, as on AWS."""

    type_name = "AWS::ApiGateway::Method"
    replace_on = None
    applies = frozenset(
        {
            "RestApiId",
            "ResourceId",
            "HttpMethod",
            "AuthorizationType",
            "AuthorizerId",
            "AuthorizationScopes",
            "ApiKeyRequired",
            "Integration",
            "RequestParameters",
            "RequestValidatorId",
            "RequestModels",
        }
    )
    members = {
        "Integration": frozenset(
            {
                "Type",
                "Uri",
                "IntegrationHttpMethod",
                "TimeoutInMillis",
                "RequestParameters",
                "RequestTemplates",
                "PassthroughBehavior",
                "IntegrationResponses",
                "Credentials",
            }
        ),
    }
    inert = {
        "MethodResponses": "answers are what the integration responses make of them",
        "OperationName": "names the method in generated SDKs only",
    }

    def unapplied(self, props: Mapping[str, Any]) -> list[str]:
        stray = super().unapplied(props)
        authorization = str(props.get("AuthorizationType") or "NONE")
        if authorization not in ("NONE", "CUSTOM", "AWS_IAM", "COGNITO_USER_POOLS"):
            stray.append(f"AuthorizationType={authorization}")
        integration = props.get("Integration") or {}
        if isinstance(integration, dict) and str(integration.get("Type", "")) not in (
            _PROXY,
            "MOCK",
            "AWS",
            "HTTP_PROXY",
        ):
            stray.append(f"Integration.Type={integration.get('Type')!r}")
        if isinstance(integration, dict) and str(integration.get("Type", "")) == "HTTP_PROXY":
            stray.extend(
                f"Integration.{problem}".replace("uri=", "Uri=").replace(
                    "connectionType=", "ConnectionType="
                )
                for problem in openapi.http_proxy_problems(
                    integration.get("Uri"), integration.get("ConnectionType")
                )
            )
        return sorted(stray)

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        api_id, resource_id = str(props["RestApiId"]), str(props["ResourceId"])
        method = str(props["HttpMethod"]).upper()
        access: dict[str, Any] = {
            "authorizationType": str(props.get("AuthorizationType") or "NONE"),
            "apiKeyRequired": bool(props.get("ApiKeyRequired")),
        }
        if props.get("AuthorizerId"):
            access["authorizerId"] = str(props["AuthorizerId"])
        if props.get("AuthorizationScopes"):
            access["authorizationScopes"] = [str(s) for s in props["AuthorizationScopes"]]
        if props.get("RequestParameters"):
            access["requestParameters"] = {
                str(k): str(v).lower() == "true" for k, v in props["RequestParameters"].items()
            }
        client = ctx.client("apigateway")
        if props.get("RequestValidatorId"):
            access["requestValidatorId"] = str(props["RequestValidatorId"])
        if props.get("RequestModels"):
            access["requestModels"] = {str(k): str(v) for k, v in props["RequestModels"].items()}
        _check_validation(client, api_id, access, f"resource {logical_id!r}")
        integration = props.get("Integration") or {}
        if str(integration.get("Type", _PROXY)) == _PROXY:
            _put_proxy_method(
                client,
                api_id,
                resource_id,
                method,
                integration,
                ctx,
                f"resource {logical_id!r}",
                access,
            )
        else:
            if str(integration.get("Type")) == "HTTP_PROXY":
                openapi.require_loopback(integration.get("Uri"), f"resource {logical_id!r}")
            _put_service_method(
                client,
                api_id,
                resource_id,
                method,
                openapi_access.from_cloudformation(integration),
                access,
            )
        return f"{api_id}/{resource_id}/{method}"

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        api_id, resource_id, method = physical_id.split("/")
        ignore_gone(
            ctx.client("apigateway").delete_method,
            restApiId=api_id,
            resourceId=resource_id,
            httpMethod=method,
        )


def _check_validation(client: Any, api_id: str, access: Mapping[str, Any], where: str) -> None:
    """Refuse a validator or model the API does not have, as PutMethod does on AWS."""
    validator = access.get("requestValidatorId")
    if validator:
        known = {v["id"] for v in client.get_request_validators(restApiId=api_id)["items"]}
        if validator not in known:
            raise DeployError(
                f"{where}: RequestValidatorId {validator!r} names no request validator of API "
                f"{api_id!r}; Ref an AWS::ApiGateway::RequestValidator of the same API"
            )
    wanted = access.get("requestModels") or {}
    models = {m["name"] for m in client.get_models(restApiId=api_id)["items"]} if wanted else set()
    for content_type, model in wanted.items():
        if model not in models:
            raise DeployError(
                f"{where}: RequestModels names model {model!r} for {content_type}, which API "
                f"{api_id!r} does not have; Ref an AWS::ApiGateway::Model of the same API"
            )


@register
class Deployment(ResourceKind):
    type_name = "AWS::ApiGateway::Deployment"
    replace_on = None
    applies = frozenset({"RestApiId", "StageName", "Description"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {"restApiId": props["RestApiId"]}
        if props.get("StageName"):
            arguments["stageName"] = props["StageName"]
        if props.get("Description"):
            arguments["description"] = props["Description"]
        return str(ctx.client("apigateway").create_deployment(**arguments)["id"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        # The stage it made stays: a newer deployment of the same API serves it now (SAM makes
        # a new Deployment whenever the API changes, and removes the old one afterwards).
        try:
            ctx.client("apigateway").delete_deployment(
                restApiId=props["RestApiId"], deploymentId=physical_id
            )
        except ClientError as exc:
            if not is_gone(exc) and "BadRequest" not in str(exc):
                raise

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"DeploymentId": physical_id}


@register
class Stage(ResourceKind):
    type_name = "AWS::ApiGateway::Stage"
    replace_on = frozenset({"RestApiId", "StageName"})
    applies = frozenset(
        {"RestApiId", "StageName", "DeploymentId", "Description", "Variables", "Tags"}
    )
    inert = {
        "TracingEnabled": "every request is traced locally (localcloud trace)",
        "CacheClusterEnabled": "no cache runs locally; every request reaches its integration",
        "CacheClusterSize": "no cache runs locally",
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        client = ctx.client("apigateway")
        name = str(props["StageName"])
        # A Deployment with StageName made this stage already (SAM's "Stage" stage).
        ignore_gone(client.delete_stage, restApiId=props["RestApiId"], stageName=name)
        arguments: dict[str, Any] = {
            "restApiId": props["RestApiId"],
            "stageName": name,
            "deploymentId": props["DeploymentId"],
        }
        if props.get("Description"):
            arguments["description"] = props["Description"]
        if props.get("Variables"):
            arguments["variables"] = {k: str(v) for k, v in props["Variables"].items()}
        if props.get("Tags"):
            arguments["tags"] = tag_map(props["Tags"])
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
        self.delete(physical_id, old, ctx)
        return self.create(logical_id, new, ctx)

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigateway").delete_stage,
            restApiId=props["RestApiId"],
            stageName=physical_id,
        )
