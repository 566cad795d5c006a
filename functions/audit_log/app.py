"""audit_log handler: invoked asynchronously by an EventBridge rule with one user event.

A failure raises, so Lambda retries (twice) and then sends the event to the on-failure
destination queue.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from audit_log.core import AuditLog
from shared import clients, envelopes
from shared.config import require_env

logger = Logger()


@cache
def audit_log() -> AuditLog:
    """The audit bucket, wired on first use."""
    return AuditLog(clients.s3(), require_env("AUDIT_BUCKET_NAME"))


# Provisioned environments build their clients during init (a no-op elsewhere).
clients.prepare_when_provisioned(audit_log)


@logger.inject_lambda_context(correlation_id_path="detail.correlation_id")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    """Lambda entry point."""
    user_event = envelopes.from_eventbridge(event)
    key = audit_log().record(user_event, event)
    logger.info("event audited", extra={"key": key, "event_type": user_event.event_type})
    return {"bucket": audit_log().bucket, "key": key}
