"""The HTTP entry of API Gateway: a WSGI request to an API, through the pipeline, to an answer.

The gateway calls ``ApiDoor.serve(environ)`` before its AWS dispatch; None means the request is
not addressed to an API (see locate.py) and the gateway serves it as usual. The steps are in the
package docstring; each request is the root hop of its trace (or continues the trace its
``X-Amzn-Trace-Id`` names), so the invocation and all it causes appear under
``request apigateway:POST /users 201``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Protocol
from urllib.parse import urlsplit

from localcloud import trace
from localcloud.apigw import gateway_responses, lambda_proxy, payloads, steps, validation
from localcloud.apigw.locate import locate
from localcloud.apigw.model import (
    DEFAULT_STAGE,
    HTTP,
    Answer,
    ApiRequest,
    ApiView,
    Deny,
    Located,
    Match,
    StageView,
)
from localcloud.apigw.router import Router
from localcloud.apigw.service_steps import mapped
from localcloud.emulator import backends
from localcloud.engine.errors import FunctionNotFoundError, ThrottledError
from localcloud.trace import HopKind, Outcome, TraceContext

log = logging.getLogger(__name__)


class _Result(Protocol):
    @property
    def payload(self) -> bytes: ...

    @property
    def failed(self) -> bool: ...


class Invocations(Protocol):
    """The engine's invoker (synchronous path)."""

    def invoke(
        self,
        function: str,
        payload: bytes,
        context: TraceContext | None = None,
        wait: bool = True,
        source: str = "invoke",
    ) -> _Result: ...


class Traces(Protocol):
    def record(
        self,
        kind: HopKind,
        service: str,
        resource: str,
        *,
        context: TraceContext | None = None,
        **detail: Any,
    ) -> TraceContext: ...


