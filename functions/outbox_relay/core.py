"""The relay's logic: publish one outbox entry's event, as it was recorded, with its own id.

The event keeps the ``event_id`` and ``occurred_at`` the users API gave it, so a repeat publish
(a retried batch) is the same event to every consumer, and consumers deduplicate on the id.

``FailOnce`` is the demo's fault injection, off unless ``RELAY_FAIL_ONCE_EMAIL`` names an
address: the first relay attempt of each event about that address fails (its attempts are
counted on the outbox item, so the count survives a new execution environment), the stream
mapping retries, and the second attempt publishes. It shows that a failure between the write
and the publish delays the event and loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.errors import UserServiceError
from shared.outbox import OutboxEntry
from shared.publisher import Publisher

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class InjectedRelayFailureError(UserServiceError):
    """The fault injection failed this attempt on purpose (RELAY_FAIL_ONCE_EMAIL)."""


class FailOnce:
    """Fails the first relay attempt of every event about one e-mail address."""

    def __init__(self, dynamodb: DynamoDBClient, outbox_table: str, email: str) -> None:
        self._db = dynamodb
        self._table = outbox_table
        self.email = email.strip().lower()

    def check(self, entry: OutboxEntry) -> None:
        """Raise on the entry's first attempt if it is about the address; count the attempt."""
        if not self.email or getattr(entry.event, "email", None) != self.email:
            return
        response = self._db.update_item(
            TableName=self._table,
            Key={"pk": {"S": entry.user_id}, "version": {"N": str(entry.version)}},
            UpdateExpression="ADD relay_attempts :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        attempts = int(response["Attributes"]["relay_attempts"]["N"])
        if attempts == 1:
            raise InjectedRelayFailureError(
                f"injected failure: first relay attempt of event {entry.event.event_id} "
                f"({self.email}); the stream mapping retries it"
            )


class Relay:
    """Publishes outbox entries, after the optional fault injection."""

    def __init__(self, publisher: Publisher, fault: FailOnce | None = None) -> None:
        self._publisher = publisher
        self._fault = fault

    def relay(self, entry: OutboxEntry) -> None:
        if self._fault is not None:
            self._fault.check(entry)
        self._publisher.publish([entry.event])
