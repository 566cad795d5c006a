"""signup_stats: daily and per-country counters, atomic and counted once per event."""

from __future__ import annotations

import pytest
from functions_support import AwsResources, FakeLambdaContext, load_event

from shared import clients
from shared.contracts import UserCreated
from shared.errors import PoisonEventError
from signup_stats import app
from signup_stats.core import SignupCounters


@pytest.fixture
def counters(aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> SignupCounters:
    name = aws.table("pk")
    monkeypatch.setenv("STATS_TABLE_NAME", name)
    return SignupCounters(clients.dynamodb(), name)


def signup(email: str, country: str) -> UserCreated:
    return UserCreated.model_validate(
        load_event("domain", "UserCreated")
        | {"event_id": email, "email": email, "country": country}
    )


def test_counts_per_day_and_country_once_per_event(counters) -> None:
    results = [
        counters.count(signup("a@example.com", "GB")),
        counters.count(signup("b@example.com", "US")),
        counters.count(signup("a@example.com", "GB")),
    ]

    assert results == [True, True, False]
    assert counters.signups_on("2026-11-30") == 2
    assert counters.signups_on("2026-11-30", "GB") == 1
    assert counters.signups_on("2026-12-01") == 0


def test_handler_counts_a_signup(counters) -> None:
    result = app.lambda_handler(load_event("signup_stats", "user_created"), FakeLambdaContext())

    assert result == {"counted": 1, "repeats": 0}
    assert counters.signups_on("2026-11-30", "US") == 1


def test_handler_duplicate_notification_is_not_counted_again(counters) -> None:
    app.lambda_handler(load_event("signup_stats", "user_created"), FakeLambdaContext())

    result = app.lambda_handler(load_event("signup_stats", "duplicate"), FakeLambdaContext())

    assert result == {"counted": 0, "repeats": 1}
    assert counters.signups_on("2026-11-30") == 1


def test_handler_malformed_message_raises_for_retries_and_dlq(counters) -> None:
    with pytest.raises(PoisonEventError, match="SNS message"):
        app.lambda_handler(load_event("signup_stats", "malformed"), FakeLambdaContext())

    assert counters.signups_on("2026-11-30") == 0
