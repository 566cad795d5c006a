"""Counts sign-ups per day and per day and country, atomically and at most once per event.

One ``TransactWriteItems`` puts a seen-marker ``SEEN#<event_id>`` (only if absent) and adds one to
the counters ``DAY#<yyyy-mm-dd>`` and ``DAY#<yyyy-mm-dd>#COUNTRY#<cc>``. Either all three happen
or none: a redelivered event fails the marker's condition and counts nothing, and a crash between
writes cannot leave a counter incremented without its marker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from shared.contracts import UserCreated, utc_now

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# SNS redelivers within hours; a week of markers is plenty, and TTL keeps the table small.
MARKER_TTL = timedelta(days=7)


def day_of(event: UserCreated) -> str:
    """The UTC day an event counts for."""
    return event.occurred_at.astimezone(UTC).date().isoformat()


class SignupCounters:
    """The Stats table, keyed by ``pk``."""

    def __init__(
        self,
        dynamodb: DynamoDBClient,
        table_name: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = dynamodb
        self._table = table_name
        self._clock = clock

    def count(self, event: UserCreated) -> bool:
        """Count ``event``; ``False`` if it had been counted before."""
        day = day_of(event)
        expires = int((self._clock() + MARKER_TTL).timestamp())
        one = {":one": {"N": "1"}}
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": {
                                "pk": {"S": f"SEEN#{event.event_id}"},
                                "expires_at": {"N": str(expires)},
                            },
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": {"pk": {"S": f"DAY#{day}"}},
                            "UpdateExpression": "ADD signups :one",
                            "ExpressionAttributeValues": one,
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": {"pk": {"S": f"DAY#{day}#COUNTRY#{event.country}"}},
                            "UpdateExpression": "ADD signups :one",
                            "ExpressionAttributeValues": one,
                        }
                    },
                ]
            )
        except ClientError as error:
            if _marker_existed(error):
                return False
            raise
        return True

    def signups_on(self, day: str, country: str | None = None) -> int:
        """The counter for ``day`` (and ``country``), 0 if nothing was counted."""
        pk = f"DAY#{day}" if country is None else f"DAY#{day}#COUNTRY#{country}"
        item = self._db.get_item(
            TableName=self._table, Key={"pk": {"S": pk}}, ConsistentRead=True
        ).get("Item")
        return int(item["signups"]["N"]) if item else 0


def _marker_existed(error: ClientError) -> bool:
    if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = error.response.get("CancellationReasons", [])
    if reasons:
        return reasons[0].get("Code") == "ConditionalCheckFailed"
    # Some emulators omit the reasons; only the marker carries a condition in this transaction.
    return "ConditionalCheckFailed" in error.response.get("Error", {}).get("Message", "")