class ApiDoor:
    """Serves every REST and HTTP API moto holds, on the cloud's own port."""

    def __init__(
        self,
        invoker: Invocations,
        function_timeout: Callable[[str], float],
        traces: Traces,
        region: str,
        pipeline: steps.Steps | None = None,
    ) -> None:
        """``function_timeout(name_or_arn)``: the function's Timeout in seconds (raises
        FunctionNotFoundError for a missing one). ``pipeline``: the steps access control and
        service integrations registered on (a new, bare one when not given); the door adds the
        ``AWS_PROXY`` integration to it."""
        self.steps = pipeline if pipeline is not None else steps.Steps()
        self.steps.register_integration("AWS_PROXY", lambda_proxy.integrate)
        self.invoker = invoker
        self.function_timeout = function_timeout
        self.traces = traces
        self.region = region
        # Only invocations that may outlive the integration's timeout wait on this pool.
        self._slow = ThreadPoolExecutor(max_workers=16, thread_name_prefix="apigw-wait")
        self._routers: dict[str, tuple[ApiView, Router]] = {}

    # -- entry --------------------------------------------------------------------------------
    def serve(self, environ: Mapping[str, Any]) -> Answer | None:
        """The answer to a request addressed to an API, or None: not one."""
        located = locate(str(environ.get("PATH_INFO") or "/"), environ.get("HTTP_HOST"))
        if located is None:
            return None
        started = time.time()
        request_id = str(uuid.uuid4())
        hop_id = trace.new_hop_id()
        incoming = TraceContext.parse(environ.get("HTTP_X_AMZN_TRACE_ID"))
        root = incoming or TraceContext(trace.new_root())
        here = TraceContext(root.root, hop_id)
        api, stage, path = self._resolve(located)
        method = str(environ.get("REQUEST_METHOD") or "GET").upper()
        detail: dict[str, Any] = {"api_id": located.api_id, "request_id": request_id}
        if api is None:
            answer = payloads.not_found(HTTP)
        else:
            # Too large or on no stage: refused before the body is read.
            refused = stage is None or _content_length(environ) > payloads.MAX_PAYLOAD_BYTES
            stage_name = stage.name if stage else (located.stage or "")
            request = api_request(
                environ, method, path, stage_name, request_id, started, here, not refused
            )
            match: Match | None = None
            if stage is None:
                answer = payloads.not_found(api.protocol)
            elif refused:
                answer = payloads.too_large(api.protocol)
            else:
                try:
                    answer, match = self._pipeline(api, stage, request, here, detail)
                    answer = self.steps.respond(
                        api, request, self._reword(api, match, stage, request, answer)
                    )
                except Exception:
                    # A fault of the local cloud (or of a registered step): AWS's 500, not a
                    # traceback page, and the next request is served as usual.
                    log.exception(
                        "API %s: %s %s failed inside the local cloud", api.id, method, path
                    )
                    answer = payloads.internal_error(api.protocol)
            answer = self._reword(api, match, stage, request, answer)
        answer = answer.with_headers(_id_headers(api, request_id))
        self.traces.record(
            HopKind.REQUEST,
            "apigateway",
            f"{method} {path} {answer.status}",
            context=TraceContext(root.root, root.parent),
            outcome=Outcome.ERROR if answer.status >= 500 else Outcome.OK,
            duration_ms=(time.time() - started) * 1000,
            at=started,
            hop_id=hop_id,
            status=answer.status,
            stage=stage.name if stage else None,
            **detail,
        )
        return answer

    def allows_origin(self, environ: Mapping[str, Any], origin: str) -> bool:
        """Whether the request is addressed to an API whose own CORS settings allow ``origin``
        (the gateway's browser policy then lets the API answer the page, as AWS would)."""
        located = locate(str(environ.get("PATH_INFO") or "/"), environ.get("HTTP_HOST"))
        if located is None:
            return False
        api, stage, _ = self._resolve(located)
        return api is not None and stage is not None and self.steps.allows_origin(api, origin)

    # -- steps --------------------------------------------------------------------------------
    def _resolve(self, located: Located) -> tuple[ApiView | None, StageView | None, str]:
        """The API, the stage that serves the request and the API's path."""
        api = backends.api(located.api_id, self.region)
        if api is None:
            return None, None, located.unstaged_path or located.path
        # A stage the first segment names wins (as on AWS); "$default" spelled out is taken too,
        # as scripts written for other emulators do.
        named = located.stage
        if named is not None and named in api.stages:
            return api, api.stages[named], located.path
        if located.unstaged_path is not None and api.has_default_stage:
            return api, api.stages[DEFAULT_STAGE], located.unstaged_path
        return api, None, located.path

    def _router(self, api: ApiView) -> Router:
        held = self._routers.get(api.id)
        if held is not None and held[0].routes == api.routes:
            return held[1]
        router = Router(api.routes, rest=api.protocol != HTTP)
        self._routers[api.id] = (api, router)
        return router

    def _reword(
        self,
        api: ApiView,
        match: Match | None,
        stage: StageView | None,
        request: ApiRequest,
        answer: Answer,
    ) -> Answer:
        """The core's own refusals as a REST API's gateway responses word them."""
        if api.protocol == HTTP or not api.gateway_responses:
            return answer
        return gateway_responses.reword(
            api.gateway_responses, answer, lambda: mapped(api, match, stage, request, None)
        )

    def _pipeline(
        self,
        api: ApiView,
        stage: StageView,
        request: ApiRequest,
        here: TraceContext,
        detail: dict[str, Any],
    ) -> tuple[Answer, Match | None]:
        """The answer, and the route it took (None: refused before routing)."""
        if len(request.body) > payloads.MAX_PAYLOAD_BYTES:
            return payloads.too_large(api.protocol), None
        early = self.steps.preflight(api, request)
        if early is not None:
            return early, None
        match = self._router(api).match(request.method, request.path)
        if match is None:
            return payloads.not_found(api.protocol), None
        detail["route"] = match.route.key
        decision = self.steps.authorize(
            api, match, request, stage, steps.traced(self._invoke, here)
        )
        if isinstance(decision, Deny):
            return decision.answer, match
        refusal = validation.check(api, match, request)
        if refusal is not None:
            detail["refused"] = refusal.response_type
            detail["validation"] = refusal.reason
            return refusal, match
        integration = match.route.integration
        if integration is None:
            return payloads.internal_error(api.protocol), match
        step = self.steps.integration_for(integration)
        if step is None:
            log.warning(
                "API %s route %s: integration type %s is not supported locally",
                api.id,
                match.route.key,
                integration.type,
            )
            return payloads.internal_error(api.protocol), match
        call = steps.IntegrationCall(
            api=api,
            match=match,
            integration=integration,
            stage=stage,
            request=request,
            authorizer=decision.context,
            trace=here,
            invoke=self._invoke,
            region=api.region,
            identity=decision.identity,
        )
        return step(call), match

    def _invoke(
        self, function: str, payload: bytes, context: TraceContext | None, timeout_s: float
    ) -> steps.InvokeOutcome:
        """Run ``function`` now; give up waiting after ``timeout_s`` (it runs on, as on AWS)."""
        try:
            limit = self.function_timeout(function)
        except FunctionNotFoundError:
            return steps.InvokeOutcome(missing=True)

        def run() -> steps.InvokeOutcome:
            try:
                result = self.invoker.invoke(function, payload, context, source="apigateway")
            except FunctionNotFoundError:
                return steps.InvokeOutcome(missing=True)
            except ThrottledError:
                return steps.InvokeOutcome(failed=True)
            return steps.InvokeOutcome(result.payload, result.failed)

        if limit <= timeout_s:  # the function's own timeout ends it first: no waiting thread
            return run()
        future = self._slow.submit(run)
        try:
            return future.result(timeout=timeout_s)
        except FutureTimeout:
            return steps.InvokeOutcome(timed_out=True)

    def close(self) -> None:
        self._slow.shutdown(wait=False, cancel_futures=True)


