"""The gateway: one ``dispatch`` behind both doors, in front of moto.

Most requests go straight to moto, which holds the state and serves the control plane. The
gateway answers what moto cannot do without Docker or does differently from AWS (the rows of
routes.py) and the local cloud's own /_localcloud/ endpoints, and moto's /moto-api/ admin paths
only when they are switched on (moto_api.py), and the unsigned GET that follows an SNS
notification's UnsubscribeURL (unsubscribe_links.py). It links every request that carries an
X-Ray trace header (as boto3 inside a handler does) to the invocation that made it. Every
response it makes itself carries a request id, as moto's and AWS's do (response.with_request_id).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from localcloud import afterward, trace
from localcloud.emulator import backends
from localcloud.emulator.server_app import moto_app
from localcloud.engine.callframe import Answered, Call
from localcloud.errors import LocalCloudError
from localcloud.gateway import pipe, unsubscribe_links, wellformed, wsgi
from localcloud.gateway.admin import Admin, is_admin
from localcloud.gateway.browser import BrowserPolicy
from localcloud.gateway.errors import to_aws_error
from localcloud.gateway.moto_api import MotoApi, Reset, is_moto_api
from localcloud.gateway.ports import (
    Debugging,
    Events,
    Invocations,
    MessageMoves,
    Schedules,
    ServerInfo,
    Traces,
    Warming,
)
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response, error_response, with_request_id
from localcloud.gateway.routes import (
    ROUTES,
    Collaborators,
    Direct,
    DirectQuery,
    DirectRest,
    Intercepted,
    Route,
    RouteKey,
    Validated,
    find_route,
)

# The rows a request's route may be, as tuples: isinstance takes a tuple in a third of the time
# it takes a union (0.07 against 0.24 us), and every AWS request asks twice.
DIRECT = (Direct, DirectQuery, DirectRest)
CHECKED = (Validated, *DIRECT)
# Operations through which an event enters the cloud: each starts (or continues) a trace.
RECEIVE = ("sqs", "ReceiveMessage")
# The longest a receive waits for deliveries acknowledged before it (afterward.settle).
SETTLE_S = 1.0
PUBLISHING = frozenset(
    {
        ("sqs", "SendMessage"),
        ("sqs", "SendMessageBatch"),
        ("sns", "Publish"),
        ("sns", "PublishBatch"),
        ("kinesis", "PutRecord"),
        ("kinesis", "PutRecords"),
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
        browsers: BrowserPolicy | None = None,
        debugging: Debugging | None = None,
        moto_api: Reset | None = None,
        warming: Warming | None = None,
        reset: Reset | None = None,
        moves: MessageMoves | None = None,
        schedules: Schedules | None = None,
        apis: wsgi.Apis | None = None,
        api_origins: wsgi.ApiOrigins | None = None,
    ) -> None:
        """``moto_api``: what ``POST /moto-api/reset`` runs; None keeps moto's admin paths off.
        ``apis``: API Gateway's door (localcloud/apigw), asked first about every HTTP request."""
        self.info = info
        # Who may reach the HTTP door from a web page (the pipe door serves workers only).
        self.browsers = browsers or BrowserPolicy.for_endpoint(info.endpoint_url)
        self.traces = traces
        # The instance's own copy, so a test can swap rows on one running gateway.
        self.routes: dict[RouteKey, Route] = dict(ROUTES)
        self._collaborators = Collaborators(invoker, router, info, moves)
        self._admin = Admin(traces, info, debugging, warming, reset, schedules)
        self._moto_api = MotoApi(moto_api)
        # AWS requests answered so far (the state keeper saves when this or the traces move).
        self.requests = 0
        self._moto = moto_app()
        self._apis = apis
        self._api_origins = api_origins

    def __call__(
        self, environ: wsgi.Environ, start_response: wsgi.StartResponse
    ) -> Iterable[bytes]:
        return wsgi.serve(
            self.dispatch,
            self._moto,
            self.info.region,
            self.browsers,
            environ,
            start_response,
            self._apis,
            self._api_origins,
        )

    def serve_call(self, call: Call) -> Answered:
        """Answer an AWS call a handler sent over its worker's call pipe, exactly as over HTTP."""
        return pipe.serve(self.dispatch, self._moto, self.info.region, call)

    def dispatch[T](self, request: AwsRequest, moto: Callable[[], T]) -> Response | T:
        """Answer ``request`` here (admin, intercepted, direct path) or by calling ``moto``."""
        answer = self._answer(request, moto)
        return with_request_id(answer) if isinstance(answer, Response) else answer

    def _answer[T](self, request: AwsRequest, moto: Callable[[], T]) -> Response | T:
        if is_admin(request):
            return self._admin.answer(request)
        if is_moto_api(request):
            return self._moto_api.answer(request, moto)
        self.requests += 1
        if request.route_key == RECEIVE:
            # What an answered Publish or PutEvents delivers is there for the receive after it.
            afterward.settle(SETTLE_S)
        if not request.service and unsubscribe_links.is_link(request):
            return unsubscribe_links.answer(request)
        if not request.service and "authorization" in request.headers:
            # A signature with no credential scope: moto would guess a service (or fail).
            refusal = self._validate(wellformed.check_signature, request)
            if refusal is not None:
                return refusal
        route = find_route(request, self.routes)
        if isinstance(route, Intercepted):
            return self._intercept(route, request)
        if isinstance(route, CHECKED) and route.check:
            refusal = self._validate(route.check, request)
            if refusal is not None:
                return refusal
        context = self._record(request)
        # A direct path is moto's operation: same trace context, same turn-taking as moto's.
        with trace.activate(context), backends.serialized(request.service):
            answer = route.answer(request) if isinstance(route, DIRECT) else None
            return moto() if answer is None else answer

    def _intercept(self, route: Intercepted, request: AwsRequest) -> Response:
        try:
            return route.handle(self._collaborators, request)
        except LocalCloudError as exc:
            return error_response(request, *to_aws_error(exc))

    @staticmethod
    def _validate(check: Callable[[AwsRequest], None], request: AwsRequest) -> Response | None:
        """The AWS error the request earns, in its protocol's shape, or None: moto answers."""
        try:
            check(request)
        except LocalCloudError as exc:
            return error_response(request, *to_aws_error(exc))
        return None

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
    """The topic, queue or stream a publish names, for its trace hop."""
    if request.service == "sns":
        form = request.form or {}
        return (form.get("TopicArn") or form.get("TargetArn") or ["?"])[0]
    if request.service == "kinesis":
        return _stream_name(request.body)
    return _queue_name(request.body)


def _stream_name(body: bytes) -> str:
    try:
        document = json.loads(body or b"{}")
        named = document.get("StreamName") or str(document.get("StreamARN", "?"))
        return str(named).rsplit("/", 1)[-1]
    except (ValueError, AttributeError):
        return "?"


def _queue_name(body: bytes) -> str:
    try:
        document = json.loads(body or b"{}")
        return str(document.get("QueueUrl", "?")).rstrip("/").rsplit("/", 1)[-1]
    except (ValueError, AttributeError):
        return "?"
