"""Request validation inside OpenAPI definitions of REST APIs, as the RestApi kind applies it.

SAM writes an ``Api`` event's ``RequestModel`` and ``RequestParameters`` into its API's
definition: the validators in ``x-amazon-apigateway-request-validators`` (name ->
``validateRequestBody`` / ``validateRequestParameters``), the one each operation uses in its
``x-amazon-apigateway-request-validator`` (or the document's, for every operation), the
parameters it requires in ``parameters`` (``in``: query, header, path; ``required``), its body's
model in a Swagger ``in: body`` parameter or an OpenAPI 3 ``requestBody``, and the models
themselves in ``definitions`` / ``components.schemas``. This module reads those parts; the kind
turns them into CreateModel, CreateRequestValidator and PutMethod's ``requestParameters``,
``requestModels`` and ``requestValidatorId``. ``problems`` names what it would not apply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import SchemaError

VALIDATORS = "x-amazon-apigateway-request-validators"
VALIDATOR = "x-amazon-apigateway-request-validator"
_VALIDATOR_KEYS = {"validateRequestBody", "validateRequestParameters"}
# OpenAPI's parameter locations as API Gateway's method request parameters name them.
_LOCATIONS = {"query": "querystring", "header": "header", "path": "path"}
_LOCAL_MODEL = re.compile(r"^#/(?:definitions|components/schemas)/([^/]+)$")
_MODEL_URL = "https://apigateway.amazonaws.com/restapis/{api}/models/{name}"
_DEFAULT_TYPES = ("application/json",)


@dataclass(frozen=True)
class MethodRequest:
    """What PutMethod takes for an operation's validation, and the models it defines inline
    (a body schema given in place, named here as API Gateway's import names it)."""

    validator: str | None = None
    parameters: dict[str, bool] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)  # content type -> model name
    inline: dict[str, dict[str, Any]] = field(default_factory=dict)


