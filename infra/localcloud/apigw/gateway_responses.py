"""REST APIs' gateway responses: an API's own status, headers and body for API Gateway's refusals.

A template customizes a refusal by its type (the access refusals ``UNAUTHORIZED``,
``ACCESS_DENIED``, ``AUTHORIZER_CONFIGURATION_ERROR``, ``INVALID_API_KEY``, ``THROTTLED``,
``QUOTA_EXCEEDED``, an unsigned IAM request's ``MISSING_AUTHENTICATION_TOKEN``; the core's own
``MISSING_AUTHENTICATION_TOKEN`` for an unknown route, ``REQUEST_TOO_LARGE``,
``INTEGRATION_FAILURE``, ``INTEGRATION_TIMEOUT``, ``API_CONFIGURATION_ERROR``; request
validation's ``BAD_REQUEST_PARAMETERS`` and ``BAD_REQUEST_BODY``, whose templates also see
``$context.error.validationErrorString``) or by its class
(``DEFAULT_4XX``, ``DEFAULT_5XX``): SAM's ``GatewayResponses``, a body's
``x-amazon-apigateway-gateway-responses``, ``AWS::ApiGateway::GatewayResponse``. The usual use
is CORS headers on a 401, so a browser can read it. Header values are static (``'*'``) or name a
request header, query string, path parameter, stage or context variable; a response template is
VTL seeing ``$context.error.message``, ``messageString`` and ``responseType``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from localcloud.apigw import vtl
from localcloud.apigw.denials import Denial
from localcloud.apigw.mapping import MappedRequest, rest_value
from localcloud.apigw.model import Answer

_HEADER = "gatewayresponse.header."


def configured_for(responses: Mapping[str, Mapping[str, Any]], denial: Denial) -> Any:
    """The gateway response that applies to ``denial``: its type's, else its class's."""
    if not denial.response_type:
        return None
    fallback = "DEFAULT_4XX" if denial.status < 500 else "DEFAULT_5XX"
    return responses.get(denial.response_type) or responses.get(fallback)


def reword(
    responses: Mapping[str, Mapping[str, Any]],
    answer: Answer,
    request: Callable[[], MappedRequest],
) -> Answer:
    """``answer``, one of API Gateway's own refusals (``answer.response_type``), as the API's
    gateway responses word it; any other answer (an integration's) as it is."""
    if not answer.response_type or not responses:
        return answer
    try:
        body = json.loads(answer.body) if answer.body else None
    except ValueError:
        body = None
    denial = Denial(
        answer.status,
        body,
        tuple((k, v) for k, v in answer.headers if k.lower() != "content-type"),
        reason=answer.reason,
        response_type=answer.response_type,
    )
    if configured_for(responses, denial) is None:
        return answer
    status, headers, rendered = customize(responses, denial, request())
    return Answer(status, tuple(headers), rendered)


def customize(
    responses: Mapping[str, Mapping[str, Any]], denial: Denial, request: MappedRequest
) -> tuple[int, list[tuple[str, str]], bytes]:
    """The refusal as the API's gateway responses word it (AWS's default where none applies)."""
    configured = configured_for(responses, denial)
    headers = denial.all_headers()
    body = denial.body_bytes()
    if configured is None:
        return denial.status, headers, body
    status = int(configured.get("statusCode") or denial.status)
    for target, source in (configured.get("responseParameters") or {}).items():
        if not str(target).startswith(_HEADER):
            continue
        name = str(target)[len(_HEADER) :]
        try:
            value = rest_value(str(source), request)
        except ValueError:
            value = None
        if value is not None:
            headers = [(k, v) for k, v in headers if k.lower() != name.lower()]
            headers.append((name, value))
    templates = configured.get("responseTemplates") or {}
    template = templates.get("application/json") or next(iter(templates.values()), None)
    if template:
        message = _message(denial.body)
        context = {
            **request.context,
            "error": {
                "message": message,
                "messageString": json.dumps(message),
                "responseType": denial.response_type,
                **_validation_error(denial),
            },
        }
        rendered = vtl.render(template, vtl.Input(""), context, request.stage_variables)
        body = rendered.text.encode()
    return status, headers, body


def _validation_error(denial: Denial) -> dict[str, str]:
    """``validationErrorString`` for request validation's refusals (validation.py's reasons);
    other denials' reasons are the local cloud's own words, never sent."""
    if denial.response_type in ("BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS"):
        return {"validationErrorString": denial.reason}
    return {}


def _message(body: Any) -> str | None:
    if isinstance(body, dict):
        value = body.get("message", body.get("Message"))
        return None if value is None else str(value)
    return None
