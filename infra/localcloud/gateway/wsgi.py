"""The HTTP door: the WSGI application the server (httpserver.py) serves on 127.0.0.1:4566.

Whatever goes wrong answers in AWS's shape (faults.py): an exception escaping the gateway or
moto, or an error moto renders as a web page, never reaches the server as a traceback page.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from localcloud.gateway import faults
from localcloud.gateway.browser import BrowserPolicy
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class WholeAnswer(Protocol):
    """An answer made whole in memory (API Gateway's door answers with one)."""

    @property
    def status_line(self) -> str: ...

    @property
    def headers(self) -> tuple[tuple[str, str], ...]: ...

    @property
    def body(self) -> bytes: ...


# API Gateway's invoke URLs: the answer to a request addressed to an API, or None.
Apis = Callable[[Environ], WholeAnswer | None]
# Whether the request is addressed to an API whose own CORS settings allow its Origin.
ApiOrigins = Callable[[Environ, str], bool]


class Dispatch(Protocol):
    """The gateway's one entry point: answer ``request`` itself or call ``moto``."""

    def __call__[T](self, request: AwsRequest, moto: Callable[[], T]) -> Response | T: ...


def _browser_headers(environ: Environ) -> dict[str, str]:
    """The headers the browser policy reads, lower-cased, present ones only."""
    names = (
        ("host", "HTTP_HOST"),
        ("origin", "HTTP_ORIGIN"),
        ("access-control-request-method", "HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        ("access-control-request-headers", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
    )
    return {name: environ[key] for name, key in names if key in environ}


def serve(
    dispatch: Dispatch,
    moto: WsgiApp,
    default_region: str,
    browsers: BrowserPolicy,
    environ: Environ,
    start_response: StartResponse,
    apis: Apis | None = None,
    api_origins: ApiOrigins | None = None,
) -> Iterable[bytes]:
    """Answer one WSGI request (after the browser policy: see browser.py); a request to an
    API Gateway API goes to ``apis`` before anything parses it as an AWS call."""
    headers = _browser_headers(environ)
    api_allows = bool(
        api_origins is not None and "origin" in headers and api_origins(environ, headers["origin"])
    )
    refusal = browsers.refusal(environ.get("REQUEST_METHOD", "GET"), headers, api_allows)
    if refusal is not None:
        start_response(refusal.status_line, list(refusal.headers))
        return [refusal.body]
    if "origin" in headers and not api_allows:  # an allowed page: let it read the answer
        start_response = _with_headers(start_response, browsers.cors_headers(headers["origin"]))
    if apis is not None:
        served = apis(environ)
        if served is not None:
            start_response(served.status_line, list(served.headers))
            return [served.body]
    request = AwsRequest.from_environ(environ, default_region)

    def through_moto() -> Iterable[bytes]:
        # Parsing read the body off the socket: moto reads the same bytes again from memory.
        return _moto_answer(
            moto,
            {
                **environ,
                "wsgi.input": io.BytesIO(request.moto_body),
                "CONTENT_LENGTH": str(len(request.moto_body)),
            },
            request,
            start_response,
        )

    try:
        answer = dispatch(request, through_moto)
    except Exception as exc:
        answer = faults.failure(request, exc)
        # exc_info: moto may have started a response before it raised; this one replaces it.
        start_response(answer.status_line, list(answer.headers), sys.exc_info())
        return [answer.body]
    if isinstance(answer, Response):
        start_response(answer.status_line, list(answer.headers))
        return [answer.body]
    return answer


def _with_headers(start_response: StartResponse, extra: list[tuple[str, str]]) -> StartResponse:
    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        present = {name.lower() for name, _ in headers}
        added = [(name, value) for name, value in extra if name.lower() not in present]
        return start_response(status, list(headers) + added, exc_info)

    return start


def _moto_answer(
    moto: WsgiApp, environ: Environ, request: AwsRequest, start_response: StartResponse
) -> Iterable[bytes]:
    """moto's answer; an error of its is held back until it is known to be in AWS's shape."""
    held: list[tuple[str, list[tuple[str, str]]]] = []
    forwarded = False

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        nonlocal forwarded
        if int(status[:3]) >= 400:
            held.append((status, headers))
            return _discard
        forwarded = True
        return (
            start_response(status, headers, exc_info)
            if exc_info
            else start_response(status, headers)
        )

    result = moto(environ, start)
    if forwarded:
        return result
    body = _drain(result)  # an app may start its response only once iterated
    if not held:
        return [body]
    status, headers = held[-1]
    fixed = faults.reshaped(request, int(status[:3]), headers, body)
    if fixed is not None:
        start_response(fixed.status_line, list(fixed.headers))
        return [fixed.body]
    start_response(status, headers)
    return [body]


def _discard(data: bytes) -> None:
    """The write() of a held response: WSGI apps here return their body instead."""


def _drain(result: Iterable[bytes]) -> bytes:
    try:
        return b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
