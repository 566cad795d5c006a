"""What CloudWatch Logs hands a subscribed function: pure functions, checked against
Powertools' CloudWatchLogsModel.

The event is ``{"awslogs": {"data": ...}}``, the data a gzip-compressed, base64-encoded JSON
document naming the owner, log group and stream, the subscription filters that selected the
events, and the events themselves (``id``, ``timestamp`` in milliseconds, ``message``).
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Sequence
from typing import Any, TypedDict


class LogEvent(TypedDict):
    id: str
    timestamp: int
    message: str


def event_id(timestamp_ms: int, sequence: int) -> str:
    """An event id in CloudWatch Logs' form: 56 decimal digits, increasing with time."""
    return f"{timestamp_ms:020d}{sequence:036d}"


def subscription_data(
    *,
    owner: str,
    log_group: str,
    log_stream: str,
    filter_names: Sequence[str],
    events: Sequence[LogEvent],
) -> dict[str, Any]:
    """The decoded document of one delivery."""
    return {
        "messageType": "DATA_MESSAGE",
        "owner": owner,
        "logGroup": log_group,
        "logStream": log_stream,
        "subscriptionFilters": list(filter_names),
        "logEvents": [dict(event) for event in events],
    }


def awslogs_event(data: dict[str, Any]) -> dict[str, Any]:
    """The Lambda event carrying ``data``: compressed with gzip, then base64-encoded."""
    packed = gzip.compress(json.dumps(data, separators=(",", ":")).encode())
    return {"awslogs": {"data": base64.b64encode(packed).decode()}}
