"""The payloads schedules emit, as pure functions (a sibling of shapes.py).

An EventBridge rule's schedule puts a "Scheduled Event" on its targets; an EventBridge Scheduler
schedule sends its target's Input verbatim, and a delivery it gives up on goes to the schedule's
dead-letter queue with attributes saying why. tests/unit/engine/test_schedule_shapes.py holds
the event to Powertools' ``EventBridgeModel``.
"""

from __future__ import annotations

from typing import Any

from localcloud.engine.shapes import iso_seconds


def scheduled_event(
    *, event_id: str, account: str, region: str, scheduled_at: float, rule_arn: str
) -> dict[str, Any]:
    """The event a scheduled rule sends its targets at ``scheduled_at`` (epoch seconds)."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": iso_seconds(scheduled_at),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


def scheduler_dead_letter_attributes(
    *,
    schedule_arn: str,
    target_arn: str,
    code: str,
    message: str,
    retry_attempts: int,
    scheduled_at: float,
    execution_id: str,
    exhausted: str | None,
) -> dict[str, str]:
    """The message attributes EventBridge Scheduler puts on a target's input it moves to the
    schedule's DLQ; ``exhausted`` names the retry limit that ended the delivery
    (``MaximumRetryAttempts`` or ``MaximumEventAgeInSeconds``), None for an error no retry
    could fix."""
    attributes = {
        "ERROR_CODE": code,
        "ERROR_MESSAGE": message[:1000],
        "EXECUTION_ID": execution_id,
        "IS_PAYLOAD_TRUNCATED": "false",
        "RETRY_ATTEMPTS": str(retry_attempts),
        "SCHEDULED_TIME": iso_seconds(scheduled_at),
        "SCHEDULE_ARN": schedule_arn,
        "TARGET_ARN": target_arn,
    }
    if exhausted:
        attributes["EXHAUSTED_RETRY_CONDITION"] = exhausted
    return attributes
