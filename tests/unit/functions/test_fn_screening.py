"""screening: the rules, the rule pattern in the template, and UserFlagged chained to the bus."""

from __future__ import annotations

from typing import Any

import pytest
from functions_support import AwsResources, FakeLambdaContext, load_event, template

from screening import app
from screening.core import DISPOSABLE_DOMAINS, UNSERVED_COUNTRIES, flag, screen
from shared.contracts import UserCreated
from shared.errors import PoisonEventError


def created(**changes: Any) -> UserCreated:
    return UserCreated.model_validate(load_event("domain", "UserCreated") | changes)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"email": "x@mailinator.com"}, "disposable e-mail domain mailinator.com"),
        ({"country": "AQ"}, "sign-up from unserved country AQ"),
        ({"email": "x@notmailinator.com"}, None),
        ({}, None),
    ],
)
def test_screen_gives_a_reason_only_for_suspicious_signups(changes, reason) -> None:
    assert screen(created(**changes)) == reason


def test_flag_id_derives_from_the_screened_event_so_retries_repeat_it() -> None:
    event = created(email="x@mailinator.com")

    first, again = flag(event, "r"), flag(event, "r")

    assert first.event_id == again.event_id != event.event_id
    assert (first.caused_by, first.correlation_id, first.user_id) == (
        event.event_id,
        event.correlation_id,
        event.user_id,
    )


def test_rule_pattern_selects_exactly_what_screen_flags() -> None:
    events = template()["Resources"]["ScreeningFunction"]["Properties"]["Events"]
    pattern = events["SuspiciousSignups"]["Properties"]["Pattern"]
    email_rule, country_rule = pattern["detail"]["$or"]

    assert pattern["detail-type"] == ["UserCreated"]
    assert [item["suffix"] for item in email_rule["email"]] == [
        f"@{domain}" for domain in DISPOSABLE_DOMAINS
    ]
    assert country_rule["country"] == list(UNSERVED_COUNTRIES)


@pytest.fixture
def bus(aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("EVENT_BUS_NAME", "users")
    return aws.bus_with_queue("users")


def test_handler_publishes_user_flagged_back_to_the_bus(aws, bus) -> None:
    event = load_event("screening", "disposable_email")

    result = app.lambda_handler(event, FakeLambdaContext())

    assert result == {"user_id": "u-spam", "flagged": "disposable e-mail domain mailinator.com"}
    [published] = aws.bus_events(bus)
    assert (published["source"], published["detail-type"]) == ("users.screening", "UserFlagged")
    assert published["detail"]["caused_by"] == event["detail"]["event_id"]
    assert published["detail"]["correlation_id"] == "req-spam-1"


def test_handler_unserved_country_is_flagged(aws, bus) -> None:
    result = app.lambda_handler(load_event("screening", "unserved_country"), FakeLambdaContext())

    assert result["flagged"] == "sign-up from unserved country AQ"
    assert len(aws.bus_events(bus)) == 1


def test_handler_clean_signup_publishes_nothing(aws, bus) -> None:
    result = app.lambda_handler(load_event("screening", "clean_signup"), FakeLambdaContext())

    assert result["flagged"] is None
    assert aws.bus_events(bus) == []


def test_handler_duplicate_publishes_the_same_flag_event_id(aws, bus) -> None:
    app.lambda_handler(load_event("screening", "disposable_email"), FakeLambdaContext())
    app.lambda_handler(load_event("screening", "duplicate"), FakeLambdaContext())

    flags = aws.bus_events(bus)
    assert len(flags) == 2
    assert flags[0]["detail"]["event_id"] == flags[1]["detail"]["event_id"]


def test_handler_malformed_event_raises(aws, bus) -> None:
    with pytest.raises(PoisonEventError):
        app.lambda_handler(load_event("screening", "malformed"), FakeLambdaContext())

    assert aws.bus_events(bus) == []