def models(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document's models by name (Swagger's ``definitions``, OpenAPI 3's schemas)."""
    components = document.get("components") or {}
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return {**dict(document.get("definitions") or {}), **dict(schemas or {})}


def validators(document: Mapping[str, Any]) -> dict[str, dict[str, bool]]:
    """The validators by name, as CreateRequestValidator takes them."""
    declared = document.get(VALIDATORS) or {}
    if not isinstance(declared, dict):
        return {}
    return {
        str(name): {key: bool(spec.get(key)) for key in sorted(_VALIDATOR_KEYS)}
        for name, spec in declared.items()
        if isinstance(spec, dict)
    }


def model_schema(schema: Mapping[str, Any], api_id: str) -> str:
    """A model's schema as API Gateway keeps it: references to models by their model URL."""
    return json.dumps(_rewrite(schema, api_id))


def schema_problem(schema: Any) -> str | None:
    """Why ``schema`` (text or parsed) is not a JSON Schema draft 4 document (None: it is)."""
    try:
        document = json.loads(schema) if isinstance(schema, str) else schema
    except ValueError as exc:
        return f"not JSON ({exc})"
    if not isinstance(document, dict):
        return f"expected a JSON object, got {type(document).__name__}"
    try:
        Draft4Validator.check_schema(document)
    except SchemaError as exc:
        return f"not a JSON Schema draft 4 document: {exc.message}"
    return None


def method_request(
    document: Mapping[str, Any], path: str, method: str, operation: Mapping[str, Any]
) -> MethodRequest:
    """The validation one operation declares (its path item's parameters included)."""
    item = (document.get("paths") or {}).get(path) or {}
    validator = operation.get(VALIDATOR, document.get(VALIDATOR))
    parameters: dict[str, bool] = {}
    body_schema: Any = None
    content_types: tuple[str, ...] = tuple(
        operation.get("consumes") or document.get("consumes") or _DEFAULT_TYPES
    )
    for parameter in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = _resolved(document, parameter)
        if not isinstance(parameter, dict):
            continue
        where = str(parameter.get("in", ""))
        if where in _LOCATIONS:
            name = f"method.request.{_LOCATIONS[where]}.{parameter.get('name')}"
            parameters[name] = bool(parameter.get("required")) or where == "path"
        elif where == "body":
            body_schema = parameter.get("schema")
    by_type: dict[str, Any] = {}
    if body_schema is not None:
        by_type = dict.fromkeys(content_types, body_schema)
    body = _resolved(document, operation.get("requestBody"))
    if isinstance(body, dict):
        for content_type, media in (body.get("content") or {}).items():
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                by_type[str(content_type)] = media["schema"]
    request_models: dict[str, str] = {}
    inline: dict[str, dict[str, Any]] = {}
    for content_type, schema in by_type.items():
        named = _model_name(schema)
        if named is None:
            named = _inline_name(method, path, len(inline))
            inline[named] = dict(schema)
        request_models[content_type] = named
    return MethodRequest(
        validator=str(validator) if validator is not None else None,
        parameters=parameters,
        models=request_models,
        inline=inline,
    )


def problems(document: Any, prefix: str, operations: Any) -> list[str]:
    """What of the document's request validation would not be applied, as paths inside it.
    ``operations``: (path, method, key, operation) of each operation the kind applies."""
    if not isinstance(document, dict):
        return []
    stray: list[str] = []
    declared = document.get(VALIDATORS)
    if declared is not None and not isinstance(declared, dict):
        stray.append(f"{prefix}.{VALIDATORS} (expected a map of validator names)")
    for name, spec in (declared or {}).items() if isinstance(declared, dict) else ():
        if not isinstance(spec, dict):
            stray.append(f"{prefix}.{VALIDATORS}.{name} (expected a map)")
            continue
        stray.extend(
            f"{prefix}.{VALIDATORS}.{name}.{key}" for key in spec if key not in _VALIDATOR_KEYS
        )
    known = validators(document)
    default = document.get(VALIDATOR)
    if default is not None and str(default) not in known:
        stray.append(f"{prefix}.{VALIDATOR}={default!r} (no such validator in {VALIDATORS})")
    defined = models(document)
    section = "definitions" if "definitions" in document else "components.schemas"
    for name, schema in defined.items():
        problem = schema_problem(schema) or _foreign_ref(schema, defined)
        if problem:
            stray.append(f"{prefix}.{section}.{name} ({problem})")
    for path, method, key, operation in operations:
        where = f"{prefix}.paths.{path}.{key}"
        name = operation.get(VALIDATOR)
        if name is not None and str(name) not in known:
            stray.append(f"{where}.{VALIDATOR}={name!r} (no such validator in {VALIDATORS})")
        request = method_request(document, path, method, operation)
        for content_type, model in request.models.items():
            if model not in defined and model not in request.inline:
                stray.append(f"{where} body model {model!r} for {content_type} (no such model)")
        for schema in request.inline.values():
            problem = schema_problem(schema) or _foreign_ref(schema, defined)
            if problem:
                stray.append(f"{where} body schema ({problem})")
        for parameter in operation.get("parameters") or []:
            if (
                isinstance(parameter, dict)
                and "$ref" in parameter
                and _resolved(document, parameter) is parameter
            ):
                stray.append(f"{where}.parameters $ref {parameter['$ref']!r} (not found)")
    return stray


def _resolved(document: Mapping[str, Any], value: Any) -> Any:
    """``value``, or what its local ``$ref`` (``#/a/b``) names; itself if that is not found."""
    if not isinstance(value, dict) or not isinstance(value.get("$ref"), str):
        return value
    ref = value["$ref"]
    if not ref.startswith("#/"):
        return value
    target: Any = document
    for part in ref[2:].split("/"):
        if not isinstance(target, dict) or part not in target:
            return value
        target = target[part]
    return target


def _model_name(schema: Any) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str):
        found = _LOCAL_MODEL.match(ref)
        if found is not None:
            return found.group(1)
        return ref  # named by the problem check
    return None


def _inline_name(method: str, path: str, index: int) -> str:
    """A model name for an inline body schema: letters and digits, as model names must be."""
    words = re.sub(r"[^A-Za-z0-9]", " ", path).title().replace(" ", "")
    return f"{method.title()}{words or 'Root'}Body{index or ''}"


def _foreign_ref(schema: Any, defined: Mapping[str, Any]) -> str | None:
    """A ``$ref`` in ``schema`` to something other than one of the document's models."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            found = _LOCAL_MODEL.match(ref)
            unknown = found is not None and found.group(1) not in defined
            if unknown or (found is None and not ref.startswith("#/")):
                return f"$ref {ref!r} names no model of the document"
        for value in schema.values():
            problem = _foreign_ref(value, defined)
            if problem:
                return problem
    elif isinstance(schema, list):
        for value in schema:
            problem = _foreign_ref(value, defined)
            if problem:
                return problem
    return None


def _rewrite(value: Any, api_id: str) -> Any:
    if isinstance(value, dict):
        out = {key: _rewrite(item, api_id) for key, item in value.items()}
        ref = value.get("$ref")
        found = _LOCAL_MODEL.match(ref) if isinstance(ref, str) else None
        if found is not None:
            out["$ref"] = _MODEL_URL.format(api=api_id, name=found.group(1))
        return out
    if isinstance(value, list):
        return [_rewrite(item, api_id) for item in value]
    return value
