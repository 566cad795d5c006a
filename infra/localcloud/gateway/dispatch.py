"""The gateway: one ``dispatch`` behind both doors, in front of moto.

Most requests go straight to moto, which holds the state and serves the control plane. The
gateway answers what moto cannot do without Docker or does differently from AWS (the rows of
routes.py) and the local cloud's own /_localcloud/ endpoints. It links every request that
carries an X-Ray trace header (as boto3 inside a handler does) to the invocation that made it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from localcloud import trace
from localcloud.emulator import backends
from localcloud.errors import LocalCloudError
from localcloud.gateway import pipe, wsgi
from localcloud.gateway.admin import Admin, is_admin
from localcloud.gateway.errors import to_aws_error
from localcloud.gateway.ports import Events, Invocations, ServerInfo, Traces, Warming
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response, aws_error_response
from localcloud.gateway.routes import (
    ROUTES,
    Collaborators,
    Direct,
    DirectQuery,
    Intercepted,
    Route,
    RouteKey,
    find_route,
)

# Operations through which an event enters the cloud: each starts (or continues) a trace.
PUBLISHING = frozenset(
    {
        ("sqs", "SendMessage"),
        ("sqs", "SendMessageBatch"),
        ("sns", "Publish"),
        ("sns", "PublishBatch"),
    }
)


class Gateway:
    """The local cloud's front: a WSGI application and the handlers' call-pipe server."""

    def __init__(
        self,
        invoker: Invocations,
        router: Events,
        traces: Traces,
        info: ServerInfo,
        warming: Warming | None = None,
    ) -> None:
        self.info = info
        self.traces = traces
        # The instance's own copy, so a test can swap rows on one running gateway.
        self.routes: dict[RouteKey, Route] = dict(ROUTES)
        self._collaborators = Collaborators(invoker, router, info)
        self._admin = Admin(traces, info, warming)
        self._moto = DomainDispatcherApplication(create_backend_app)

    def __call__(
        self, environ: wsgi.Environ, start_response: wsgi.StartResponse
    ) -> Iterable[bytes]:
        return wsgi.serve(self.dispatch, self._moto, self.info.region, environ, start_response)

    def serve_call(self, call: Mapping[str, Any]) -> dict[str, Any]:
        """Answer an AWS call a handler sent over its worker's call pipe, exactly as over HTTP."""
        return pipe.serve(self.dispatch, self._moto, self.info.region, call)

    def dispatch[T](self, request: AwsRequest, moto: Callable[[], T]) -> Response | T:
        """Answer ``request`` here (admin, intercepted, direct path) or by calling ``moto``."""
        if is_admin(request):
            return self._admin.answer(request)
        route = find_route(request, self.routes)
        if isinstance(route, Intercepted):
            return self._intercept(route, request)
        context = self._record(request)
        # A direct path is moto's operation: same trace context, same turn-taking as moto's.
        with trace.activate(context), backends.serialized(request.service):
            answer = route.answer(request) if isinstance(route, Direct | DirectQuery) else None
            return moto() if answer is None else answer

    def _intercept(self, route: Intercepted, request: AwsRequest) -> Response:
        try:
            return route.handle(self._collaborators, request)
        except LocalCloudError as exc:
            return aws_error_response(*to_aws_error(exc))

    def _record(self, request: AwsRequest) -> trace.TraceContext | None:
        """The trace hop of a request: a publish, or a call made from inside an invocation."""
        service, operation = request.route_key
        incoming = request.trace_context
        if (service, operation) in PUBLISHING:
            return self.traces.record(
                trace.HopKind.PUBLISH,
                service,
                _published_to(request),
                context=incoming,
                operation=operation,
            )
        if incoming is not None and incoming.parent and service:
            return self.traces.record(
                trace.HopKind.CALL, service, operation, context=incoming, operation=operation
            )
        return None


def _published_to(request: AwsRequest) -> str:
    """The topic or queue a publish names, for its trace hop."""
    if request.service == "sns":
        form = request.form or {}
        return (form.get("TopicArn") or form.get("TargetArn") or ["?"])[0]
    return _queue_name(request.body)


def _queue_name(body: bytes) -> str:
    try:
        document = json.loads(body or b"{}")
        return str(document.get("QueueUrl", "?")).rstrip("/").rsplit("/", 1)[-1]
    except (ValueError, AttributeError):
        return "?"
