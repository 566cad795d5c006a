"""What a Lambda proxy integration sends and how its answer comes back, as AWS shapes both. Pure.

- ``rest_event``: payload format 1.0 (REST APIs, and HTTP API integrations that choose 1.0):
  single- and multi-value headers and query strings, ``null`` for what is absent.
- ``http_event``: payload format 2.0 (HTTP APIs): lower-case headers and query values joined by
  commas, ``cookies`` apart, ``rawPath``/``rawQueryString``, absent fields left out.
- ``rest_response`` / ``http_response``: the function's JSON back to an HTTP answer; 1.0 must
  be a proxy response, 2.0 infers one from any other JSON (200, application/json, the JSON as
  the body). A response that cannot be mapped raises ``MalformedResponseError``.
- AWS's own error answers, per API protocol (REST words them in sentence case, with a space
  after the colon; HTTP APIs in title case, compact).

Bodies travel as text unless they are binary: REST treats a body as binary when its
Content-Type is one of the API's binary media types, HTTP APIs whenever it is not text.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from localcloud.apigw.errors import MalformedResponseError
from localcloud.apigw.model import (
    DEFAULT_STAGE,
    HTTP,
    REST,
    Answer,
    ApiRequest,
    ApiView,
    Match,
    StageView,
)

# Quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
REST_TIMEOUT_MS = 29_000
HTTP_TIMEOUT_MS = 30_000

_V1_RESPONSE_KEYS = frozenset(
    {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
)
_V2_RESPONSE_KEYS = frozenset(
    {"statusCode", "headers", "cookies", "body", "isBase64Encoded", "multiValueHeaders"}
)
_TEXT_TYPES = (
    "application/json",
    "application/xml",
    "application/javascript",
    "application/ld+json",
)


# -- AWS's answers --------------------------------------------------------------------------
def _message(
    protocol: str, status: int, rest: str, http: str, error_type: str = "", response_type: str = ""
) -> Answer:
    if protocol == REST:
        answer = Answer.json(status, {"message": rest}, compact=False)
        answer = replace(answer, response_type=response_type)
        return answer.with_headers((("x-amzn-ErrorType", error_type),)) if error_type else answer
    return Answer.json(status, {"message": http})


def not_found(protocol: str) -> Answer:
    """No route: REST's 403 Missing Authentication Token, HTTP APIs' 404."""
    return _message(
        protocol,
        403 if protocol == REST else 404,
        "Missing Authentication Token",
        "Not Found",
        "MissingAuthenticationTokenException",
        "MISSING_AUTHENTICATION_TOKEN",
    )


def integration_failure(protocol: str) -> Answer:
    """A function error or a response that is not a proxy response."""
    return _message(
        protocol,
        502 if protocol == REST else 500,
        "Internal server error",
        "Internal Server Error",
        response_type="INTEGRATION_FAILURE",
    )


def internal_error(protocol: str) -> Answer:
    """The API is misconfigured (no integration, no such function, an unknown type)."""
    return _message(
        protocol,
        500,
        "Internal server error",
        "Internal Server Error",
        response_type="API_CONFIGURATION_ERROR",
    )


def timed_out(protocol: str) -> Answer:
    return _message(
        protocol,
        504,
        "Endpoint request timed out",
        "Service Unavailable",
        response_type="INTEGRATION_TIMEOUT",
    )


def too_large(protocol: str) -> Answer:
    return _message(
        protocol,
        413,
        "Request Too Long",
        "Request Entity Too Large",
        response_type="REQUEST_TOO_LARGE",
    )


# -- request bodies -------------------------------------------------------------------------
def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_binary_for_rest(content_type: str | None, binary_media_types: tuple[str, ...]) -> bool:
    """Whether a REST API passes a body of this type base64-encoded (its binaryMediaTypes)."""
    media = _media_type(content_type)
    for pattern in binary_media_types:
        pattern = pattern.replace("~1", "/").lower()  # the API stores "/" as "~1"
        if pattern == "*/*" or pattern == media:
            return True
        if pattern.endswith("/*") and media.startswith(pattern[:-1]):
            return True
    return False


def is_text_for_http(content_type: str | None, body: bytes) -> bool:
    """Whether an HTTP API passes a body as text (else base64): text types and JSON/XML."""
    media = _media_type(content_type)
    if not media:
        try:
            body.decode()
        except UnicodeDecodeError:
            return False
        return True
    return media.startswith("text/") or media in _TEXT_TYPES or media.endswith(("+json", "+xml"))


def _body(body: bytes, binary: bool) -> tuple[str | None, bool]:
    if not body:
        return None, False
    if binary:
        return base64.b64encode(body).decode(), True
    return body.decode(errors="replace"), False


# -- events ---------------------------------------------------------------------------------
def _request_time(received: float) -> str:
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(received))


def _domain(api: ApiView) -> tuple[str, str]:
    return f"{api.id}.execute-api.{api.region}.amazonaws.com", api.id


def _query_pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True) if query else []


def _stage_path(stage: str, path: str) -> str:
    return path if stage == DEFAULT_STAGE else f"/{stage}{path}"


def rest_event(
    api: ApiView,
    match: Match,
    stage: StageView,
    request: ApiRequest,
    authorizer: Mapping[str, Any] | None = None,
    identity: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Payload format 1.0 for ``request`` through ``match.route``; ``identity`` fills
    requestContext.identity's fields an authorizer step learnt (IAM signer, API key)."""
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in _query_pairs(request.query):
        query[name] = value
        multi_query.setdefault(name, []).append(value)
    binary = is_binary_for_rest(request.header("content-type"), api.binary_media_types)
    body, encoded = _body(request.body, binary)
    domain, prefix = _domain(api)
    route = match.route
    context: dict[str, Any] = {
        "resourceId": route.id,
        "resourcePath": route.path or "/",
        "httpMethod": request.method,
        "extendedRequestId": request.request_id,
        "requestTime": _request_time(request.received),
        "path": _stage_path(stage.name, request.path),
        "accountId": api.account,
        "protocol": request.protocol,
        "stage": stage.name,
        "domainPrefix": prefix,
        "requestTimeEpoch": int(request.received * 1000),
        "requestId": request.request_id,
        "identity": {
            "cognitoIdentityPoolId": None,
            "accountId": None,
            "cognitoIdentityId": None,
            "caller": None,
            "sourceIp": request.source_ip,
            "principalOrgId": None,
            "accessKey": None,
            "cognitoAuthenticationType": None,
            "cognitoAuthenticationProvider": None,
            "userArn": None,
            "userAgent": request.header("user-agent"),
            "user": None,
            **(identity or {}),
        },
        "domainName": domain,
        "apiId": api.id,
    }
    if api.protocol == HTTP:  # payload 1.0 on an HTTP API names its route
        context["routeKey"] = route.key
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    event: dict[str, Any] = {
        "resource": route.path or "/",
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(match.path_parameters) or None,
        "stageVariables": dict(stage.variables) or None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": encoded,
    }
    if api.protocol == HTTP:
        event = {"version": "1.0", **event}
    return event


