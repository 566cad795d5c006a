"""Applies user events to the Directory table, never letting an older event undo a newer one.

The FIFO queue delivers in order, but order is not the only threat: redeliveries, replays and a
user re-imported after updates all bring old versions back. So every write that changes a user's
state is conditional on ``version`` being lower than the event's (the version guard): a stale
event is skipped, not applied. A deleted user stays as a tombstone (``status = deleted``) so a late
update cannot bring it back.

``UserFlagged`` is orthogonal to versions: it sets the flag whatever the version, and the writes
for the other events never touch the flag, so the flag survives whichever arrives first.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from shared.contracts import UserCreated, UserDeleted, UserFlagged, UserUpdated, utc_now

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

type DirectoryEvent = UserCreated | UserUpdated | UserDeleted | UserFlagged

NEWER_THAN_STORED = "attribute_not_exists(version) OR version < :version"


class Outcome(enum.StrEnum):
    """What applying one event did."""

    APPLIED = "applied"
    STALE = "stale"


class Directory:
    """The Directory table, keyed by ``user_id``."""

    def __init__(
        self,
        dynamodb: DynamoDBClient,
        table_name: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = dynamodb
        self._table = table_name
        self._clock = clock

    def apply(self, event: DirectoryEvent) -> Outcome:
        """Apply ``event``; ``STALE`` when the stored version is already as new or newer."""
        if isinstance(event, UserFlagged):
            return self._flag(event)
        values: dict[str, AttributeValueTypeDef] = {
            ":version": {"N": str(event.version)},
            ":email": {"S": event.email},
            ":event_id": {"S": event.event_id},
            ":at": {"S": self._clock().isoformat()},
        }
        assignments = [
            "version = :version",
            "email = :email",
            "last_event_id = :event_id",
            "updated_at = :at",
            "#status = :status",
        ]
        if isinstance(event, UserDeleted):
            values[":status"] = {"S": "deleted"}
        else:
            values[":status"] = {"S": "active"}
            values[":name"] = {"S": event.name}
            values[":country"] = {"S": event.country}
            assignments += ["#name = :name", "country = :country"]
        try:
            self._db.update_item(
                TableName=self._table,
                Key={"user_id": {"S": event.user_id}},
                UpdateExpression="SET " + ", ".join(assignments),
                ConditionExpression=NEWER_THAN_STORED,
                ExpressionAttributeNames={"#status": "status", **_name_attr(event)},
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return Outcome.STALE
            raise
        return Outcome.APPLIED

    def _flag(self, event: UserFlagged) -> Outcome:
        self._db.update_item(
            TableName=self._table,
            Key={"user_id": {"S": event.user_id}},
            UpdateExpression=(
                "SET flagged = :true, flag_reason = :reason, flagged_by = :caused_by, "
                "email = if_not_exists(email, :email), updated_at = :at"
            ),
            ExpressionAttributeValues={
                ":true": {"BOOL": True},
                ":reason": {"S": event.reason},
                ":caused_by": {"S": event.caused_by},
                ":email": {"S": event.email},
                ":at": {"S": self._clock().isoformat()},
            },
        )
        return Outcome.APPLIED


def _name_attr(event: DirectoryEvent) -> dict[str, str]:
    # "name" is a DynamoDB reserved word; only map it when the expression uses it, since
    # DynamoDB rejects unused expression attribute names.
    return {} if isinstance(event, UserDeleted | UserFlagged) else {"#name": "name"}
