"""outbox_relay handler: a batch of DynamoDB stream records (INSERTs of the outbox table).

Each record is processed on its own (Powertools ``BatchProcessor`` for DynamoDB Streams); a
failure is reported as a ``batchItemFailures`` entry naming its sequence number, so the mapping
checkpoints there and retries from that record on (records after it may be published twice:
same event id, consumers deduplicate). After the mapping's retries a batch goes to its on-failure
queue, not lost.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from outbox_relay.core import FailOnce, Relay
from shared import clients
from shared.config import require_env
from shared.outbox import OutboxEntry
from shared.publisher import BusPublisher

SOURCE = "users.service"  # the events are the users API's: they keep its source

logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@cache
def relay() -> Relay:
    """The relay to this function's bus (and fault injection, if set), built on first use."""
    publisher = BusPublisher(
        clients.events(), os.environ.get("EVENT_BUS_NAME", "users"), source=SOURCE
    )
    email = os.environ.get("RELAY_FAIL_ONCE_EMAIL", "")
    fault = FailOnce(clients.dynamodb(), require_env("OUTBOX_TABLE_NAME"), email) if email else None
    return Relay(publisher, fault)


# Provisioned environments build their clients during init (a no-op elsewhere).
clients.prepare_when_provisioned(relay)


def relay_record(record: DynamoDBRecord) -> None:
    """Publish the event of one outbox INSERT."""
    image = record.dynamodb.new_image if record.dynamodb is not None else None
    entry = OutboxEntry.from_image(dict(image) if image is not None else None)
    relay().relay(entry)
    logger.info(
        "event relayed",
        extra={
            "event_id": entry.event.event_id,
            "event_type": entry.event.event_type,
            "user_id": entry.user_id,
            "version": entry.version,
        },
    )


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point; returns the partial batch response."""
    response: dict[str, Any] = dict(
        process_partial_response(
            event=event, record_handler=relay_record, processor=processor, context=context
        )
    )
    return response
