"""The schedules' timetable with fakes for moto, the router, the senders and the timer: what
fires when the clock moves, a flexible window, the retry policy and the dead-letter queue."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from localcloud.emulator.views import ScheduledRuleView, ScheduleView
from localcloud.engine import schedules as schedules_module
from localcloud.engine.errors import DeliveryError
from localcloud.engine.schedules import Schedules
from localcloud.engine.senders import Message
from localcloud.trace import TraceContext, TraceStore

QUEUE = "arn:aws:sqs:us-east-1:123456789012:work"
DLQ = "arn:aws:sqs:us-east-1:123456789012:dlq"


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


class Timer:
    """The engine's Scheduler, run by hand: ``soon`` and due ``later`` jobs run on ``run()``."""

    def __init__(self) -> None:
        self.jobs: list[Callable[[], object]] = []

    def at(self, when: float, job: Callable[[], object]) -> None:
        pass  # the tests tick by hand

    def later(self, delay_s: float, job: Callable[[], object]) -> None:
        self.jobs.append(job)

    def soon(self, job: Callable[[], object]) -> None:
        self.jobs.append(job)

    def run(self) -> None:
        while self.jobs:
            self.jobs.pop(0)()


class Router:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def deliver_targets(self, region: str, account: str, rule: Any, event: Any, ctx: Any) -> int:
        self.events.append(event)
        return 1

    def put_events(self, region: str, account: str, entries: list[Any]) -> list[Any]:
        return [{"EventId": "e"}]