def http_event(
    api: ApiView,
    match: Match,
    stage: StageView,
    request: ApiRequest,
    authorizer: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Payload format 2.0 for ``request`` through ``match.route``."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        lower = name.lower()
        if lower == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        headers[lower] = f"{headers[lower]},{value}" if lower in headers else value
    query: dict[str, str] = {}
    for name, value in _query_pairs(request.query):
        query[name] = f"{query[name]},{value}" if name in query else value
    content_type = request.header("content-type")
    body, encoded = _body(request.body, not is_text_for_http(content_type, request.body))
    domain, prefix = _domain(api)
    raw_path = _stage_path(stage.name, request.path)
    context: dict[str, Any] = {
        "accountId": api.account,
        "apiId": api.id,
        "domainName": domain,
        "domainPrefix": prefix,
        "http": {
            "method": request.method,
            "path": raw_path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": request.header("user-agent") or "",
        },
        "requestId": request.request_id,
        "routeKey": match.route.key,
        "stage": stage.name,
        "time": _request_time(request.received),
        "timeEpoch": int(request.received * 1000),
    }
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": match.route.key,
        "rawPath": raw_path,
        "rawQueryString": request.query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if query:
        event["queryStringParameters"] = query
    if match.path_parameters:
        event["pathParameters"] = dict(match.path_parameters)
    if stage.variables:
        event["stageVariables"] = dict(stage.variables)
    event["requestContext"] = context
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = encoded
    return event


# -- responses ------------------------------------------------------------------------------
def _json(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise MalformedResponseError(f"the function's response is not JSON: {exc}") from exc


def _status(value: Any) -> int:
    if isinstance(value, bool):
        raise MalformedResponseError("statusCode must be an integer")
    if isinstance(value, int):
        status = value
    elif isinstance(value, str) and value.isdigit():
        status = int(value)
    else:
        raise MalformedResponseError(f"statusCode must be an integer, not {value!r}")
    if not 100 <= status <= 599:
        raise MalformedResponseError(f"statusCode {status} is not an HTTP status")
    return status


def _scalar(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise MalformedResponseError(f"header {name!r} must be a string, not {type(value).__name__}")


def _header_pairs(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    headers = document.get("headers") or {}
    multi = document.get("multiValueHeaders") or {}
    if not isinstance(headers, dict) or not isinstance(multi, dict):
        raise MalformedResponseError("headers and multiValueHeaders must be objects")
    pairs: list[tuple[str, str]] = []
    for name, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponseError(f"multiValueHeaders[{name!r}] must be a list")
        pairs.extend((name, _scalar(name, value)) for value in values)
    taken = {name.lower() for name in multi}
    pairs.extend(
        (name, _scalar(name, v)) for name, v in headers.items() if name.lower() not in taken
    )
    return pairs


def _response_body(document: Mapping[str, Any]) -> bytes:
    body = document.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponseError(f"body must be a string, not {type(body).__name__}")
    if document.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except binascii.Error as exc:
            raise MalformedResponseError("isBase64Encoded is set but body is not base64") from exc
    return body.encode()


def _with_length(status: int, pairs: list[tuple[str, str]], body: bytes) -> Answer:
    kept = [(n, v) for n, v in pairs if n.lower() not in ("content-length", "transfer-encoding")]
    kept.append(("Content-Length", str(len(body))))
    return Answer(status, tuple(kept), body)


def rest_response(payload: bytes) -> Answer:
    """A payload 1.0 proxy response as the client's answer (REST: JSON unless it says)."""
    document = _json(payload)
    if not isinstance(document, dict):
        raise MalformedResponseError("a proxy response must be a JSON object")
    stray = set(document) - _V1_RESPONSE_KEYS
    if stray:
        raise MalformedResponseError(f"a proxy response has no field {sorted(stray)[0]!r}")
    if "statusCode" not in document:
        raise MalformedResponseError("a proxy response needs a statusCode")
    pairs = _header_pairs(document)
    if not any(name.lower() == "content-type" for name, _ in pairs):
        pairs.insert(0, ("Content-Type", "application/json"))
    return _with_length(_status(document["statusCode"]), pairs, _response_body(document))


def http_response(payload: bytes) -> Answer:
    """A payload 2.0 response: a proxy response when it has statusCode, else inferred."""
    document = _json(payload)
    if not isinstance(document, dict) or "statusCode" not in document:
        body = document.encode() if isinstance(document, str) else payload
        return _with_length(200, [("Content-Type", "application/json")], body)
    pairs = _header_pairs(document)
    cookies = document.get("cookies") or []
    if not isinstance(cookies, list):
        raise MalformedResponseError("cookies must be a list of strings")
    pairs.extend(("Set-Cookie", _scalar("Set-Cookie", cookie)) for cookie in cookies)
    return _with_length(_status(document["statusCode"]), pairs, _response_body(document))


def response_for(version: str, protocol: str, payload: bytes) -> Answer:
    """The answer for a function's payload under the integration's payload format version."""
    if version == "2.0" and protocol == HTTP:
        return http_response(payload)
    return rest_response(payload)


def event_for(
    version: str,
    api: ApiView,
    match: Match,
    stage: StageView,
    request: ApiRequest,
    authorizer: Mapping[str, Any] | None,
    identity: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``identity``: requestContext.identity's fields known of the caller (payload 1.0)."""
    if version == "2.0" and api.protocol == HTTP:
        return http_event(api, match, stage, request, authorizer)
    return rest_event(api, match, stage, request, authorizer, identity)
