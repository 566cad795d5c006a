"""Step Functions execution logs: what a state machine's ``loggingConfiguration`` accepts, which
history events each level logs, and the CloudWatch Logs record Step Functions writes for one.

A state machine that logs writes each history event of its executions (Standard and Express) as
one JSON log event: ``id``, ``type``, ``details`` (the event's details, without ``input`` and
``output`` unless ``includeExecutionData``), ``previous_event_id``, ``event_timestamp``
(milliseconds since the epoch), ``execution_arn`` and ``redrive_count``, every value but
``details`` a string, as Step Functions writes them. Pure: no moto here.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LEVELS = ("ALL", "ERROR", "FATAL", "OFF")

# The Step Functions guide's table of log levels ("Log levels"): FATAL logs the execution's own
# failure; ERROR that, and every event of a state, task or iteration that failed or was aborted.
FATAL_EVENTS = frozenset({"ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut"})
ERROR_EVENTS = FATAL_EVENTS | {
    "FailStateEntered",
    "LambdaFunctionFailed",
    "LambdaFunctionScheduleFailed",
    "LambdaFunctionStartFailed",
    "LambdaFunctionTimedOut",
    "MapIterationAborted",
    "MapIterationFailed",
    "MapStateAborted",
    "MapStateFailed",
    "ParallelStateAborted",
    "ParallelStateFailed",
    "TaskFailed",
    "TaskStartFailed",
    "TaskStateAborted",
    "TaskSubmitFailed",
    "TaskTimedOut",
    "WaitStateAborted",
}
# What IncludeExecutionData false leaves out of an event's details.
DATA_FIELDS = ("input", "inputDetails", "output", "outputDetails")
# An input or output longer than this, escaped, is cut to it in the log (CloudWatch Logs' event
# quota), its ``...Details`` then saying ``truncated``; the history keeps it whole.
LOGGED_DATA_MAX = 248 * 1024
# A log group ARN as Step Functions takes it: it names every stream of the group.
ARN_QUALIFIER = ":*"
INVALID = "Invalid Logging Configuration: "


class LoggingConfigurationError(ValueError):
    """A loggingConfiguration Step Functions refuses; ``code`` is the error it answers."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ExecutionLogging:
    """Where and what a state machine's executions log."""

    level: str
    include_data: bool
    group_arn: str

    @property
    def region(self) -> str:
        return self.group_arn.split(":")[3]

    @property
    def account(self) -> str:
        return self.group_arn.split(":")[4]

    @property
    def group(self) -> str:
        """The log group's name (its ARN names it after ``log-group:``, before ``:*``)."""
        resource = self.group_arn.split(":", 5)[5]
        return resource.removeprefix("log-group:").removesuffix(ARN_QUALIFIER)


def checked_logging(config: Mapping[str, Any] | None) -> ExecutionLogging | None:
    """The logging a state machine's ``loggingConfiguration`` (the API's shape) asks for; None
    when it logs nothing. LoggingConfigurationError when Step Functions would refuse it."""
    if not config:
        return None
    level = config.get("level", "OFF")
    if level not in LEVELS:
        raise LoggingConfigurationError(
            "ValidationException",
            f"1 validation error detected: Value '{level}' at 'loggingConfiguration.level' "
            f"failed to satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(LEVELS)}]",
        )
    destinations = config.get("destinations") or []
    if not isinstance(destinations, list) or len(destinations) > 1:
        raise LoggingConfigurationError(
            "InvalidLoggingConfiguration",
            f"{INVALID}Step Functions takes at most one log destination "
            f"(got {len(destinations) if isinstance(destinations, list) else destinations!r}).",
        )
    if not destinations:
        # Step Functions takes a level without a destination (moto's aws_verified
        # test_describe_state_machine_using_version_arn updates to {"level": "ALL"}); nothing
        # is written anywhere then.
        return None
    group = (
        destinations[0].get("cloudWatchLogsLogGroup") if isinstance(destinations[0], dict) else None
    )
    arn = group.get("logGroupArn") if isinstance(group, dict) else None
    if not isinstance(arn, str) or not arn:
        raise LoggingConfigurationError(
            "InvalidLoggingConfiguration",
            f"{INVALID}the log destination needs cloudWatchLogsLogGroup.logGroupArn.",
        )
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[2] != "logs" or not parts[5].startswith("log-group:"):
        raise LoggingConfigurationError(
            "InvalidLoggingConfiguration", f"{INVALID}Invalid Log Group ARN: {arn}"
        )
    if not arn.endswith(ARN_QUALIFIER):
        raise LoggingConfigurationError(
            "InvalidLoggingConfiguration",
            f"{INVALID}Log Group ARN must be provided with '*' qualifier.",
        )
    if level == "OFF":
        return None
    return ExecutionLogging(level, bool(config.get("includeExecutionData", False)), arn)


def is_logged(level: str, event_type: str) -> bool:
    """Whether a state machine logging at ``level`` writes a history event of ``event_type``."""
    if level == "ALL":
        return True
    if level == "ERROR":
        return event_type in ERROR_EVENTS
    if level == "FATAL":
        return event_type in FATAL_EVENTS
    return False


def _epoch_ms(timestamp: datetime.datetime | str) -> int:
    if isinstance(timestamp, str):  # ISO 8601, "Z" for UTC
        timestamp = datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=datetime.UTC)
    return int(timestamp.timestamp() * 1000)


def log_record(
    *,
    event_id: int,
    previous_event_id: int,
    event_type: str,
    timestamp: datetime.datetime | str,
    details: Mapping[str, Any] | None,
    execution_arn: str,
    include_data: bool,
    redrive_count: int = 0,
) -> dict[str, Any]:
    """The log event Step Functions writes for one history event. ``details`` is the history
    event's one ``...EventDetails`` member (its value, not its key)."""
    body = dict(details or {})
    if not include_data:
        for field in DATA_FIELDS:
            body.pop(field, None)
    for field in ("input", "output"):
        value = body.get(field)
        if isinstance(value, str) and _escaped_size(value) > LOGGED_DATA_MAX:
            body[field] = _cut(value)
            body[f"{field}Details"] = {**(body.get(f"{field}Details") or {}), "truncated": True}
    return {
        "id": str(event_id),
        "type": event_type,
        "details": body,
        "previous_event_id": str(previous_event_id),
        "event_timestamp": str(_epoch_ms(timestamp)),
        "execution_arn": execution_arn,
        "redrive_count": str(redrive_count),
    }


def _escaped_size(text: str) -> int:
    return len(json.dumps(text)) - 2


def _cut(value: str) -> str:
    """The longest head of ``value`` whose escaped form fits LOGGED_DATA_MAX."""
    fits, over = 0, min(len(value), LOGGED_DATA_MAX) + 1
    while over - fits > 1:  # the head of length ``fits`` fits, that of ``over`` does not
        middle = (fits + over) // 2
        fits, over = (
            (middle, over) if _escaped_size(value[:middle]) <= LOGGED_DATA_MAX else (fits, middle)
        )
    return value[:fits]


def log_message(record: Mapping[str, Any]) -> str:
    """A record as the log event's message."""
    return json.dumps(record, separators=(",", ":"), default=str)


def stream_name(machine_name: str, started: datetime.datetime, serial: str = "00000000") -> str:
    """The log stream an execution started at ``started`` writes to, named as Step Functions
    names them: ``states/<state machine>/<YYYY-MM-DD-HH-MM>/<serial>``."""
    return f"states/{machine_name}/{started.astimezone(datetime.UTC):%Y-%m-%d-%H-%M}/{serial}"
