"""EventBridge Scheduler's CreateSchedule and UpdateSchedule: what AWS refuses that moto accepts.

Rows of the route table (routes.py, ``Validated``), as validators.py's are: the model's
constraints first (wellformed.py), then the schedule expression (``at``, ``rate`` or ``cron``,
routing/schedule_expressions.py) and its time zone, a flexible window that has its maximum, and a
target the local cloud can deliver to. Universal targets (``arn:aws:scheduler:::aws-sdk:...``)
are refused with a message saying which targets are supported: accepting one would create a
schedule whose every firing is lost.
"""

from __future__ import annotations

import json
from typing import Any

from localcloud.gateway import wellformed
from localcloud.gateway.errors import ConstraintError, SerializationError
from localcloud.gateway.request import AwsRequest
from localcloud.routing import schedule_expressions
from localcloud.routing.schedule_expressions import ScheduleExpressionError

# What a target may be: a templated target's service.
TARGET_SERVICES = ("lambda", "sqs", "sns", "events")
MAX_WINDOW_MINUTES = 1440


def create_schedule(request: AwsRequest) -> None:
    """The model's constraints, the expression, its time zone, the window and the target."""
    wellformed.check(request)
    try:
        document: Any = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise SerializationError(f"Could not parse request body into json: {exc}") from exc
    if not isinstance(document, dict):
        raise SerializationError("the request body must be a JSON object")
    expression = str(document.get("ScheduleExpression") or "")
    try:
        schedule_expressions.parse(expression, at_allowed=True)
    except ScheduleExpressionError as exc:
        raise ConstraintError(f"Invalid Schedule Expression {expression}.") from exc
    timezone = document.get("ScheduleExpressionTimezone")
    if timezone:
        try:
            schedule_expressions.zone(str(timezone))
        except ScheduleExpressionError as exc:
            raise ConstraintError(f"Invalid timezone {timezone}.") from exc
    _check_window(document.get("FlexibleTimeWindow") or {})
    _check_target(document.get("Target") or {})


update_schedule = create_schedule


def _check_window(window: dict[str, Any]) -> None:
    mode, maximum = window.get("Mode"), window.get("MaximumWindowInMinutes")
    if mode == "FLEXIBLE" and maximum is None:
        raise ConstraintError(
            "MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE."
        )
    if mode == "OFF" and maximum is not None:
        raise ConstraintError(
            "MaximumWindowInMinutes must not be set when FlexibleTimeWindow Mode is OFF."
        )


def _check_target(target: dict[str, Any]) -> None:
    arn = str(target.get("Arn") or "")
    parts = arn.split(":", 5)
    service = parts[2] if len(parts) > 2 else ""
    if service == "scheduler" or service not in TARGET_SERVICES:
        raise ConstraintError(
            f"The local cloud cannot deliver to the target {arn}: EventBridge Scheduler "
            "targets here are Lambda functions, SQS queues, SNS topics and event buses "
            "(templated targets); universal targets (arn:aws:scheduler:::aws-sdk:...) are "
            "not supported. Use a Lambda function that makes the call instead."
        )
    if service == "events" and "event-bus/" in arn:
        parameters = target.get("EventBridgeParameters") or {}
        if not parameters.get("DetailType") or not parameters.get("Source"):
            raise ConstraintError(
                "EventBridgeParameters with DetailType and Source are required for an event "
                "bus target."
            )