def _id_headers(api: ApiView | None, request_id: str) -> tuple[tuple[str, str], ...]:
    if api is not None and api.protocol != HTTP:
        return (("x-amzn-RequestId", request_id),)
    return (("apigw-requestid", request_id),)


def api_request(
    environ: Mapping[str, Any],
    method: str,
    path: str,
    stage: str,
    request_id: str,
    received: float,
    trace_context: TraceContext,
    read_body: bool = True,
) -> ApiRequest:
    headers: list[tuple[str, str]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((_header_name(key[5:]), str(value)))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers.append((_header_name(key), str(value)))
    source_ip = str(environ.get("REMOTE_ADDR") or "127.0.0.1")
    # What API Gateway adds to every request it passes on (the trace header names its root).
    present = {name.lower() for name, _ in headers}
    added = (
        ("X-Forwarded-For", source_ip),
        ("X-Forwarded-Port", str(environ.get("SERVER_PORT") or "")),
        ("X-Forwarded-Proto", str(environ.get("wsgi.url_scheme") or "http")),
        ("X-Amzn-Trace-Id", f"Root={trace_context.root}"),
    )
    headers.extend((name, value) for name, value in added if name.lower() not in present)
    length = _content_length(environ)
    body = environ["wsgi.input"].read(length) if length and read_body else b""
    return ApiRequest(
        method=method,
        path=_raw_path(environ, path),
        query=str(environ.get("QUERY_STRING") or ""),
        headers=tuple(headers),
        body=body,
        source_ip=source_ip,
        host=str(environ.get("HTTP_HOST") or ""),
        stage=stage,
        request_id=request_id,
        received=received,
        protocol=str(environ.get("SERVER_PROTOCOL") or "HTTP/1.1"),
    )


def _content_length(environ: Mapping[str, Any]) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _header_name(key: str) -> str:
    return "-".join(part.capitalize() for part in key.split("_"))


def _raw_path(environ: Mapping[str, Any], path: str) -> str:
    """The API path as the client encoded it, where the server kept the raw URI."""
    raw = environ.get("REQUEST_URI")
    if not raw:
        return path
    full = urlsplit(str(raw)).path
    decoded = str(environ.get("PATH_INFO") or "")
    # PATH_INFO is the decoded full path; the API path is its tail.
    if decoded.endswith(path) and full:
        prefix_len = len(decoded) - len(path)
        prefix = decoded[:prefix_len]
        if full.startswith(prefix):
            return full[len(prefix) :] or "/"
    return path
