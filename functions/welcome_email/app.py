"""welcome_email handler: a batch of SQS records, each an SNS notification holding ``UserCreated``.

Each record is processed on its own (Powertools ``BatchProcessor``); failures are reported as
``batchItemFailures`` so only they come back, and after three receives the queue moves them to its
DLQ. Sending is idempotent on the domain ``event_id`` (Powertools idempotency, DynamoDB): a
redelivered or re-imported sign-up never gets a second e-mail.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clients, envelopes
from shared.config import require_env
from shared.contracts import UserCreated
from welcome_email.core import Mailer, compose

# A repeat of the same sign-up weeks later must still not send twice.
REMEMBER_SECONDS = 30 * 24 * 3600

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS, model=SqsRecordModel)
idempotency = IdempotencyConfig(
    event_key_jmespath="event_id",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=REMEMBER_SECONDS,
)


@cache
def mailer() -> Mailer:
    """The mailer for this function's sender identity, built on first use."""
    return Mailer(clients.ses(), require_env("SENDER_EMAIL"))


def deliver_welcome(event: UserCreated) -> dict[str, str]:
    """Send the welcome e-mail; the result is what idempotency stores for repeats."""
    message_id = mailer().send(compose(event))
    logger.info("welcome e-mail sent", extra={"user_id": event.user_id, "ses_id": message_id})
    return {"user_id": event.user_id, "message_id": message_id}


@cache
def deliver_once() -> Callable[..., dict[str, str]]:
    """``deliver_welcome`` guarded by idempotency; built on first use so import stays offline."""
    persistence = DynamoDBPersistenceLayer(
        table_name=require_env("IDEMPOTENCY_TABLE_NAME"), boto3_client=clients.dynamodb()
    )
    guarded: Callable[..., dict[str, str]] = idempotent_function(
        data_keyword_argument="event", persistence_store=persistence, config=idempotency
    )(deliver_welcome)
    return guarded


# Provisioned environments build their clients during init (a no-op elsewhere).
clients.prepare_when_provisioned(mailer, deliver_once)


def record_handler(record: SqsRecordModel) -> dict[str, str] | None:
    """One record: unwrap, then deliver once; raising marks just this record as failed."""
    event = envelopes.from_sqs_sns(record)
    logger.set_correlation_id(event.correlation_id)
    if not isinstance(event, UserCreated):
        # The subscription's filter policy keeps these out; tolerate them if it is ever widened.
        logger.info("not a sign-up, skipped", extra={"event_type": event.event_type})
        return None
    return deliver_once()(event=event)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point; returns the partial batch response."""
    idempotency.register_lambda_context(context)
    response: dict[str, Any] = dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )
    return response
