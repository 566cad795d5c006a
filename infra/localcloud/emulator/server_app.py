"""moto's own WSGI application, which answers every request the gateway does not answer itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def moto_app() -> WsgiApp:
    """moto's dispatcher: it picks a service's app by the request and makes it on first use."""
    app: WsgiApp = DomainDispatcherApplication(create_backend_app)
    return app
