"""OpenAPI definitions of APIs: read them, check them, and list the operations they declare.

SAM's ``DefinitionBody`` / ``DefinitionUri`` and CloudFormation's ``Body`` carry an OpenAPI 3 or
Swagger 2 document whose operations name their integration in ``x-amazon-apigateway-integration``.
``inline_definitions`` runs while planning, before the SAM transform: a local ``DefinitionUri``
file is read and inlined (as ``sam package`` does), a document given as text is parsed, and a
document that is not OpenAPI fails the plan naming its resource. The API kinds then apply each
``Operation``; ``unapplied_extensions`` lists what inside a document they would not apply.
"""

from __future__ import annotations

import copy
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from localcloud.deploy import openapi_validation
from localcloud.deploy.errors import DeployError, TemplateError

# OpenAPI's operation keys, and API Gateway's catch-all method.
_METHODS = {
    "get": "GET",
    "put": "PUT",
    "post": "POST",
    "delete": "DELETE",
    "options": "OPTIONS",
    "head": "HEAD",
    "patch": "PATCH",
    "x-amazon-apigateway-any-method": "ANY",
}
INTEGRATION = "x-amazon-apigateway-integration"
# API Gateway extensions applied: the integration of each operation, binary media types, HTTP
# APIs' CORS and REST APIs' API key source (openapi_access.py reads the last two); REST request
# validation (openapi_validation.py).
_APPLIED_TOP = {
    "x-amazon-apigateway-binary-media-types",
    "x-amazon-apigateway-cors",
    "x-amazon-apigateway-api-key-source",
    "x-amazon-apigateway-gateway-responses",
}
# REST APIs' request validation (HTTP APIs have none): what ``validation=True`` applies.
_VALIDATION_TOP = {openapi_validation.VALIDATORS, openapi_validation.VALIDATOR}
_VALIDATION_OPERATION = {openapi_validation.VALIDATOR}
# Integration keys the integrations apply (Lambda proxy, mock, AWS services, first-class).
_INTEGRATION_KEYS = {
    "type",
    "uri",
    "httpMethod",
    "payloadFormatVersion",
    "timeoutInMillis",
    "passthroughBehavior",
    "responses",
    "requestTemplates",
    "requestParameters",
    "credentials",
    "integrationSubtype",
    "connectionType",
    # No cache runs locally: every request reaches its integration (SAM's RequestParameters
    # Caching writes these).
    "cacheKeyParameters",
    "cacheNamespace",
}
# Integration types the API kinds apply (http_proxy: to a loopback URL only).
_INTEGRATION_TYPES = {"aws_proxy", "mock", "aws", "http_proxy"}
# What SAM's resource types call their document.
_DEFINITION = {
    "AWS::Serverless::Api": ("DefinitionBody", "DefinitionUri"),
    "AWS::Serverless::HttpApi": ("DefinitionBody", "DefinitionUri"),
    "AWS::ApiGateway::RestApi": ("Body", None),
    "AWS::ApiGatewayV2::Api": ("Body", None),
}


@dataclass(frozen=True)
class Operation:
    """One method on one path and the integration it declares."""

    path: str  # "/users/{id}", or "$default" (HTTP APIs)
    method: str  # GET, ..., ANY
    integration: dict[str, Any]

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


