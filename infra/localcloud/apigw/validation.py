"""REST APIs' request validation: required parameters present, the body as its model says.

A REST method names a request validator (``requestValidatorId``); the validator says whether
the method's required request parameters (``method.request.{querystring,header,path}.NAME``:
true) are checked, its body checked against the model for the request's content type, or both.
API Gateway runs it after authorization, before the integration, and refuses with 400:

- a required parameter absent or blank: ``{"message": "Missing required request parameters:
  [a, b]"}`` (gateway response type ``BAD_REQUEST_PARAMETERS``);
- a body that is not JSON or does not match the model's JSON Schema (draft 4):
  ``{"message": "Invalid request body"}`` (``BAD_REQUEST_BODY``).

The model is the one ``requestModels`` names for the request's Content-Type (application/json
when none is sent), else the one for ``$default``; with neither, the body is not checked (as on
AWS). A model may refer to another model of the API by ``$ref`` (API Gateway's model URL, or an
OpenAPI document's ``#/definitions/NAME`` / ``#/components/schemas/NAME``). The reasons are
jsonschema's wording (not AWS's), offered to gateway response templates as
``$context.error.validationErrorString``. Pure: no moto, no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

from jsonschema import Draft4Validator

from localcloud.apigw.model import HTTP, Answer, ApiRequest, ApiView, Match

BAD_REQUEST_PARAMETERS = "BAD_REQUEST_PARAMETERS"
BAD_REQUEST_BODY = "BAD_REQUEST_BODY"
DEFAULT_CONTENT_TYPE = "application/json"
ANY_CONTENT_TYPE = "$default"

_PARAMETER = re.compile(
    r"^method\.request\.(querystring|header|path|multivaluequerystring|multivalueheader)\.(.+)$"
)
_MODEL_REF = re.compile(
    r"^(?:#/definitions/|#/components/schemas/|https://apigateway\.amazonaws\.com/restapis/[^/]+/models/)([^/]+)$"
)


def missing_parameters(
    required: Iterable[str], request: ApiRequest, path_parameters: Mapping[str, str]
) -> list[str]:
    """The names of the ``required`` request parameters (``method.request.header.X`` ...) the
    request lacks or sends blank, in the order given."""
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(request.query, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    missing = []
    for parameter in required:
        found = _PARAMETER.match(parameter)
        if found is None:
            continue
        where, name = found.groups()
        if where in ("querystring", "multivaluequerystring"):
            present = any(v.strip() for v in query.get(name, ()))
        elif where in ("header", "multivalueheader"):
            present = bool((request.header(name) or "").strip())
        else:
            present = bool(path_parameters.get(name, "").strip())
        if not present:
            missing.append(name)
    return missing


def model_for(request_models: Mapping[str, str], content_type: str | None) -> str | None:
    """The model name ``requestModels`` gives the request's Content-Type (or ``$default``)."""
    media = (content_type or DEFAULT_CONTENT_TYPE).split(";", 1)[0].strip().lower()
    by_type = {key.lower(): name for key, name in request_models.items()}
    return by_type.get(media or DEFAULT_CONTENT_TYPE) or by_type.get(ANY_CONTENT_TYPE)


def body_errors(body: bytes, model: str, schemas: Mapping[str, str]) -> list[str]:
    """Why ``body`` does not match model ``model`` (empty: it does). ``schemas``: the API's
    models' JSON Schema texts by name, which the model may refer to."""
    validator = _validator(model, tuple(sorted(schemas.items())))
    try:
        document = json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, ValueError) as exc:
        return [f"the body is not JSON ({exc})"]
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [_reason(error) for error in errors]


def check(api: ApiView, match: Match, request: ApiRequest) -> Answer | None:
    """AWS's 400 for a request the method's validator refuses; None: it passes (or the method
    has no validator, or the API is an HTTP API, which has none)."""
    route = match.route
    if api.protocol == HTTP or not route.request_validator_id:
        return None
    validator = api.request_validators.get(route.request_validator_id)
    if validator is None:
        return None
    if validator.get("validateRequestParameters"):
        required = [name for name, needed in route.request_parameters.items() if needed]
        missing = missing_parameters(required, request, match.path_parameters)
        if missing:
            return _refusal(
                BAD_REQUEST_PARAMETERS,
                f"Missing required request parameters: [{', '.join(missing)}]",
                f"[Missing required request parameters: [{', '.join(missing)}]]",
            )
    if validator.get("validateRequestBody"):
        model = model_for(route.request_models, request.header("Content-Type"))
        if model is not None:
            schemas = {name: str(m.get("schema") or "{}") for name, m in api.models.items()}
            if model not in schemas:
                return None  # the deployer refuses a method naming a model the API lacks
            errors = body_errors(request.body, model, schemas)
            if errors:
                return _refusal(BAD_REQUEST_BODY, "Invalid request body", f"[{', '.join(errors)}]")
    return None


def _refusal(response_type: str, message: str, reasons: str) -> Answer:
    answer = Answer.json(400, {"message": message})
    return Answer(
        answer.status,
        (*answer.headers, ("x-amzn-ErrorType", "BadRequestException")),
        answer.body,
        response_type,
        reasons,
    )


def _reason(error: Any) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{error.message} (at /{where})" if where else str(error.message)


@lru_cache(maxsize=256)
def _validator(model: str, schemas: tuple[tuple[str, str], ...]) -> Draft4Validator:
    """One model's validator, its references to other models resolved within the document."""
    parsed = {name: _rewrite_refs(json.loads(text)) for name, text in schemas}
    root = dict(parsed[model])
    root["definitions"] = {**parsed, **(root.get("definitions") or {})}
    return Draft4Validator(root)


def _rewrite_refs(value: Any) -> Any:
    """``value`` with every reference to a model as ``#/definitions/NAME``."""
    if isinstance(value, dict):
        out = {key: _rewrite_refs(item) for key, item in value.items()}
        ref = value.get("$ref")
        if isinstance(ref, str):
            found = _MODEL_REF.match(ref)
            if found is not None:
                out["$ref"] = f"#/definitions/{found.group(1)}"
        return out
    if isinstance(value, list):
        return [_rewrite_refs(item) for item in value]
    return value
