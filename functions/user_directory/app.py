"""user_directory handler: a batch from the FIFO queue, each body an EventBridge user event.

Powertools ``SqsFifoPartialProcessor`` keeps FIFO semantics on failure: once a record fails, the
rest of the batch is reported failed too, so nothing overtakes it. Stale events (version guard) are
successes that change nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clients, envelopes
from shared.config import require_env
from user_directory.core import Directory, Outcome

logger = Logger()
processor = SqsFifoPartialProcessor(model=SqsRecordModel)


@cache
def directory() -> Directory:
    """The Directory table, wired on first use."""
    return Directory(clients.dynamodb(), require_env("DIRECTORY_TABLE_NAME"))


# Provisioned environments build their clients during init (a no-op elsewhere).
clients.prepare_when_provisioned(directory)


def record_handler(record: SqsRecordModel) -> str:
    """Apply one event; raising fails this record and, FIFO, every later one in the batch."""
    event = envelopes.from_sqs_eventbridge(record)
    logger.set_correlation_id(event.correlation_id)
    outcome = directory().apply(event)
    log = logger.info if outcome is Outcome.APPLIED else logger.warning
    log(
        f"{event.event_type} {outcome}",
        extra={"user_id": event.user_id, "version": getattr(event, "version", None)},
    )
    return outcome.value


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point; returns the partial batch response."""
    response: dict[str, Any] = dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )
    return response
