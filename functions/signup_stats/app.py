"""signup_stats handler: invoked by SNS with ``UserCreated`` notifications.

A failure raises, so Lambda's async retries apply and then the function's dead-letter queue.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clients, envelopes
from shared.config import require_env
from shared.contracts import UserCreated
from signup_stats.core import SignupCounters, day_of

logger = Logger()


@cache
def counters() -> SignupCounters:
    """The Stats table, wired on first use."""
    return SignupCounters(clients.dynamodb(), require_env("STATS_TABLE_NAME"))


# Provisioned environments build their clients during init (a no-op elsewhere).
clients.prepare_when_provisioned(counters)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    """Lambda entry point; returns how many events were counted and how many were repeats."""
    counted = repeats = 0
    for user_event in envelopes.from_sns(event):
        logger.set_correlation_id(user_event.correlation_id)
        if not isinstance(user_event, UserCreated):
            logger.info("not a sign-up, skipped", extra={"event_type": user_event.event_type})
            continue
        if counters().count(user_event):
            counted += 1
            logger.info("sign-up counted", extra={"day": day_of(user_event)})
        else:
            repeats += 1
            logger.info("repeat, not counted", extra={"event_id": user_event.event_id})
    return {"counted": counted, "repeats": repeats}
