"""API Gateway's deployed configuration as the local cloud reads it: frozen views of moto's APIs.

A REST API (apigateway) and an HTTP API (apigatewayv2) are both read into one ``ApiView``: its
routes (REST resources and methods become ``"GET /items/{id}"`` route keys, as an HTTP API names
them), each with the integration behind it, its stages and what a request needs to be shaped
(binary media types). The request path (localcloud/apigw/) never reads a moto object.

Unlike AWS, a REST API serves its current resources on every stage: a Deployment records no
snapshot here, so a change is live without a new deployment (as SAM's deploys always make one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

REST = "REST"
HTTP = "HTTP"
DEFAULT_STAGE = "$default"
DEFAULT_ROUTE = "$default"


@dataclass(frozen=True, slots=True)
class IntegrationView:
    """What a route hands a request to: ``type`` keys the integration dispatch."""

    id: str
    type: str  # AWS_PROXY, AWS, HTTP_PROXY, HTTP, MOCK
    uri: str
    payload_format_version: str  # "1.0" (REST, or chosen on an HTTP API) or "2.0"
    timeout_ms: int | None = None
    subtype: str | None = None  # HTTP APIs' first-class integrations: SQS-SendMessage, ...
    method: str | None = None
    credentials: str | None = None
    request_parameters: Mapping[str, Any] = field(default_factory=dict)
    request_templates: Mapping[str, str] = field(default_factory=dict)
    content_handling: str | None = None
    # Everything else moto holds about it (REST's integrationResponses, ...), for integrations
    # that need more than the fields above.
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RouteView:
    """One route: ``key`` is ``"METHOD /path"`` (METHOD may be ANY) or ``"$default"``."""

    key: str
    integration: IntegrationView | None
    authorization_type: str = "NONE"  # NONE, CUSTOM, JWT, AWS_IAM, COGNITO_USER_POOLS
    authorizer_id: str | None = None
    api_key_required: bool = False
    authorization_scopes: tuple[str, ...] = ()
    # REST's resource id (requestContext.resourceId); an HTTP API's route id.
    id: str = ""
    # REST request validation: the method's validator, its request parameters
    # ("method.request.header.X" -> required) and models by content type.
    request_validator_id: str | None = None
    request_parameters: Mapping[str, bool] = field(default_factory=dict)
    request_models: Mapping[str, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return "ANY" if self.key == DEFAULT_ROUTE else self.key.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return "" if self.key == DEFAULT_ROUTE else self.key.split(" ", 1)[1]


@dataclass(frozen=True, slots=True)
class StageView:
    name: str
    variables: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ApiView:
    """A REST or HTTP API with everything a request through it needs."""

    id: str
    name: str
    protocol: str  # REST or HTTP
    region: str
    account: str
    routes: tuple[RouteView, ...]
    stages: Mapping[str, StageView]
    binary_media_types: tuple[str, ...] = ()
    # HTTP APIs' CorsConfiguration as moto holds it (camelCase keys), None when unset.
    cors: Mapping[str, Any] | None = None
    # Authorizers by id, as moto describes them (GetAuthorizer's fields).
    authorizers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    api_key_source: str = "HEADER"
    disable_execute_api_endpoint: bool = False
    # REST APIs' gateway responses by type (GetGatewayResponse's fields): UNAUTHORIZED, ...
    gateway_responses: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # REST request validators by id (name, validateRequestBody, validateRequestParameters) and
    # models by name (GetModel's fields: schema, contentType).
    request_validators: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    models: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def has_default_stage(self) -> bool:
        return DEFAULT_STAGE in self.stages


def _frozen(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


def rest_api_from_moto(api: Any, region: str, account: str) -> ApiView:
    """A moto apigateway RestAPI as a view: one route per resource method."""
    resources = dict(api.resources)
    paths: dict[str, str] = {}

    def path_of(resource_id: str) -> str:
        known = paths.get(resource_id)
        if known is not None:
            return known
        resource = resources[resource_id]
        if not resource.parent_id:
            path = "/"
        else:
            parent = path_of(resource.parent_id)
            path = f"{parent.rstrip('/')}/{resource.path_part}"
        paths[resource_id] = path
        return path

    routes = []
    for resource_id, resource in resources.items():
        for method_name, method in dict(resource.resource_methods).items():
            integration = method.method_integration
            routes.append(
                RouteView(
                    key=f"{method_name.upper()} {path_of(resource_id)}",
                    integration=None
                    if integration is None
                    else _rest_integration(resource_id, method_name, integration),
                    authorization_type=str(method.authorization_type or "NONE"),
                    authorizer_id=method.authorizer_id,
                    api_key_required=bool(method.api_key_required),
                    authorization_scopes=tuple(method.authorization_scopes or ()),
                    id=resource_id,
                    request_validator_id=method.request_validator_id,
                    request_parameters=MappingProxyType(
                        {
                            str(k): str(v).lower() == "true"
                            for k, v in dict(method.request_parameters or {}).items()
                        }
                    ),
                    request_models=_frozen(method.request_models),
                )
            )
    stages = {
        name: StageView(name, _frozen(stage.variables)) for name, stage in dict(api.stages).items()
    }
    return ApiView(
        id=api.id,
        name=api.name,
        protocol=REST,
        region=region,
        account=account,
        routes=tuple(routes),
        stages=MappingProxyType(stages),
        binary_media_types=tuple(api.binaryMediaTypes or ()),
        authorizers=MappingProxyType(
            {key: _frozen(value.to_json()) for key, value in dict(api.authorizers).items()}
        ),
        api_key_source=str(api.api_key_source or "HEADER"),
        disable_execute_api_endpoint=bool(api.disableExecuteApiEndpoint),
        gateway_responses=MappingProxyType(
            {key: _frozen(value.to_json()) for key, value in dict(api.gateway_responses).items()}
        ),
        request_validators=MappingProxyType(
            {
                key: _frozen(
                    {
                        "name": value.name,
                        "validateRequestBody": bool(value.validate_request_body),
                        "validateRequestParameters": bool(value.validate_request_parameters),
                    }
                )
                for key, value in dict(api.request_validators).items()
            }
        ),
        models=MappingProxyType(
            {key: _frozen(value.to_json()) for key, value in dict(api.models).items()}
        ),
    )


def _rest_integration(resource_id: str, method: str, integration: Any) -> IntegrationView:
    timeout = integration.timeout_in_millis
    return IntegrationView(
        id=f"{resource_id}/{method}",
        type=str(integration.integration_type or "").upper(),
        uri=str(integration.uri or ""),
        payload_format_version="1.0",
        timeout_ms=int(timeout) if timeout else None,
        method=integration.http_method,
        credentials=integration.credentials,
        request_parameters=_frozen(integration.request_parameters),
        request_templates=_frozen(integration.request_templates),
        content_handling=integration.content_handling,
        raw=_frozen(integration.to_json()),
    )


def http_api_from_moto(api: Any, region: str, account: str) -> ApiView:
    """A moto apigatewayv2 Api (protocol HTTP) as a view."""
    integrations = {key: _http_integration(value) for key, value in dict(api.integrations).items()}
    routes = []
    for route in dict(api.routes).values():
        target = str(route.target or "")
        integration = integrations.get(target.removeprefix("integrations/")) if target else None
        routes.append(
            RouteView(
                key=str(route.route_key),
                integration=integration,
                authorization_type=str(route.authorization_type or "NONE"),
                authorizer_id=route.authorizer_id,
                api_key_required=bool(route.api_key_required),
                authorization_scopes=tuple(route.authorization_scopes or ()),
                id=route.route_id,
            )
        )
    stages = {
        name: StageView(name, _frozen(stage.stage_variables))
        for name, stage in dict(api.stages).items()
    }
    return ApiView(
        id=api.api_id,
        name=api.name,
        protocol=HTTP,
        region=region,
        account=account,
        routes=tuple(routes),
        stages=MappingProxyType(stages),
        cors=_frozen(api.cors_configuration) if api.cors_configuration else None,
        authorizers=MappingProxyType(
            {key: _frozen(value.to_json()) for key, value in dict(api.authorizers).items()}
        ),
        disable_execute_api_endpoint=bool(api.disable_execute_api_endpoint),
    )


def _http_integration(integration: Any) -> IntegrationView:
    return IntegrationView(
        id=integration.id,
        type=str(integration.integration_type or "").upper(),
        uri=str(integration.integration_uri or ""),
        payload_format_version=str(integration.payload_format_version or "2.0"),
        timeout_ms=integration.timeout_in_millis,
        subtype=integration.integration_subtype,
        method=integration.integration_method,
        credentials=integration.credentials_arn,
        request_parameters=_frozen(integration.request_parameters),
        request_templates=_frozen(integration.request_templates),
        content_handling=integration.content_handling_strategy,
    )


@dataclass(frozen=True, slots=True)
class ApiKeysView:
    """REST API keys and usage plans of one region, as moto describes them (GetApiKey's and
    GetUsagePlan's fields; ``plan_keys`` maps a plan id to the ids of its keys)."""

    keys: tuple[Mapping[str, Any], ...] = ()
    plans: tuple[Mapping[str, Any], ...] = ()
    plan_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def api_keys_from_moto(backend: Any) -> ApiKeysView:
    """A moto apigateway backend's keys and usage plans (values included, as AWS stores them)."""
    return ApiKeysView(
        keys=tuple(_frozen(key.to_json()) for key in dict(backend.keys).values()),
        plans=tuple(_frozen(plan.to_json()) for plan in dict(backend.usage_plans).values()),
        plan_keys=MappingProxyType(
            {plan: tuple(dict(keys)) for plan, keys in dict(backend.usage_plan_keys).items()}
        ),
    )
