"""The gateway: the local cloud's front door on 127.0.0.1:4566, and the handlers' call pipe.

    gateway = Gateway(engine.invoker, router, traces, ServerInfo(region, account, url, t0))

Modules: request.py parses a request once (``AwsRequest``), whichever door it came through
(wsgi.py for HTTP, pipe.py for a worker's call pipe); dispatch.py decides who answers it;
routes.py is the table of operations answered here instead of by moto; errors.py turns the local
cloud's errors into AWS errors; admin.py serves /_localcloud/.
"""

from localcloud.gateway.dispatch import Gateway
from localcloud.gateway.ports import (
    Debugging,
    Events,
    InvocationOutcome,
    Invocations,
    ServerInfo,
    Traces,
)
from localcloud.gateway.request import AwsRequest

__all__ = [
    "AwsRequest",
    "Debugging",
    "Events",
    "Gateway",
    "InvocationOutcome",
    "Invocations",
    "ServerInfo",
    "Traces",
]
