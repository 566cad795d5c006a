"""Writes one audit object per event: ``audit/yyyy/mm/dd/<event_id>.json`` (UTC, occurred-at).

The key depends only on the event, so a retried or duplicated delivery overwrites the same object
with the same content: the log stays exactly-once without any bookkeeping.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import TYPE_CHECKING, Any

from shared.contracts import DomainEvent

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PREFIX = "audit"


def audit_key(event: DomainEvent) -> str:
    """The object key for ``event``."""
    day = event.occurred_at.astimezone(UTC)
    return f"{PREFIX}/{day:%Y/%m/%d}/{event.event_id}.json"


class AuditLog:
    """The audit bucket."""

    def __init__(self, s3: S3Client, bucket: str) -> None:
        self._s3 = s3
        self.bucket = bucket

    def record(self, event: DomainEvent, envelope: dict[str, Any]) -> str:
        """Store the whole delivered envelope (source, time, detail) under the event's key."""
        key = audit_key(event)
        self._s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=json.dumps(envelope, indent=2, sort_keys=True).encode(),
            ContentType="application/json",
            Metadata={"event-type": type(event).__name__, "user-id": event.user_id},
        )
        return key
