"""The payloads schedules emit: the Scheduled Event (held to Powertools' EventBridgeModel) and
EventBridge Scheduler's dead-letter attributes."""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from localcloud.engine.schedule_shapes import scheduled_event, scheduler_dead_letter_attributes

RULE = "arn:aws:events:us-east-1:123456789012:rule/nightly"
AT = datetime(2026, 12, 7, 9, tzinfo=UTC).timestamp()


def test_scheduled_event_parses_as_powertools_eventbridge_model() -> None:
    event = scheduled_event(
        event_id="e-1", account="123456789012", region="us-east-1", scheduled_at=AT, rule_arn=RULE
    )
    parsed = EventBridgeModel.model_validate(event)
    assert parsed.detail_type == "Scheduled Event"
    assert parsed.source == "aws.events"
    assert parsed.time == datetime(2026, 12, 7, 9, tzinfo=UTC)
    assert parsed.resources == [RULE]
    assert parsed.detail == {}
    assert event["version"] == "0" and event["time"] == "2026-12-07T09:00:00Z"


def test_dead_letter_attributes_name_the_exhausted_condition_only_when_one_ended_it() -> None:
    common = {
        "schedule_arn": "arn:aws:scheduler:us-east-1:123456789012:schedule/default/s",
        "target_arn": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "code": "TooManyRequestsException",
        "message": "x" * 2000,
        "scheduled_at": AT,
        "execution_id": "run-1",
    }
    exhausted = scheduler_dead_letter_attributes(
        **common, retry_attempts=3, exhausted="MaximumRetryAttempts"
    )
    assert exhausted["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttempts"
    assert exhausted["RETRY_ATTEMPTS"] == "3"
    assert exhausted["SCHEDULED_TIME"] == "2026-12-07T09:00:00Z"
    assert len(exhausted["ERROR_MESSAGE"]) == 1000
    assert exhausted["IS_PAYLOAD_TRUNCATED"] == "false"
    poison = scheduler_dead_letter_attributes(**common, retry_attempts=0, exhausted=None)
    assert "EXHAUSTED_RETRY_CONDITION" not in poison
