"""The transactional outbox: a domain event stored in the same DynamoDB transaction as its change.

A writer adds ``outbox_put(...)`` to the ``TransactWriteItems`` that changes the user, so the
change and its event are stored together or not at all. The outbox table's stream (NEW_IMAGE)
feeds the relay (functions/outbox_relay), which publishes each event with its own ``event_id``;
a relay that fails is retried by the stream mapping, so a failure between the write and the
publish delays the event and never loses it, and a repeat publish carries the same id for
consumers to deduplicate.

Items: ``pk`` = the user id and ``version`` = the event's version (the table's keys: a user's
events share a partition key, so the stream keeps them in order), ``event_id``, ``event_type``,
``detail`` (the event's JSON, as published) and ``expires_at`` (TTL: the table is a buffer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.contracts import (
    UserCreated,
    UserDeleted,
    UserFlagged,
    UserUpdated,
    user_event_adapter,
)
from shared.errors import PoisonEventError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# Relayed events stay a week, long enough to inspect; the relay never reads them back.
KEEP_SECONDS = 7 * 24 * 3600
OutboxEvent = UserCreated | UserUpdated | UserDeleted


def outbox_put(table: str, event: OutboxEvent) -> TransactWriteItemTypeDef:
    """The transaction item that stores ``event`` in the outbox (once: a repeat is refused)."""
    expires_at = int(event.occurred_at.timestamp()) + KEEP_SECONDS
    return {
        "Put": {
            "TableName": table,
            "Item": {
                "pk": {"S": event.user_id},
                "version": {"N": str(event.version)},
                "event_id": {"S": event.event_id},
                "event_type": {"S": event.event_type},
                "detail": {"S": event.model_dump_json()},
                "expires_at": {"N": str(expires_at)},
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


@dataclass(frozen=True)
class OutboxEntry:
    """One stored event, as the relay reads it from the stream's new image."""

    user_id: str
    version: int
    event: UserCreated | UserUpdated | UserDeleted | UserFlagged

    @classmethod
    def from_image(cls, image: dict[str, Any] | None) -> OutboxEntry:
        """Parse a deserialized NewImage; ``PoisonEventError`` if it is not an outbox item."""
        if not image or "detail" not in image:
            raise PoisonEventError(f"stream record has no outbox item: {sorted(image or {})}")
        try:
            event = user_event_adapter.validate_json(str(image["detail"]))
        except ValueError as error:
            raise PoisonEventError(f"outbox item {image.get('event_id')}: {error}") from error
        return cls(user_id=str(image["pk"]), version=int(image["version"]), event=event)
