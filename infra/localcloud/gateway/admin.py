"""The local cloud's own endpoints under /_localcloud/: health, the trace store, warm starts,
debug mode.

The CLI (``localcloud trace``, ``up``'s readiness check, ``deploy --warm``, ``invoke --debug``)
and anyone with curl use them; they are plain JSON, not AWS operations. ``/_localstack/health``
answers in LocalStack's shape, for the tools that poll it (``localstack wait``, testcontainers,
CI scripts). An endpoint that changes state takes a JSON body and refuses any other content type:
a web page can post a form anywhere without a preflight, but not JSON (browser.py refuses
foreign origins too; this holds even for origins the user listed).

``/_localcloud/schedules`` (schedule_endpoints.py) lists the schedules with their next firing,
fires one now and moves the schedules' test clock.

``POST /_localcloud/warm`` with ``{"functions": [NAME, ...]}`` starts one environment per named
function with its init phase done and answers once all are ready:
``{"warmed": {name: init_seconds}, "already": [...], "failed": {...}}``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from localcloud import __version__
from localcloud.errors import LocalCloudError
from localcloud.gateway import schedule_endpoints
from localcloud.gateway.ports import Debugging, Schedules, ServerInfo, Traces, Warming
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response, json_response

PREFIX = "/_localcloud/"
LOCALSTACK_PREFIX = "/_localstack/"
# The longest a follower's request for new hops waits (it asks again after).
MAX_HOPS_WAIT_S = 20.0
TRACE_PATH = re.compile(r"^/_localcloud/traces/(?P<id>[^/]+)$")
# What /health lists: the services the local cloud serves (moto serves more, untested here).
SERVICES = (
    *("sts", "iam", "s3", "sqs", "sns", "events", "lambda", "dynamodb", "logs", "ses"),
    "scheduler",
    "stepfunctions",
    "apigateway",
    "apigatewayv2",
    "cloudwatch",
    "kinesis",
)


def is_admin(request: AwsRequest) -> bool:
    return request.path.startswith((PREFIX, LOCALSTACK_PREFIX))


class Admin:
    """Answers the /_localcloud/ endpoints: health, traces, hops, warm starts and debug mode."""

    def __init__(
        self,
        traces: Traces,
        info: ServerInfo,
        debugging: Debugging | None = None,
        warming: Warming | None = None,
        reset: Callable[[], None] | None = None,
        schedules: Schedules | None = None,
    ) -> None:
        self.traces = traces
        self.schedules = schedules
        self.info = info
        self.reset = reset
        self.debugging = debugging
        self.warming = warming

    def answer(self, request: AwsRequest) -> Response:
        if request.path == f"{PREFIX}health":
            return self._health()
        if request.path in (f"{PREFIX}reset", f"{LOCALSTACK_PREFIX}state/reset"):
            return self._reset(request)
        if request.path == f"{PREFIX}warm":
            return self._warm(request)
        if request.path == f"{PREFIX}debug":
            return self._debug(request)
        if request.path.startswith(f"{PREFIX}schedules"):
            return schedule_endpoints.answer(self.schedules, request, _not_json)
        if request.path == f"{PREFIX}traces":
            return self._traces(parse_qs(request.query).get("last", ["20"])[0])
        if request.path == f"{PREFIX}hops":
            return self._hops(parse_qs(request.query))
        if request.path == f"{LOCALSTACK_PREFIX}health":
            return self._localstack_health()
        match = TRACE_PATH.match(request.path)
        if match:
            return self._trace(match["id"])
        return json_response(
            {
                "message": f"unknown path {request.path}; try {PREFIX}health, {PREFIX}traces, "
                f"{PREFIX}warm or {PREFIX}debug"
            },
            404,
        )

    def _health(self) -> Response:
        return json_response(
            {
                "status": "ready",
                "services": list(SERVICES),
                "endpoint": self.info.endpoint_url,
                "uptime_s": round(time.monotonic() - self.info.started_at, 3),
            }
        )

    def _localstack_health(self) -> Response:
        """LocalStack's health document: each service and its state."""
        return json_response(
            {
                "services": dict.fromkeys(SERVICES, "running"),
                "edition": "localcloud",
                "version": __version__,
            }
        )

    def _hops(self, query: dict[str, list[str]]) -> Response:
        """Hops recorded after ``since``, waiting up to ``wait`` seconds for the first one."""
        since, wait = query.get("since", ["0"])[0], query.get("wait", ["0"])[0]
        try:
            after, wait_s = int(since), min(float(wait), MAX_HOPS_WAIT_S)
        except ValueError:
            return json_response(
                {
                    "message": f"since must be a whole number and wait seconds, got {since!r}, "
                    f"{wait!r} (e.g. ?since=0&wait=5)"
                },
                400,
            )
        hops, sequence, missed = self.traces.since(after, max(0.0, wait_s))
        return json_response(
            {"hops": [hop.to_dict() for hop in hops], "sequence": sequence, "missed": missed}
        )

    def _reset(self, request: AwsRequest) -> Response:
        """POST (JSON): forget every resource, trace, poller, pending retry and warm worker."""
        if self.reset is None:
            return json_response({"message": "reset is not available here"}, 404)
        if request.method != "POST":
            return json_response(
                {"message": f"POST {request.path} with a JSON body ({{}}) resets"},
                405,
                {"Allow": "POST"},
            )
        refused = _not_json(request, "reset")
        if refused is not None:
            return refused
        started = time.perf_counter()
        self.reset()
        return json_response(
            {"reset": True, "took_ms": round((time.perf_counter() - started) * 1000, 3)}
        )

    def _warm(self, request: AwsRequest) -> Response:
        """POST {"functions": [NAME, ...]}: warm those functions, answering once all are ready."""
        usage = f'POST {PREFIX}warm with {{"functions": [NAME, ...]}} warms functions'
        if self.warming is None:
            return json_response({"message": "warm starts are not available here"}, 404)
        if request.method != "POST":
            return json_response({"message": usage}, 405, {"Allow": "POST"})
        refused = _not_json(request, "warm")
        if refused is not None:
            return refused
        try:
            document: Any = json.loads(request.body or b"null")
        except ValueError:
            document = None
        names = document.get("functions") if isinstance(document, dict) else None
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(name, str) and name for name in names)
        ):
            return json_response({"message": f"{usage}, got {request.body[:100]!r}"}, 400)
        outcome = self.warming.warm(names)
        return json_response(
            {"warmed": outcome.warmed, "already": outcome.already, "failed": outcome.failed}
        )

    def _traces(self, last: str) -> Response:
        if not last.isdigit():
            return json_response(
                {"message": f"last must be a whole number (e.g. ?last=5), got {last!r}"}, 400
            )
        return json_response(
            {
                "traces": [
                    [hop.to_dict() for hop in hops] for hops in self.traces.traces(int(last))
                ],
                "sequence": self.traces.sequence,
            }
        )

    def _trace(self, trace_id: str) -> Response:
        hops = self.traces.get(trace_id)
        if hops is None:
            return json_response(
                {"message": f"no trace {trace_id}; list them at {PREFIX}traces"}, 404
            )
        return json_response({"hops": [hop.to_dict() for hop in hops]})

    def _debug(self, request: AwsRequest) -> Response:
        """GET: the functions in debug mode. POST {"function", "port"}: debug the function on
        that port, or leave debug mode with port null; answers its state after the change."""
        if self.debugging is None:
            return json_response({"message": "debug mode is not available here"}, 404)
        if request.method == "GET":
            return json_response({"functions": self.debugging.functions()})
        if request.method != "POST":
            return json_response(
                {"message": f"{PREFIX}debug takes GET or POST, not {request.method}"},
                405,
                {"Allow": "GET, POST"},
            )
        refused = _not_json(request, "debug")
        if refused is not None:
            return refused
        try:
            function, port = _debug_request(request.body)
        except ValueError as exc:
            return json_response({"message": str(exc)}, 400)
        try:
            if port is None:
                state = self.debugging.stop(function)
            else:
                state = self.debugging.start(function, port)
        except LocalCloudError as exc:
            return json_response({"message": str(exc)}, exc.http_status)
        return json_response(state.to_dict())


def _not_json(request: AwsRequest, endpoint: str) -> Response | None:
    """A 415 unless the request's body is declared JSON (what a web page's form cannot send)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        return None
    return json_response(
        {
            "message": f"{PREFIX}{endpoint} takes a JSON body (Content-Type: "
            f"application/json), got {content_type or 'no content type'}"
        },
        415,
    )


def _debug_request(body: bytes) -> tuple[str, int | None]:
    """The function and port of a debug request; ValueError saying what is wrong."""
    expected = 'expected {"function": NAME, "port": 1024-65535 or null}'
    try:
        document: Any = json.loads(body or b"null")
    except ValueError as exc:
        raise ValueError(f"the body is not JSON ({exc}); {expected}") from exc
    if not isinstance(document, dict):
        raise ValueError(f"{expected}, got {body[:100]!r}")
    function, port = document.get("function"), document.get("port")
    if not isinstance(function, str) or not function:
        raise ValueError(f"{expected}; function is {function!r}")
    # Not a privileged port: a function's worker should not need the rights to listen there.
    if port is not None and (
        isinstance(port, bool) or not isinstance(port, int) or not 1024 <= port <= 65535
    ):
        raise ValueError(f"{expected}; port is {port!r}")
    return function, port