class Senders:
    """Fails the first ``failures`` sends to the target with a retriable error."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.sent: list[tuple[str, Message]] = []

    def send(self, arn: str, message: Message, context: TraceContext) -> None:
        if arn == QUEUE and self.failures:
            self.failures -= 1
            raise DeliveryError("ThrottlingException", "slow down", retriable=True)
        self.sent.append((arn, message))


def rule(expression: str, enabled: bool = True) -> ScheduledRuleView:
    return ScheduledRuleView(
        "tick", "arn:aws:events:us-east-1:1:rule/tick", "default", "us-east-1", "1", expression,
        enabled, ({"Id": "t", "Arn": QUEUE},),
    )  # fmt: skip


def schedule(expression: str, **changes: Any) -> ScheduleView:
    fields: dict[str, Any] = {
        "name": "nightly",
        "group": "default",
        "arn": "arn:aws:scheduler:us-east-1:1:schedule/default/nightly",
        "region": "us-east-1",
        "account": "1",
        "expression": expression,
        "timezone": "UTC",
        "enabled": True,
        "start": None,
        "end": None,
        "flexible_window": {"Mode": "OFF"},
        "target": {"Arn": QUEUE, "Input": "hello", "DeadLetterConfig": {"Arn": DLQ}},
        "action_after_completion": None,
    }
    fields.update(changes)
    return ScheduleView(**fields)


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """What the fake moto holds: ``rules`` and ``schedules``."""
    held: dict[str, list[Any]] = {"rules": [], "schedules": []}
    fake = schedules_module.backends
    monkeypatch.setattr(fake, "scheduled_rules", lambda: list(held["rules"]))
    monkeypatch.setattr(fake, "schedules", lambda: list(held["schedules"]))
    monkeypatch.setattr(
        fake,
        "scheduled_rule",
        lambda region, account, bus, name: next(iter(held["rules"]), None),
    )
    monkeypatch.setattr(
        fake, "schedule", lambda region, account, group, name: next(iter(held["schedules"]), None)
    )
    monkeypatch.setattr(fake, "delete_schedule", lambda *key: held["schedules"].clear())
    return held


def engine(senders: Senders | None = None) -> tuple[Schedules, Timer, Router, Senders]:
    timer, router, sent = Timer(), Router(), senders or Senders()
    return (
        Schedules(router, sent, timer, TraceStore(), rng=random.Random(7)),  # type: ignore[arg-type]
        timer,
        router,
        sent,
    )


def test_a_clock_moved_past_several_periods_fires_once(moto: dict[str, list[Any]]) -> None:
    schedules, timer, router, _ = engine()
    schedules.clock.set(epoch("2027-01-04T10:00:30"))
    moto["rules"].append(rule("rate(1 minute)"))
    schedules.refresh()
    schedules.clock.advance(600)
    assert schedules.tick() == 1
    timer.run()
    assert len(router.events) == 1
    assert router.events[0]["time"] == "2027-01-04T10:01:30Z"
    assert schedules.listing()[0]["next"] == "2027-01-04T10:11:30Z"


def test_nothing_fires_before_its_time(moto: dict[str, list[Any]]) -> None:
    schedules, _, _, _ = engine()
    schedules.clock.set(epoch("2027-01-04T08:59:00"))
    moto["rules"].append(rule("cron(0 9 ? * MON-FRI *)"))
    schedules.refresh()
    schedules.clock.advance(59)
    assert schedules.tick() == 0
    schedules.clock.advance(1)
    assert schedules.tick() == 1


def test_a_disabled_rule_has_no_next_firing(moto: dict[str, list[Any]]) -> None:
    schedules, _, _, _ = engine()
    moto["rules"].append(rule("rate(1 minute)", enabled=False))
    schedules.refresh()
    schedules.clock.advance(3600)
    assert schedules.tick() == 0
    assert schedules.listing()[0]["next"] is None


def test_a_flexible_window_fires_within_it(moto: dict[str, list[Any]]) -> None:
    schedules, _, _, _ = engine()
    schedules.clock.set(epoch("2027-01-04T09:00:00"))
    moto["schedules"].append(
        schedule(
            "cron(0 10 * * ? *)", flexible_window={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
        )
    )
    schedules.refresh()
    (entry,) = schedules._entries.values()
    assert entry.nominal == epoch("2027-01-04T10:00:00")
    assert entry.due is not None and entry.nominal < entry.due <= entry.nominal + 15 * 60


def test_start_and_end_dates_bound_the_firings(moto: dict[str, list[Any]]) -> None:
    schedules, _, _, _ = engine()
    schedules.clock.set(epoch("2027-01-01T00:00:00"))
    moto["schedules"].append(
        schedule(
            "cron(0 12 * * ? *)",
            start=epoch("2027-01-10T00:00:00"),
            end=epoch("2027-01-10T23:00:00"),
        )
    )
    schedules.refresh()
    assert schedules.listing()[0]["next"] == "2027-01-10T12:00:00Z"
    schedules.clock.set(epoch("2027-01-10T12:00:01"))
    schedules.tick()
    assert schedules.listing()[0]["next"] is None


def test_retries_stop_at_maximum_retry_attempts_then_the_dlq(moto: dict[str, list[Any]]) -> None:
    senders = Senders(failures=10)
    schedules, timer, _, _ = engine(senders)
    target = {
        "Arn": QUEUE,
        "Input": "hello",
        "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600},
        "DeadLetterConfig": {"Arn": DLQ},
    }
    moto["schedules"].append(schedule("rate(1 hour)", target=target))
    schedules.run("nightly")
    timer.run()
    assert senders.failures == 10 - 3  # the first attempt and two retries
    ((arn, message),) = senders.sent
    assert arn == DLQ and message.body == "hello"
    assert message.attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttempts"
    assert message.attributes["RETRY_ATTEMPTS"] == "2"
    assert message.attributes["ERROR_CODE"] == "ThrottlingException"


def test_a_retry_that_succeeds_sends_nothing_to_the_dlq(moto: dict[str, list[Any]]) -> None:
    senders = Senders(failures=1)
    schedules, timer, _, _ = engine(senders)
    moto["schedules"].append(schedule("rate(1 hour)"))
    schedules.run("nightly")
    timer.run()
    assert senders.sent == [(QUEUE, senders.sent[0][1])]
    assert senders.sent[0][1].body == "hello"


def test_a_completed_one_time_schedule_is_deleted(moto: dict[str, list[Any]]) -> None:
    schedules, timer, _, senders = engine()
    schedules.clock.set(epoch("2027-01-01T00:00:00"))
    moto["schedules"].append(schedule("at(2027-01-01T00:01:00)", action_after_completion="DELETE"))
    schedules.refresh()
    schedules.clock.advance(60)
    schedules.tick()
    timer.run()
    assert [arn for arn, _ in senders.sent] == [QUEUE]
    assert moto["schedules"] == [] and schedules.listing() == []


def test_an_unknown_name_says_what_is_known(moto: dict[str, list[Any]]) -> None:
    schedules, _, _, _ = engine()
    moto["rules"].append(rule("rate(1 minute)"))
    with pytest.raises(schedules_module.ScheduleNotFoundError, match="known: tick"):
        schedules.run("nope")


def test_a_logical_id_deployed_in_two_stacks_asks_for_the_full_name(
    moto: dict[str, list[Any]],
) -> None:
    schedules, _, _, _ = engine()
    for stack in ("shop", "shop-staging"):
        moto["rules"].append(
            dataclasses.replace(rule("rate(1 day)"), name=f"{stack}-CleanupNightly")
        )
    with pytest.raises(
        schedules_module.ScheduleNotFoundError,
        match=r"CleanupNightly is the logical id of a schedule in several stacks \(shop-"
        r"CleanupNightly, shop-staging-CleanupNightly\); run one by its full name",
    ):
        schedules.run("CleanupNightly")


def test_a_rate_with_a_start_date_first_fires_at_it(moto: dict[str, list[Any]]) -> None:
    schedules, _, _, _ = engine()
    schedules.clock.set(epoch("2027-01-01T00:00:00"))
    moto["schedules"].append(schedule("rate(1 hour)", start=epoch("2027-01-02T08:30:00")))
    schedules.refresh()
    assert schedules.listing()[0]["next"] == "2027-01-02T08:30:00Z"
