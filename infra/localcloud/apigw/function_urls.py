"""The HTTP entry of function URLs: a request to a function's URL, to the function, to an answer.

The gateway asks ``FunctionUrlDoor.serve(environ)`` before API Gateway's door; None means the
request is not addressed to a function URL (see function_url_shapes.locate). An ``AWS_IAM`` URL
takes only SigV4-signed requests (header or presigned query, as API Gateway's IAM routes:
iam_auth.py), an unsigned one gets 403; the URL's Cors answers preflights and is put on every
answer (cors.py). The function runs through the engine's invoker with the payload 2.0 event and
its answer is mapped as an HTTP API maps one; a failed function, or one that answers something
that is no response, is a 502. Each request is the root hop of its trace (``request lambda:GET
/path 200``) with the invocation under it.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from localcloud import trace
from localcloud.apigw import cors, payloads
from localcloud.apigw import function_url_shapes as shapes
from localcloud.apigw.door import Invocations, Traces, api_request
from localcloud.apigw.errors import MalformedResponseError
from localcloud.apigw.iam_auth import signed_caller
from localcloud.apigw.model import Answer
from localcloud.emulator.function_urls import FunctionUrlView, function_url
from localcloud.engine.errors import FunctionNotFoundError, ThrottledError
from localcloud.trace import HopKind, Outcome, TraceContext

log = logging.getLogger(__name__)

# A function URL takes requests up to Lambda's synchronous payload limit.
MAX_REQUEST_BYTES = 6 * 1024 * 1024


class FunctionUrlDoor:
    """Serves every function URL moto holds, on the cloud's own port."""

    def __init__(self, invoker: Invocations, traces: Traces, region: str) -> None:
        self.invoker = invoker
        self.traces = traces
        self.region = region

    def serve(self, environ: Mapping[str, Any]) -> Answer | None:
        """The answer to a request addressed to a function URL, or None: not one."""
        located = shapes.locate(str(environ.get("PATH_INFO") or "/"), environ.get("HTTP_HOST"))
        if located is None:
            return None
        started = time.time()
        request_id = str(uuid.uuid4())
        hop_id = trace.new_hop_id()
        root = TraceContext.parse(environ.get("HTTP_X_AMZN_TRACE_ID")) or TraceContext(
            trace.new_root()
        )
        here = TraceContext(root.root, hop_id)
        method = str(environ.get("REQUEST_METHOD") or "GET").upper()
        url = function_url(located.url_id, self.region)
        if url is None:
            answer = shapes.forbidden()
        elif _content_length(environ) > MAX_REQUEST_BYTES:
            answer = shapes.too_large()
        else:
            request = api_request(
                environ, method, located.path, shapes.DEFAULT, request_id, started, here
            )
            try:
                answer = self._answer(url, request, here)
            except Exception:
                log.exception(
                    "function URL %s: %s failed inside the local cloud", url.url_id, method
                )
                answer = shapes.function_failed()
        answer = answer.with_headers((("x-amzn-RequestId", request_id),))
        self.traces.record(
            HopKind.REQUEST,
            "lambda",
            f"{method} {located.path} {answer.status}",
            context=TraceContext(root.root, root.parent),
            outcome=Outcome.ERROR if answer.status >= 500 else Outcome.OK,
            duration_ms=(time.time() - started) * 1000,
            at=started,
            hop_id=hop_id,
            status=answer.status,
            url_id=located.url_id,
            function=url.function_arn if url else None,
            request_id=request_id,
        )
        return answer

    def allows_origin(self, environ: Mapping[str, Any], origin: str) -> bool:
        """Whether the request is addressed to a function URL whose Cors allows ``origin``."""
        located = shapes.locate(str(environ.get("PATH_INFO") or "/"), environ.get("HTTP_HOST"))
        if located is None:
            return False
        url = function_url(located.url_id, self.region)
        config = cors.CorsConfig.from_api(url.cors) if url else None
        return config is not None and config.allowed_origin(origin) is not None

    def _answer(self, url: FunctionUrlView, request: Any, here: TraceContext) -> Answer:
        headers = {name.lower(): value for name, value in request.headers}
        config = cors.CorsConfig.from_api(url.cors)
        if config is not None and cors.is_preflight(request.method, headers):
            return Answer(200, tuple(cors.preflight(config, headers)))
        authorizer: dict[str, Any] | None = None
        if url.auth_type == "AWS_IAM":
            caller = signed_caller(request, url.account)
            if caller is None:
                return shapes.forbidden()
            authorizer = caller.http_authorizer()
        document = shapes.event(request, url.url_id, url.region, url.account, authorizer)
        answer = self._invoke(url, json.dumps(document, separators=(",", ":")).encode(), here)
        if config is not None:
            answer = Answer(
                answer.status, tuple(cors.apply(config, headers, answer.headers)), answer.body
            )
        return answer

    def _invoke(self, url: FunctionUrlView, payload: bytes, here: TraceContext) -> Answer:
        try:
            result = self.invoker.invoke(url.function_arn, payload, here, source="lambda-url")
        except FunctionNotFoundError:
            return shapes.function_failed()
        except ThrottledError:
            return Answer.json(429, {"Message": "Too Many Requests"})
        if result.failed:
            return shapes.function_failed()
        try:
            return payloads.http_response(result.payload)
        except MalformedResponseError as exc:
            log.warning("function URL %s: %s", url.url_id, exc)
            return shapes.function_failed()


def _content_length(environ: Mapping[str, Any]) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def in_front_of(
    door: FunctionUrlDoor, serve: Callable[[Mapping[str, Any]], Answer | None]
) -> Callable[[Mapping[str, Any]], Answer | None]:
    """``serve`` (API Gateway's door) with function URLs answered first."""

    def both(environ: Mapping[str, Any]) -> Answer | None:
        answer = door.serve(environ)
        return answer if answer is not None else serve(environ)

    return both


def origins_with(
    door: FunctionUrlDoor, allows: Callable[[Mapping[str, Any], str], bool]
) -> Callable[[Mapping[str, Any], str], bool]:
    """``allows`` (API Gateway's CORS check) or a function URL's own Cors."""
    return lambda environ, origin: door.allows_origin(environ, origin) or allows(environ, origin)
