"""`localcloud schedule` against the session's local cloud: run fires a rule or a Scheduler
schedule now, an unknown name is an error (exit 2), list shows the next firings, clock moves
the schedules' time."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from schedules_support import Queue, receive

from localcloud.admin_client import AdminClient
from localcloud.cli import main

pytestmark = pytest.mark.integration


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_schedule_run_fires_a_rule_now(
    localcloud: Any,
    sqs: Any,
    capsys: pytest.CaptureFixture[str],
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    name = make_rule("cron(0 3 1 1 ? *)", [{"Id": "q", "Arn": queue.arn}])
    code, out, _ = cli(capsys, "schedule", "run", name, "--endpoint", localcloud.endpoint_url)
    assert code == 0
    assert f"fired rule {name}" in out
    event = json.loads(receive(sqs, queue.url)[0]["Body"])
    assert event["detail-type"] == "Scheduled Event"


def test_schedule_run_fires_a_schedule_in_its_group(
    localcloud: Any,
    sqs: Any,
    scheduler: Any,
    capsys: pytest.CaptureFixture[str],
    make_queue: Callable[..., Queue],
) -> None:
    queue = make_queue()
    scheduler.create_schedule_group(Name="cli-group")
    try:
        scheduler.create_schedule(
            Name="cli-report",
            GroupName="cli-group",
            ScheduleExpression="cron(0 6 ? * MON *)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": queue.arn,
                "RoleArn": "arn:aws:iam::123456789012:role/r",
                "Input": "report",
            },
        )
        argv = ("schedule", "run", "cli-report", "--endpoint", localcloud.endpoint_url)
        code, _, err = cli(capsys, *argv)
        assert code == 2 and "no rule cli-report" in err and "--group cli-group" in err
        code, out, _ = cli(capsys, *argv, "--group", "cli-group", "--json")
        assert code == 0 and json.loads(out)["group"] == "cli-group"
        assert receive(sqs, queue.url)[0]["Body"] == "report"
    finally:
        scheduler.delete_schedule_group(Name="cli-group")


def test_schedule_run_of_an_unknown_name_fails_clearly(
    localcloud: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "schedule", "run", "no-such", "--endpoint", localcloud.endpoint_url)
    assert code == 2
    assert "no rule no-such with a schedule" in err


def test_schedule_list_shows_next_firings(
    localcloud: Any,
    capsys: pytest.CaptureFixture[str],
    clock: AdminClient,
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    clock.move_clock(now="2027-06-01T00:00:00Z")
    name = make_rule("cron(30 7 ? * FRI *)", [{"Id": "q", "Arn": queue.arn}])
    code, out, _ = cli(capsys, "schedule", "list", "--endpoint", localcloud.endpoint_url)
    assert code == 0
    [line] = [line for line in out.splitlines() if name in line]
    assert "cron(30 7 ? * FRI *)" in line and "next=2027-06-04T07:30:00Z" in line
    assert "test clock" in out


def test_schedule_clock_moves_the_time(
    localcloud: Any, capsys: pytest.CaptureFixture[str], clock: AdminClient
) -> None:
    argv = ("schedule", "clock", "--now", "2030-01-01T00:00:00Z", "--json")
    code, out, _ = cli(capsys, *argv, "--endpoint", localcloud.endpoint_url)
    assert code == 0
    assert json.loads(out)["now"].startswith("2030-01-01T00:00:0")
