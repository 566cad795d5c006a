"""The local cloud's own endpoints under /_localcloud/: health and the trace store.

The CLI (``localcloud trace``, ``up``'s readiness check) and anyone with curl read them; they
are plain JSON, not AWS operations. ``/_localstack/health`` answers in LocalStack's shape, for
the tools that poll it (``localstack wait``, testcontainers, CI scripts).
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs

from localcloud import __version__
from localcloud.gateway.ports import ServerInfo, Traces
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response, json_response

PREFIX = "/_localcloud/"
LOCALSTACK_PREFIX = "/_localstack/"
# The longest a follower's request for new hops waits (it asks again after).
MAX_HOPS_WAIT_S = 20.0
TRACE_PATH = re.compile(r"^/_localcloud/traces/(?P<id>[^/]+)$")
# What /health lists: the services the local cloud serves (moto serves more, untested here).
SERVICES = ("sts", "iam", "s3", "sqs", "sns", "events", "lambda", "dynamodb", "logs", "ses")


def is_admin(request: AwsRequest) -> bool:
    return request.path.startswith((PREFIX, LOCALSTACK_PREFIX))


class Admin:
    """Answers /_localcloud/health, /_localcloud/traces and /_localcloud/traces/<id>."""

    def __init__(self, traces: Traces, info: ServerInfo) -> None:
        self.traces = traces
        self.info = info

    def answer(self, request: AwsRequest) -> Response:
        if request.path == f"{PREFIX}health":
            return self._health()
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
            {"message": f"unknown path {request.path}; try {PREFIX}health or {PREFIX}traces"},
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
