"""The HTTP door: the WSGI application waitress serves on 127.0.0.1:4566."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class Dispatch(Protocol):
    """The gateway's one entry point: answer ``request`` itself or call ``moto``."""

    def __call__[T](self, request: AwsRequest, moto: Callable[[], T]) -> Response | T: ...


def serve(
    dispatch: Dispatch,
    moto: WsgiApp,
    default_region: str,
    environ: Environ,
    start_response: StartResponse,
) -> Iterable[bytes]:
    """Answer one WSGI request."""
    request = AwsRequest.from_environ(environ, default_region)

    def through_moto() -> Iterable[bytes]:
        # Parsing read the body off the socket: moto reads the same bytes again from memory.
        return moto({**environ, "wsgi.input": io.BytesIO(request.body)}, start_response)

    answer = dispatch(request, through_moto)
    if isinstance(answer, Response):
        start_response(answer.status_line, list(answer.headers))
        return [answer.body]
    return answer
