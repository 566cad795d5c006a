"""Access control and non-proxy integrations inside OpenAPI definitions, as API kinds apply them.

SAM writes an API's ``Auth`` and ``Cors`` into its definition: Lambda, Cognito and JWT
authorizers as security schemes carrying ``x-amazon-apigateway-authorizer`` (Swagger's
``securityDefinitions``, OpenAPI 3's ``components.securitySchemes``), the authorizer and scopes
of each operation in its ``security`` (``api_key`` for ``ApiKeyRequired``), REST CORS as
``OPTIONS`` operations with ``mock`` integrations, HTTP API CORS as ``x-amazon-apigateway-cors``.
This module reads those parts; the kinds turn them into API Gateway calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from localcloud.deploy.errors import TemplateError

AUTHORIZER = "x-amazon-apigateway-authorizer"
API_KEY_SOURCE = "x-amazon-apigateway-api-key-source"
CORS = "x-amazon-apigateway-cors"
GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses"


@dataclass(frozen=True)
class Security:
    """What an operation's ``security`` asks for."""

    authorizer: str | None = None  # the security scheme's name
    scopes: tuple[str, ...] = ()
    api_key: bool = False
    iam: bool = False  # a SigV4 scheme (SAM's AWS_IAM): the route's authorization is AWS_IAM