def parse_definition(text: str, where: str) -> dict[str, Any]:
    """An OpenAPI document given as JSON or YAML text; ``where`` names it in errors."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{where} is not valid OpenAPI (JSON or YAML): {exc}") from exc
    check_definition(document, where)
    return document  # type: ignore[no-any-return]


def check_definition(document: Any, where: str) -> None:
    """Raise TemplateError unless ``document`` has the shape of an OpenAPI document."""
    if not isinstance(document, dict):
        raise TemplateError(
            f"{where} is not an OpenAPI document: expected a mapping with 'openapi' or "
            f"'swagger' and 'paths', got {type(document).__name__}"
        )
    if "openapi" not in document and "swagger" not in document:
        raise TemplateError(f"{where} is not an OpenAPI document: it has no 'openapi' or 'swagger'")
    paths = document.get("paths", {})
    if not isinstance(paths, dict) or not all(isinstance(v, dict) for v in paths.values()):
        raise TemplateError(
            f"{where} is not a valid OpenAPI document: 'paths' must map each path to its operations"
        )


def inline_definitions(template: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """A copy of ``template`` with API definitions read, parsed and checked (see module doc)."""
    template = copy.deepcopy(template)
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") not in _DEFINITION:
            continue
        body_key, uri_key = _DEFINITION[resource["Type"]]
        properties = resource.get("Properties")
        if not isinstance(properties, dict):
            continue
        where = f"resource {logical_id!r} ({resource['Type']})"
        uri = properties.get(uri_key) if uri_key else None
        if isinstance(uri, str) and not uri.startswith("s3://"):
            path = (base_dir / uri).resolve()
            if not path.is_file():
                raise TemplateError(
                    f"{where}: {uri_key} {uri!r} points to {path}, which does not exist "
                    f"(paths are relative to the template folder {base_dir})"
                )
            properties[body_key] = parse_definition(path.read_text(), f"{where}: {uri_key} {uri!r}")
            del properties[uri_key]
            continue
        body = properties.get(body_key)
        if isinstance(body, str):
            properties[body_key] = parse_definition(body, f"{where}: {body_key}")
        elif isinstance(body, dict) and not _intrinsic(body):
            check_definition(body, f"{where}: {body_key}")
    return template


def _intrinsic(value: dict[str, Any]) -> bool:
    return len(value) == 1 and str(next(iter(value))).startswith(("Fn::", "Ref"))


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    """Every operation of the document, in its order."""
    for path, item in (document.get("paths") or {}).items():
        for key, operation in item.items():
            method = _METHODS.get(str(key).lower())
            if method is None or not isinstance(operation, dict):
                continue
            yield Operation(str(path), method, dict(operation.get(INTEGRATION) or {}))


def binary_media_types(document: dict[str, Any]) -> list[str]:
    return list(document.get("x-amazon-apigateway-binary-media-types") or [])


def unapplied_extensions(document: Any, prefix: str, validation: bool = False) -> list[str]:
    """Paths inside an OpenAPI document the API kinds would not apply: API Gateway extensions
    other than those applied, integration types and keys not served, request validation that
    names no validator or model (openapi_validation.problems). ``validation``: the document is a
    REST API's, whose kind applies request validation."""
    if not isinstance(document, dict):
        return []
    stray: list[str] = []
    applied_top = _APPLIED_TOP | _VALIDATION_TOP if validation else _APPLIED_TOP
    applied_operation = {INTEGRATION} | (_VALIDATION_OPERATION if validation else set())
    for key in document:
        if str(key).startswith("x-amazon-apigateway-") and key not in applied_top:
            stray.append(f"{prefix}.{key}")
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for key, operation in item.items():
            if str(key).lower() not in _METHODS or not isinstance(operation, dict):
                continue
            where = f"{prefix}.paths.{path}.{key}"
            for extension in operation:
                if (
                    str(extension).startswith("x-amazon-apigateway-")
                    and extension not in applied_operation
                ):
                    stray.append(f"{where}.{extension}")
            integration = operation.get(INTEGRATION)
            if not isinstance(integration, dict):
                stray.append(f"{where} (no {INTEGRATION})")
                continue
            kind = str(integration.get("type", "")).lower()
            if kind not in _INTEGRATION_TYPES:
                stray.append(f"{where}.{INTEGRATION}.type={integration.get('type')!r}")
            if kind == "http_proxy":
                stray.extend(
                    f"{where}.{INTEGRATION}.{problem}"
                    for problem in http_proxy_problems(
                        integration.get("uri"), integration.get("connectionType")
                    )
                )
            stray.extend(
                f"{where}.{INTEGRATION}.{name}"
                for name in integration
                if name not in _INTEGRATION_KEYS
            )
    if validation:
        stray.extend(openapi_validation.problems(document, prefix, _operations_of(document)))
    return stray


def _operations_of(document: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(path, method, key as written, operation) of each operation in the document."""
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for key, operation in item.items():
            method = _METHODS.get(str(key).lower())
            if method is not None and isinstance(operation, dict):
                yield str(path), method, str(key), operation


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def http_proxy_problems(uri: Any, connection_type: Any = None) -> list[str]:
    """Why an HTTP_PROXY integration cannot be served here (empty: it can). Only an http:// URL
    on this machine is served: nothing leaves it. A URL not known yet (an intrinsic function) is
    checked when it is applied; one a stage variable names, per request."""
    problems = []
    if connection_type and str(connection_type).upper() != "INTERNET":
        problems.append(f"connectionType={connection_type!r} (VPC links are not served locally)")
    if isinstance(uri, str) and "${stageVariables." not in uri:
        parts = urlsplit(uri)
        if parts.scheme != "http" or not _is_loopback(parts.hostname or ""):
            problems.append(
                f"uri={uri!r}: HTTP_PROXY integrations are served to an http:// URL on this "
                "machine only (http://127.0.0.1:{port}/... or http://localhost:{port}/...), "
                "since nothing leaves it; point the integration at a local server"
            )
    return problems


def require_loopback(uri: Any, where: str) -> str:
    """``uri`` (resolved) if an HTTP_PROXY integration to it can be served, else DeployError."""
    problems = http_proxy_problems(str(uri))
    if problems:
        raise DeployError(f"{where}: {problems[0]}")
    return str(uri)


def as_text(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True)
