"""signup_report: the day before's sign-ups by country, from the counters signup_stats keeps."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from functions_support import AwsResources, FakeLambdaContext, load_event

from shared import clients
from shared.contracts import UserCreated
from shared.errors import PoisonEventError
from signup_report import app
from signup_report.core import SignupReports, reported_day
from signup_stats.core import SignupCounters


@pytest.fixture
def table(aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> str:
    name = aws.table("pk")
    monkeypatch.setenv("STATS_TABLE_NAME", name)
    return name


def count(table: str, email: str, country: str, day: str) -> None:
    event = UserCreated.model_validate(
        load_event("domain", "UserCreated")
        | {"event_id": email, "email": email, "country": country, "occurred_at": f"{day}T12:00:00Z"}
    )
    SignupCounters(clients.dynamodb(), table).count(event)


def test_the_report_covers_the_utc_day_before() -> None:
    assert reported_day(datetime(2026, 12, 1, 6, tzinfo=UTC)) == date(2026, 11, 30)
    assert reported_day(datetime(2026, 1, 1, 0, 30, tzinfo=UTC)) == date(2025, 12, 31)


def test_a_day_is_totalled_and_split_by_country(table: str) -> None:
    for email, country in (("a@x.io", "GB"), ("b@x.io", "US"), ("c@x.io", "GB")):
        count(table, email, country, "2026-11-30")
    count(table, "d@x.io", "FR", "2026-12-01")

    report = SignupReports(clients.dynamodb(), table).for_day(date(2026, 11, 30))

    assert report.signups == 3
    assert report.by_country == {"GB": 2, "US": 1}


def test_a_day_without_sign_ups_reports_zero(table: str) -> None:
    report = SignupReports(clients.dynamodb(), table).for_day(date(2026, 11, 29))

    assert (report.signups, report.by_country) == (0, {})


def test_handler_reports_the_day_before_and_today_so_far(table: str) -> None:
    count(table, "a@x.io", "GB", "2026-11-30")
    count(table, "b@x.io", "DE", "2026-12-01")

    result = app.lambda_handler(load_event("signup_report", "scheduled"), FakeLambdaContext())

    assert result == {
        "day": "2026-11-30",
        "signups": 1,
        "by_country": {"GB": 1},
        "today_so_far": 1,
    }


def test_handler_repeated_event_gives_the_same_report(table: str) -> None:
    count(table, "a@x.io", "GB", "2026-11-30")
    first = app.lambda_handler(load_event("signup_report", "scheduled"), FakeLambdaContext())

    again = app.lambda_handler(load_event("signup_report", "duplicate"), FakeLambdaContext())

    assert again == first


def test_handler_refuses_an_event_that_is_not_a_schedule(table: str) -> None:
    with pytest.raises(PoisonEventError, match="not a Scheduled Event"):
        app.lambda_handler(load_event("signup_report", "malformed"), FakeLambdaContext())
