"""EventBridge refuses, with ValidationException worded as AWS words it, what its API model
forbids (names, lengths, enums) and schedules it cannot run, before moto creates anything."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from refusal_support import refusal, unique

PATTERN = '{"source": ["refusals"]}'


def rule_exists(events: Any, name: str) -> bool:
    try:
        events.describe_rule(Name=name)
    except ClientError:
        return False
    return True


def test_a_rule_name_with_a_space_is_refused(events: Any) -> None:
    status, code, message = refusal(events.put_rule, Name="bad name!", EventPattern=PATTERN)
    assert (status, code) == (400, "ValidationException")
    assert message == (
        "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"
    )
    assert not rule_exists(events, "bad name!")


def test_a_rule_name_over_64_characters_is_refused(events: Any) -> None:
    status, code, message = refusal(events.put_rule, Name="r" * 65, EventPattern=PATTERN)
    assert (status, code) == (400, "ValidationException")
    assert message.endswith("Member must have length less than or equal to 64")


def test_a_state_outside_the_enum_is_refused(events: Any) -> None:
    status, code, message = refusal(
        events.put_rule, Name=unique("state"), EventPattern=PATTERN, State="ON"
    )
    assert (status, code) == (400, "ValidationException")
    assert "at 'state'" in message and "enum value set" in message


@pytest.mark.parametrize(
    "schedule", ["rate(0 minutes)", "rate(1 minutes)", "rate(5 minute)", "cron(0 12 * * *)"]
)
def test_a_schedule_eventbridge_cannot_run_is_refused(events: Any, schedule: str) -> None:
    status, code, message = refusal(
        events.put_rule, Name=unique("schedule"), ScheduleExpression=schedule
    )
    assert (status, code, message) == (
        400,
        "ValidationException",
        "Parameter ScheduleExpression is not valid.",
    )


def test_a_target_id_with_a_space_is_refused(events: Any) -> None:
    rule = unique("targets")
    events.put_rule(Name=rule, EventPattern=PATTERN)
    try:
        target = {"Id": "my target", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"}
        status, code, message = refusal(events.put_targets, Rule=rule, Targets=[target])
        assert (status, code) == (400, "ValidationException")
        assert "at 'targets.1.member.id'" in message
        assert events.list_targets_by_rule(Rule=rule)["Targets"] == []
    finally:
        events.delete_rule(Name=rule)


def test_an_event_bus_name_with_a_space_is_refused(events: Any) -> None:
    status, code, _ = refusal(events.create_event_bus, Name="my bus")
    assert (status, code) == (400, "ValidationException")


def test_put_events_with_no_entries_is_refused(events: Any) -> None:
    status, code, message = refusal(events.put_events, Entries=[])
    assert (status, code) == (400, "ValidationException")
    assert message.endswith("Member must have length greater than or equal to 1")
