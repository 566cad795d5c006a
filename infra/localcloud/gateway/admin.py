"""The local cloud's own endpoints under /_localcloud/: health, the trace store, warm starts.

The CLI (``localcloud trace``, ``up``'s readiness check, ``deploy --warm``) and anyone with curl
use them; they are plain JSON, not AWS operations. ``POST /_localcloud/warm?function=NAME``
(repeatable) starts one environment per named function with its init phase done and answers
once all are ready: ``{"warmed": {name: init_seconds}, "already": [...], "failed": {...}}``.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs

from localcloud.gateway.ports import ServerInfo, Traces, Warming
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response, json_response

PREFIX = "/_localcloud/"
TRACE_PATH = re.compile(r"^/_localcloud/traces/(?P<id>[^/]+)$")
# What /health lists: the services the local cloud serves (moto serves more, untested here).
SERVICES = ("sts", "iam", "s3", "sqs", "sns", "events", "lambda", "dynamodb", "logs", "ses")


def is_admin(request: AwsRequest) -> bool:
    return request.path.startswith(PREFIX)


class Admin:
    """Answers /_localcloud/health, /_localcloud/traces, /_localcloud/traces/<id> and
    /_localcloud/warm."""

    def __init__(self, traces: Traces, info: ServerInfo, warming: Warming | None = None) -> None:
        self.traces = traces
        self.info = info
        self.warming = warming

    def answer(self, request: AwsRequest) -> Response:
        if request.path == f"{PREFIX}health":
            return self._health()
        if request.path == f"{PREFIX}warm":
            return self._warm(request)
        if request.path == f"{PREFIX}traces":
            return self._traces(parse_qs(request.query).get("last", ["20"])[0])
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

    def _warm(self, request: AwsRequest) -> Response:
        names = parse_qs(request.query).get("function", [])
        if request.method != "POST" or not names or self.warming is None:
            return json_response(
                {"message": f"POST {PREFIX}warm?function=NAME (repeatable) warms functions"}, 400
            )
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
