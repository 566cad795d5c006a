"""The call-pipe door: AWS calls a handler makes, handed over by its worker without HTTP.

A call is the request botocore prepared in the handler's process, ``{method, url, headers,
body}`` with a base64 body; the answer is what it would have read from the socket, ``{status,
headers, body}``. A call the gateway answers itself (a direct path, say) costs no WSGI request
at all: one is built only when moto has to answer. Failures answer in AWS's shape, as over
HTTP (faults.py).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder

from localcloud.gateway import faults
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response
from localcloud.gateway.wsgi import Dispatch, WsgiApp

# Hop-by-hop framing botocore may set; the body is already whole.
DROPPED_HEADERS = ("transfer-encoding", "expect")


def serve(
    dispatch: Dispatch, moto: WsgiApp, default_region: str, call: Mapping[str, Any]
) -> dict[str, Any]:
    """Answer one pipe call."""
    request = AwsRequest.from_call(call, default_region)
    try:
        answer = dispatch(request, lambda: _through_moto(moto, call, request))
    except Exception as exc:
        answer = faults.failure(request, exc)
    return {
        "status": answer.status,
        "headers": [[name, value] for name, value in answer.headers],
        "body": base64.b64encode(answer.body).decode(),
    }


def _through_moto(moto: WsgiApp, call: Mapping[str, Any], request: AwsRequest) -> Response:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> Any:
        answer["status"] = int(status.split(" ", 1)[0])
        answer["headers"] = tuple((name, value) for name, value in headers)
        return lambda data: None

    result = moto(_environ(call, request.moto_body), start_response)
    data = _drain(result)
    fixed = faults.reshaped(request, answer["status"], answer["headers"], data)
    return fixed or Response(answer["status"], answer["headers"], data)


def _environ(call: Mapping[str, Any], body: bytes) -> dict[str, Any]:
    url = urlsplit(call["url"])
    environ = EnvironBuilder(
        method=call["method"],
        base_url=f"{url.scheme}://{url.netloc}",
        path=url.path or "/",
        query_string=url.query,
        headers=[(k, v) for k, v in call["headers"] if k.lower() not in DROPPED_HEADERS],
        data=body,
    ).get_environ()
    environ["REMOTE_ADDR"] = "127.0.0.1"
    return environ


def _drain(result: Iterable[bytes]) -> bytes:
    try:
        return b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