@dataclass(frozen=True)
class AuthorizerSpec:
    """One authorizer a definition declares, as API Gateway's CreateAuthorizer takes it."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


def _schemes(document: Mapping[str, Any]) -> Mapping[str, Any]:
    return dict(document.get("securityDefinitions") or {}) | dict(
        (document.get("components") or {}).get("securitySchemes") or {}
    )


def _is_api_key(scheme: Any) -> bool:
    return (
        isinstance(scheme, dict)
        and AUTHORIZER not in scheme
        and str(scheme.get("type", "")).lower() == "apikey"
        and str(scheme.get("name", "")).lower() == "x-api-key"
    )


def _is_sigv4(scheme: Any) -> bool:
    return (
        isinstance(scheme, dict)
        and str(scheme.get("x-amazon-apigateway-authtype", "")).lower() == "awssigv4"
    )


def security_of(document: Mapping[str, Any], operation: Mapping[str, Any]) -> Security:
    """The authorizer, scopes and API key an operation needs (its own ``security``, else the
    document's); ``security: []`` or SAM's ``NONE`` mean none."""
    requirements = operation.get("security", document.get("security")) or []
    schemes = _schemes(document)
    authorizer: str | None = None
    scopes: tuple[str, ...] = ()
    api_key = iam = False
    for requirement in requirements:
        if not isinstance(requirement, dict):
            continue
        for name, wanted in requirement.items():
            scheme = schemes.get(name)
            if name == "NONE" and scheme is None:
                continue
            if _is_sigv4(scheme):
                iam = True
            elif _is_api_key(scheme):
                api_key = True
            elif isinstance(scheme, dict) and AUTHORIZER in scheme:
                if authorizer is not None and authorizer != name:
                    raise TemplateError(
                        f"an operation asks for two authorizers ({authorizer}, {name}); "
                        "API Gateway applies one per method or route: keep one"
                    )
                authorizer = str(name)
                scopes = tuple(str(s) for s in wanted or ())
            else:
                raise TemplateError(_unsupported_scheme(str(name), scheme))
    return Security(authorizer, scopes, api_key, iam)


def _unsupported_scheme(name: str, scheme: Any) -> str:
    """Why a security requirement cannot be applied, and what would be."""
    supported = (
        "a Lambda, Cognito or JWT authorizer (x-amazon-apigateway-authorizer), an API key "
        "(apiKey named x-api-key) or SigV4 (x-amazon-apigateway-authtype: awsSigv4)"
    )
    if scheme is None:
        return f"security requirement {name!r} names no declared security scheme; declare it"
    kind = scheme.get("type", "?") if isinstance(scheme, dict) else scheme
    return f"security scheme {name!r} ({kind}) is not one API Gateway applies; use {supported}"


def rest_authorizers(document: Mapping[str, Any]) -> list[AuthorizerSpec]:
    """The REST authorizers a Swagger/OpenAPI document declares (CreateAuthorizer arguments)."""
    specs = []
    for name, scheme in _schemes(document).items():
        if not isinstance(scheme, dict) or AUTHORIZER not in scheme:
            continue
        config = scheme[AUTHORIZER] or {}
        kind = str(config.get("type", "token")).upper()
        arguments: dict[str, Any] = {"name": str(name), "type": kind}
        if kind == "COGNITO_USER_POOLS":
            arguments["providerARNs"] = list(config.get("providerARNs") or [])
        else:
            arguments["authorizerUri"] = str(config.get("authorizerUri", ""))
        source = config.get("identitySource")
        if source is None and kind in ("TOKEN", "COGNITO_USER_POOLS"):
            source = f"method.request.header.{scheme.get('name') or 'Authorization'}"
        if source:
            arguments["identitySource"] = str(source)
        for key in (
            "authorizerResultTtlInSeconds",
            "identityValidationExpression",
            "authorizerCredentials",
        ):
            if config.get(key) is not None:
                arguments[key] = config[key]
        specs.append(AuthorizerSpec(str(name), arguments))
    return specs


def http_authorizers(document: Mapping[str, Any]) -> list[AuthorizerSpec]:
    """The HTTP API authorizers an OpenAPI 3 document declares (CreateAuthorizer arguments)."""
    specs = []
    for name, scheme in _schemes(document).items():
        if not isinstance(scheme, dict) or AUTHORIZER not in scheme:
            continue
        config = scheme[AUTHORIZER] or {}
        kind = str(config.get("type", "request")).upper()
        source = config.get("identitySource")
        sources = [source] if isinstance(source, str) else list(source or [])
        if kind == "JWT" and not sources:
            sources = ["$request.header.Authorization"]
        arguments: dict[str, Any] = {
            "Name": str(name),
            "AuthorizerType": kind,
            "IdentitySource": [s.strip() for s in ",".join(sources).split(",") if s.strip()],
        }
        if kind == "JWT":
            jwt = config.get("jwtConfiguration") or {}
            audience = jwt.get("audience") or []
            arguments["JwtConfiguration"] = {
                "Issuer": str(jwt.get("issuer", "")),
                "Audience": [audience] if isinstance(audience, str) else list(audience),
            }
        else:
            arguments["AuthorizerUri"] = str(config.get("authorizerUri", ""))
            arguments["AuthorizerPayloadFormatVersion"] = str(
                config.get("authorizerPayloadFormatVersion") or "2.0"
            )
            if config.get("enableSimpleResponses") is not None:
                arguments["EnableSimpleResponses"] = bool(config["enableSimpleResponses"])
            if config.get("authorizerResultTtlInSeconds") is not None:
                arguments["AuthorizerResultTtlInSeconds"] = int(
                    config["authorizerResultTtlInSeconds"]
                )
        specs.append(AuthorizerSpec(str(name), arguments))
    return specs


def http_cors(document: Mapping[str, Any]) -> dict[str, Any] | None:
    """An HTTP API's ``x-amazon-apigateway-cors`` as CreateApi's CorsConfiguration."""
    cors = document.get(CORS)
    if not isinstance(cors, dict):
        return None
    names = {
        "alloworigins": "AllowOrigins",
        "allowmethods": "AllowMethods",
        "allowheaders": "AllowHeaders",
        "exposeheaders": "ExposeHeaders",
        "maxage": "MaxAge",
        "allowcredentials": "AllowCredentials",
    }
    return {names[k.lower()]: v for k, v in cors.items() if k.lower() in names}


def rest_integration_arguments(integration: Mapping[str, Any]) -> dict[str, Any]:
    """PutIntegration's arguments for a non-proxy integration (``aws`` or ``mock``)."""
    kind = str(integration.get("type", "")).upper()
    arguments: dict[str, Any] = {"type": kind}
    if kind != "MOCK":
        arguments["uri"] = str(integration.get("uri", ""))
        # an HTTP proxy passes the request's own method on unless told one
        default = "ANY" if kind == "HTTP_PROXY" else "POST"
        arguments["integrationHttpMethod"] = str(integration.get("httpMethod") or default)
    for key in ("requestParameters", "requestTemplates", "passthroughBehavior", "credentials"):
        if integration.get(key):
            arguments[key] = integration[key]
    if integration.get("timeoutInMillis"):
        arguments["timeoutInMillis"] = int(integration["timeoutInMillis"])
    return arguments


def rest_integration_responses(integration: Mapping[str, Any]) -> list[dict[str, Any]]:
    """PutIntegrationResponse's arguments for each of a definition's integration responses."""
    answers = []
    for pattern, response in (integration.get("responses") or {}).items():
        if not isinstance(response, dict):
            continue
        arguments: dict[str, Any] = {"statusCode": str(response.get("statusCode", "200"))}
        if pattern != "default":
            arguments["selectionPattern"] = str(pattern)
        for key in ("responseParameters", "responseTemplates", "contentHandling"):
            if response.get(key):
                arguments[key] = response[key]
        answers.append(arguments)
    return answers


def operation_of(document: Mapping[str, Any], operation: Any) -> Mapping[str, Any]:
    """The raw operation object behind an ``openapi.Operation`` (its ``security`` included)."""
    item = (document.get("paths") or {}).get(operation.path) or {}
    for key, value in item.items():
        method = "ANY" if str(key).lower() == "x-amazon-apigateway-any-method" else str(key).upper()
        if method == operation.method and isinstance(value, dict):
            return value
    return {}


def rest_authorizer_type(document: Mapping[str, Any], name: str) -> str:
    scheme = _schemes(document).get(name) or {}
    return str((scheme.get(AUTHORIZER) or {}).get("type", "token")).upper()


def from_cloudformation(integration: Mapping[str, Any]) -> dict[str, Any]:
    """A Method resource's ``Integration`` in the definition's spelling (camelCase, responses by
    selection pattern), so both forms are applied alike."""
    responses: dict[str, Any] = {}
    for response in integration.get("IntegrationResponses") or []:
        pattern = response.get("SelectionPattern") or "default"
        responses[str(pattern)] = {
            "statusCode": str(response.get("StatusCode", "200")),
            "responseParameters": response.get("ResponseParameters") or {},
            "responseTemplates": response.get("ResponseTemplates") or {},
        }
    return {
        "type": str(integration.get("Type", "")).lower(),
        "uri": integration.get("Uri", ""),
        "httpMethod": integration.get("IntegrationHttpMethod")
        or ("ANY" if str(integration.get("Type", "")).upper() == "HTTP_PROXY" else "POST"),
        "requestParameters": integration.get("RequestParameters") or {},
        "requestTemplates": integration.get("RequestTemplates") or {},
        "passthroughBehavior": integration.get("PassthroughBehavior"),
        "credentials": integration.get("Credentials"),
        "timeoutInMillis": integration.get("TimeoutInMillis"),
        "responses": responses,
    }


def gateway_responses(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """PutGatewayResponse's arguments for each of a REST definition's gateway responses."""
    answers = []
    for response_type, response in (document.get(GATEWAY_RESPONSES) or {}).items():
        if not isinstance(response, dict):
            continue
        arguments: dict[str, Any] = {"responseType": str(response_type)}
        if response.get("statusCode"):
            arguments["statusCode"] = str(response["statusCode"])
        for key in ("responseParameters", "responseTemplates"):
            if response.get(key):
                arguments[key] = dict(response[key])
        answers.append(arguments)
    return answers
