"""screening handler: invoked asynchronously by an EventBridge rule with a candidate sign-up.

Publishing ``UserFlagged`` to the bus chains the flag to user_directory. A failure raises, so Lambda
retries and then sends the event to the on-failure destination queue.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from screening.core import flag, screen
from shared import clients, envelopes
from shared.contracts import UserCreated
from shared.publisher import BusPublisher

SOURCE = "users.screening"

logger = Logger()


@cache
def publisher() -> BusPublisher:
    """The bus publisher, built on first use."""
    return BusPublisher(clients.events(), os.environ.get("EVENT_BUS_NAME", "users"), SOURCE)


# Provisioned environments build their clients during init (a no-op elsewhere).
clients.prepare_when_provisioned(publisher)


@logger.inject_lambda_context(correlation_id_path="detail.correlation_id")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str | None]:
    """Lambda entry point; returns the flag's reason, or None when the sign-up passed."""
    user_event = envelopes.from_eventbridge(event)
    if not isinstance(user_event, UserCreated):
        logger.info("not a sign-up, skipped", extra={"event_type": user_event.event_type})
        return {"user_id": user_event.user_id, "flagged": None}
    reason = screen(user_event)
    if reason is None:
        logger.info("sign-up passed screening", extra={"user_id": user_event.user_id})
    else:
        publisher().publish([flag(user_event, reason)])
        logger.warning("sign-up flagged", extra={"user_id": user_event.user_id, "reason": reason})
    return {"user_id": user_event.user_id, "flagged": reason}
