"""Integrations without a function, as pipeline steps: REST ``AWS`` and ``MOCK`` integrations and
HTTP APIs' first-class (subtype) integrations.

The service request an integration makes (service_integrations.py) is sent through the local
cloud's own gateway, as a handler's boto3 call would be over its call pipe, carrying the API
request's trace header: a ``SendMessage`` from an API is a ``publish`` hop under the request, and
whatever the message then causes hangs below it. A misconfigured integration (an unsupported
subtype, a template that fails, a parameter the request does not give) answers AWS's 500 and
logs what is wrong; the API keeps serving.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from localcloud.apigw import payloads, steps
from localcloud.apigw.mapping import MappedRequest
from localcloud.apigw.model import HTTP, Answer, ApiRequest, ApiView, Match, StageView
from localcloud.apigw.service_integrations import (
    HttpAnswer,
    IntegrationConfigError,
    IntegrationResponse,
    RestIntegration,
    ServiceAnswer,
    ServiceCall,
    http_service_answer,
    http_service_call,
    rest_integration,
)
from localcloud.apigw.vtl import TemplateError
from localcloud.engine.callframe import Answered, Call
from localcloud.trace import TraceContext

log = logging.getLogger(__name__)

PipeCall = Callable[[Call], Answered]


class ServiceIntegrations:
    """Registers the steps; sends service calls through the gateway once connected."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self._serve: PipeCall | None = None

    def connect(self, serve_call: PipeCall) -> None:
        """The gateway's call door (``Gateway.serve_call``), built after this."""
        self._serve = serve_call

    def install(self, pipeline: steps.Steps) -> None:
        pipeline.register_integration("AWS", self.rest)
        pipeline.register_integration("MOCK", self.rest)
        pipeline.register_integration(steps.FIRST_CLASS, self.first_class)

    # -- steps ---------------------------------------------------------------------------------
    def rest(self, call: steps.IntegrationCall) -> Answer:
        integration = _rest_integration(call)
        request = mapped_request(call)
        try:
            answer = rest_integration(
                integration, request, lambda c: self.send(c, call.trace), call.region
            )
        except (IntegrationConfigError, TemplateError, ValueError) as exc:
            log.warning("API %s route %s: %s", call.api.id, call.match.route.key, exc)
            return payloads.internal_error(call.api.protocol)
        return _answer(answer)

    def first_class(self, call: steps.IntegrationCall) -> Answer:
        subtype = str(call.integration.subtype)
        parameters = {str(k): str(v) for k, v in call.integration.request_parameters.items()}
        try:
            service_call = http_service_call(subtype, parameters, mapped_request(call), call.region)
        except (IntegrationConfigError, ValueError) as exc:
            log.warning("API %s route %s: %s", call.api.id, call.match.route.key, exc)
            return payloads.internal_error(HTTP)
        return _answer(http_service_answer(self.send(service_call, call.trace)))

    # -- the gateway -----------------------------------------------------------------------------
    def send(self, call: ServiceCall, context: TraceContext) -> ServiceAnswer:
        """Answer ``call`` through the gateway, as under the request's trace."""
        if self._serve is None:
            raise IntegrationConfigError("service integrations are not connected to the gateway")
        url = f"{self.endpoint_url}{call.path}" + (f"?{call.query}" if call.query else "")
        day = time.strftime("%Y%m%d", time.gmtime())
        headers = [(k, v) for k, v in call.headers.items() if k.lower() != "host"]
        headers += [
            ("host", urlsplit(self.endpoint_url).netloc),
            (
                "authorization",
                f"AWS4-HMAC-SHA256 Credential=apigateway/{day}/{call.region}/{call.service}/"
                "aws4_request, SignedHeaders=host, Signature=0",
            ),
            ("x-amzn-trace-id", context.header()),
            ("user-agent", "AmazonAPIGateway"),
        ]
        answer = self._serve(Call(call.method, url, headers, call.body))
        return ServiceAnswer(
            answer.status, [(str(k), str(v)) for k, v in answer.headers], answer.body
        )


def mapped_request(call: steps.IntegrationCall) -> MappedRequest:
    """What parameter mappings and templates read of the request."""
    return mapped(call.api, call.match, call.stage, call.request, call.authorizer, call.identity)


def mapped(
    api: ApiView,
    match: Match | None,
    stage: StageView | None,
    request: ApiRequest,
    authorizer_context: Mapping[str, Any] | None,
    identity: Mapping[str, Any] | None = None,
) -> MappedRequest:
    """What parameter mappings and templates read of ``request`` (``$context.identity`` with
    what the authorizer step learnt of the caller). No ``match`` or ``stage``: a request refused
    before it was routed (its gateway response sees no resource or route)."""
    headers = {k.lower(): v for k, v in request.headers}
    authorizer = dict(authorizer_context or {})
    context: dict[str, Any] = {
        "accountId": api.account,
        "apiId": api.id,
        "domainName": request.host,
        "httpMethod": request.method,
        "path": request.path,
        "protocol": request.protocol,
        "requestId": request.request_id,
        "extendedRequestId": request.request_id,
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(request.received)),
        "requestTimeEpoch": int(request.received * 1000),
        "resourceId": match.route.id if match else None,
        "resourcePath": match.route.path if match else None,
        "routeKey": match.route.key if match else None,
        "stage": stage.name if stage else request.stage,
        "identity": {
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent"),
            **(identity or {}),
        },
        "authorizer": authorizer,
    }
    return MappedRequest(
        method=request.method,
        path=unquote(request.path),
        headers=headers,
        query=dict(parse_qsl(request.query, keep_blank_values=True)),
        path_params=dict(match.path_parameters) if match else {},
        body=request.body.decode(errors="replace"),
        context=context,
        stage_variables=dict(stage.variables) if stage else {},
    )


def _rest_integration(call: steps.IntegrationCall) -> RestIntegration:
    view = call.integration
    raw = view.raw
    responses = tuple(
        IntegrationResponse(
            status_code=str(item.get("statusCode") or status),
            selection_pattern=item.get("selectionPattern") or None,
            response_parameters=dict(item.get("responseParameters") or {}),
            response_templates=dict(item.get("responseTemplates") or {}),
        )
        for status, item in dict(raw.get("integrationResponses") or {}).items()
    )
    return RestIntegration(
        type=view.type,
        uri=view.uri,
        http_method=str(view.method or "POST"),
        request_parameters={str(k): str(v) for k, v in view.request_parameters.items()},
        request_templates=dict(view.request_templates),
        passthrough_behavior=str(raw.get("passthroughBehavior") or "WHEN_NO_MATCH"),
        responses=responses,
    )


def _answer(answer: HttpAnswer) -> Answer:
    headers = [(k, v) for k, v in answer.headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(answer.body))))
    return Answer(answer.status, tuple(headers), answer.body)
