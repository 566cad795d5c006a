"""The schedules' admin endpoints, under /_localcloud/schedules (admin.py routes them here).

- ``GET /_localcloud/schedules``: every rule with a schedule and every Scheduler schedule, with
  its expression, state and next firing, soonest first, and the test clock.
- ``POST /_localcloud/schedules/run`` ``{"name": NAME, "group": GROUP?}``: fire one now (a rule
  by name, or a Scheduler schedule by name in GROUP, "default" when left out); 404 naming the
  known schedules when there is no such one.
- ``GET`` / ``POST /_localcloud/schedules/clock`` ``{"advance_s": N}`` or ``{"now": ISO-8601 or
  epoch seconds}``: the cloud's clock (clock.py), which schedules and Step Functions' waits read,
  with how many waits are on it (``waits``, ``next_wait_ends``). Tests move it forward instead
  of sleeping: what falls due fires at once (once each), the rest is planned from the new time,
  and a Wait state or Retry interval it passes ends.

Changes take a JSON body only (``not_json``, as admin.py's other endpoints).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from localcloud.errors import LocalCloudError
from localcloud.gateway.ports import Schedules
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response, json_response

PREFIX = "/_localcloud/schedules"
NotJson = Callable[[AwsRequest, str], Response | None]


def answer(schedules: Schedules | None, request: AwsRequest, not_json: NotJson) -> Response:
    if schedules is None:
        return json_response({"message": "schedules are not available here"}, 404)
    if request.path == PREFIX:
        return json_response({"schedules": schedules.listing(), "clock": schedules.clock_state()})
    if request.path == f"{PREFIX}/run":
        return _change(request, not_json, "schedules/run", lambda body: _run(schedules, body))
    if request.path == f"{PREFIX}/clock":
        if request.method == "GET":
            return json_response(schedules.clock_state())
        return _change(request, not_json, "schedules/clock", lambda body: _clock(schedules, body))
    return json_response(
        {"message": f"unknown path {request.path}; try {PREFIX}, {PREFIX}/run or {PREFIX}/clock"},
        404,
    )


def _change(
    request: AwsRequest,
    not_json: NotJson,
    endpoint: str,
    act: Callable[[dict[str, Any]], dict[str, Any]],
) -> Response:
    if request.method != "POST":
        return json_response(
            {"message": f"POST {request.path} with a JSON body"}, 405, {"Allow": "POST"}
        )
    refused = not_json(request, endpoint)
    if refused is not None:
        return refused
    try:
        body: Any = json.loads(request.body or b"{}")
    except ValueError as exc:
        return json_response({"message": f"the body is not JSON ({exc})"}, 400)
    if not isinstance(body, dict):
        return json_response({"message": f"expected a JSON object, got {body!r:.100}"}, 400)
    try:
        return json_response(act(body))
    except ValueError as exc:
        return json_response({"message": str(exc)}, 400)
    except LocalCloudError as exc:
        return json_response({"message": str(exc)}, exc.http_status)


def _run(schedules: Schedules, body: dict[str, Any]) -> dict[str, Any]:
    name, group = body.get("name"), body.get("group")
    if not isinstance(name, str) or not name or not isinstance(group, str | None):
        raise ValueError('expected {"name": NAME, "group": GROUP (optional)}')
    return schedules.run(name, group)


def _clock(schedules: Schedules, body: dict[str, Any]) -> dict[str, Any]:
    advance, now = body.get("advance_s"), body.get("now")
    usage = 'expected {"advance_s": SECONDS} or {"now": ISO-8601 time or epoch seconds}'
    if (advance is None) == (now is None):
        raise ValueError(usage)
    if advance is not None:
        if isinstance(advance, bool) or not isinstance(advance, int | float) or advance < 0:
            raise ValueError(f"{usage}; advance_s must be a number of seconds, at least 0")
        return schedules.move_clock(advance_s=float(advance))
    if isinstance(now, int | float) and not isinstance(now, bool):
        return schedules.move_clock(to=float(now))
    try:
        moment = datetime.fromisoformat(str(now).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{usage}; now is {now!r}") from exc
    if moment.tzinfo is None:
        raise ValueError(f"{usage}; now needs a time zone (e.g. 2026-12-07T09:00:00Z)")
    return schedules.move_clock(to=moment.timestamp())
