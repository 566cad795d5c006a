"""The call-pipe door: AWS calls a handler makes, handed over by its worker without HTTP.

A call is the request botocore prepared in the handler's process (``callframe.Call``: method,
url, headers, body); the answer is what it would have read from the socket, status, headers and
body, which the executor frames back (engine/callframe.py). A call the gateway answers itself
(a direct path, say) costs no WSGI request at all: one is built only when moto has to answer.
Failures answer in AWS's shape, as over HTTP (faults.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder

from localcloud.emulator import wire
from localcloud.engine.callframe import Answered, Call
from localcloud.gateway import faults
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response
from localcloud.gateway.wsgi import Dispatch, WsgiApp

# Hop-by-hop framing botocore may set; the body is already whole.
DROPPED_HEADERS = ("transfer-encoding", "expect")


def serve(dispatch: Dispatch, moto: WsgiApp, default_region: str, call: Call) -> Answered:
    """Answer one pipe call (the Response, as the HTTP door would write it)."""
    request = AwsRequest.from_call(call, default_region)
    try:
        return dispatch(request, lambda: _through_moto(moto, call, request))
    except Exception as exc:
        return faults.failure(request, exc)


def _through_moto(moto: WsgiApp, call: Call, request: AwsRequest) -> Response:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> Any:
        answer["status"] = int(status.split(" ", 1)[0])
        answer["headers"] = tuple((name, value) for name, value in headers)
        return lambda data: None

    result = moto(_environ(call, request.moto_body), start_response)
    data = _drain(result)
    fixed = faults.reshaped(request, answer["status"], answer["headers"], data)
    return fixed or Response(answer["status"], answer["headers"], data)


def _environ(call: Call, body: bytes) -> dict[str, Any]:
    url = urlsplit(call.url)
    headers = [(k, v) for k, v in call.headers if k.lower() not in DROPPED_HEADERS]
    # as over HTTP: names with an underscore reach moto only through wire.complete
    underscored = [(k, v) for k, v in headers if "_" in k]
    environ = EnvironBuilder(
        method=call.method,
        base_url=f"{url.scheme}://{url.netloc}",
        path=url.path or "/",
        query_string=url.query,
        headers=[(k, v) for k, v in headers if "_" not in k],
        data=body,
    ).get_environ()
    environ["REMOTE_ADDR"] = "127.0.0.1"
    # what moto's own server adds: the raw request target, underscored S3 metadata headers
    raw_uri = (url.path or "/") + (f"?{url.query}" if url.query else "")
    wire.complete(environ, raw_uri, underscored)
    return environ


def _drain(result: Iterable[bytes]) -> bytes:
    try:
        return b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
