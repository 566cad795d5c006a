"""/_localcloud/schedules: list, run and the test clock, with a fake timetable (no server).
Changes take JSON only, as every admin endpoint that changes state."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from localcloud.engine.schedules import ScheduleNotFoundError
from localcloud.gateway import ServerInfo
from localcloud.gateway.admin import Admin
from localcloud.gateway.request import AwsRequest
from localcloud.trace import TraceStore

INFO = ServerInfo("us-east-1", "000000000000", "http://127.0.0.1:4566", 0.0)


@dataclass
class FakeSchedules:
    runs: list[tuple[str, str | None]] = field(default_factory=list)
    moves: list[tuple[float | None, float | None]] = field(default_factory=list)

    def listing(self) -> list[dict[str, Any]]:
        return [{"kind": "rule", "name": "nightly", "next": "2027-01-01T00:00:00Z"}]

    def run(self, name: str, group: str | None = None) -> dict[str, Any]:
        if name == "missing":
            raise ScheduleNotFoundError("no rule missing with a schedule")
        self.runs.append((name, group))
        return {"name": name, "trace_id": "1-abc"}

    def clock_state(self) -> dict[str, Any]:
        return {"now": "2027-01-01T00:00:00+00:00", "offset_s": 0}

    def move_clock(self, advance_s: float | None = None, to: float | None = None) -> dict[str, Any]:
        self.moves.append((advance_s, to))
        return self.clock_state()


def call(
    admin: Admin,
    method: str,
    path: str,
    body: Any = None,
    content_type: str | None = "application/json",
) -> tuple[int, dict[str, Any]]:
    request = AwsRequest.parse(
        method=method,
        path=f"/_localcloud/{path}",
        query="",
        headers={"content-type": content_type} if content_type else {},
        body=b"" if body is None else json.dumps(body).encode(),
        default_region="us-east-1",
    )
    response = admin.answer(request)
    return response.status, json.loads(response.body)


@pytest.fixture
def schedules() -> FakeSchedules:
    return FakeSchedules()


@pytest.fixture
def admin(schedules: FakeSchedules) -> Admin:
    return Admin(TraceStore(), INFO, schedules=schedules)


def test_get_lists_schedules_and_the_clock(admin: Admin) -> None:
    status, body = call(admin, "GET", "schedules")
    assert status == 200
    assert body["schedules"][0]["name"] == "nightly"
    assert body["clock"]["offset_s"] == 0


def test_run_fires_the_named_schedule(admin: Admin, schedules: FakeSchedules) -> None:
    status, body = call(admin, "POST", "schedules/run", {"name": "nightly", "group": "reports"})
    assert (status, body["trace_id"]) == (200, "1-abc")
    assert schedules.runs == [("nightly", "reports")]


def test_run_of_an_unknown_name_is_404_with_the_reason(admin: Admin) -> None:
    status, body = call(admin, "POST", "schedules/run", {"name": "missing"})
    assert status == 404 and "no rule missing" in body["message"]


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": 3}, {"name": "x", "group": 1}])
def test_run_needs_a_name(admin: Admin, schedules: FakeSchedules, body: Any) -> None:
    status, answer = call(admin, "POST", "schedules/run", body)
    assert status == 400 and '"name"' in answer["message"]
    assert schedules.runs == []


def test_a_body_that_is_not_an_object_is_refused(admin: Admin) -> None:
    status, answer = call(admin, "POST", "schedules/run", ["nightly"])
    assert status == 400 and "JSON object" in answer["message"]


def test_changes_refuse_a_form_and_get(admin: Admin, schedules: FakeSchedules) -> None:
    status, _ = call(
        admin, "POST", "schedules/run", {"name": "n"}, "application/x-www-form-urlencoded"
    )
    assert status == 415
    status, _ = call(admin, "GET", "schedules/run")
    assert status == 405
    assert schedules.runs == []


def test_the_clock_moves_forward_or_to_a_time(admin: Admin, schedules: FakeSchedules) -> None:
    assert call(admin, "POST", "schedules/clock", {"advance_s": 60})[0] == 200
    assert call(admin, "POST", "schedules/clock", {"now": "2027-03-01T09:00:00Z"})[0] == 200
    assert call(admin, "POST", "schedules/clock", {"now": 1800000000})[0] == 200
    nine = datetime(2027, 3, 1, 9, tzinfo=UTC).timestamp()
    assert schedules.moves == [(60.0, None), (None, nine), (None, 1800000000.0)]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"advance_s": -1},
        {"advance_s": True},
        {"advance_s": 1, "now": 2},
        {"now": "yesterday"},
        {"now": "2027-03-01T09:00:00"},
    ],
)
def test_the_clock_refuses_what_it_cannot_use(
    admin: Admin, schedules: FakeSchedules, body: Any
) -> None:
    status, answer = call(admin, "POST", "schedules/clock", body)
    assert status == 400 and "advance_s" in answer["message"]
    assert schedules.moves == []


def test_without_schedules_the_endpoints_say_so() -> None:
    status, body = call(Admin(TraceStore(), INFO), "GET", "schedules")
    assert status == 404 and "not available" in body["message"]
