"""The users API's logic: validate requests, keep e-mails unique, write users and their events.

One DynamoDB table holds two kinds of items, told apart by ``pk``:

- ``USER#<user_id>``: the user (email, name, country, version);
- ``EMAIL#<email>``: a lock naming the user that owns the address. Every write that takes an
  address puts its lock with ``attribute_not_exists(pk)`` in the same transaction as the user, so
  two users can never hold one address, however requests interleave.

Every write is conditional on the version that was read, so concurrent updates of one user are
serialized: the loser gets ``ConcurrentUpdateError`` and events leave with strictly increasing
versions. Each write's domain event goes into the outbox table in the same transaction
(shared/outbox.py): the relay publishes it from the table's stream, so an event is never lost
between the write and the publish, nor published for a write that did not happen. The DynamoDB
client is injected; nothing here builds a client.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from shared.contracts import (
    Country,
    Email,
    Name,
    UserCreated,
    UserDeleted,
    UserUpdated,
    utc_now,
)
from shared.outbox import OutboxEvent, outbox_put
from users_api.errors import (
    ConcurrentUpdateError,
    EmailTakenError,
    InvalidRequestError,
    UserNotFoundError,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("email", mode="before", check_fields=False)
    @classmethod
    def _lower_email(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("country", mode="before", check_fields=False)
    @classmethod
    def _upper_country(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


class CreateUserRequest(_Request):
    """Body of ``POST /users``."""

    email: Email
    name: Name
    country: Country


class UpdateUserRequest(_Request):
    """Body of ``PUT /users/{id}``: any of the fields, at least one."""

    email: Email | None = None
    name: Name | None = None
    country: Country | None = None

    def fields(self) -> dict[str, str]:
        """The fields the request sets."""
        return self.model_dump(exclude_none=True)


def parse_request[R: _Request](model: type[R], body: str | None) -> R:
    """``body`` parsed into ``model``; ``InvalidRequestError`` says which field is wrong and why."""
    if not body:
        raise InvalidRequestError(f"request body is empty; expected JSON with {_field_list(model)}")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as error:
        raise InvalidRequestError(f"request body is not JSON: {error}") from error
    try:
        request = model.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item['loc']) or 'body'}: {item['msg']}"
            for item in error.errors(include_url=False)
        )
        raise InvalidRequestError(f"invalid {model.__name__}: {problems}") from error
    if isinstance(request, UpdateUserRequest) and not request.fields():
        raise InvalidRequestError(f"nothing to update; send at least one of {_field_list(model)}")
    return request


def _field_list(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


@dataclass(frozen=True)
class User:
    """A user as stored and returned by the API."""

    user_id: str
    email: str
    name: str
    country: str
    version: int

    def to_json(self) -> dict[str, Any]:
        """The API representation."""
        return {
            "user_id": self.user_id,
            "email": self.email,
            "name": self.name,
            "country": self.country,
            "version": self.version,
        }


def _user_key(user_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": f"USER#{user_id}"}}


def _email_key(email: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": f"EMAIL#{email}"}}


def _is_condition_failure(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    return code in {"ConditionalCheckFailedException", "TransactionCanceledException"}


def _cancellation_codes(error: ClientError) -> list[str]:
    reasons = error.response.get("CancellationReasons", [])
    return [str(reason.get("Code", "None")) for reason in reasons]


class UsersService:
    """Creates, updates and deletes users, recording one event per successful write."""

    def __init__(
        self,
        dynamodb: DynamoDBClient,
        table_name: str,
        outbox_table: str,
        clock: Callable[[], datetime] = utc_now,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._db = dynamodb
        self._table = table_name
        self._outbox = outbox_table
        self._clock = clock
        self._new_id = new_id

    def create(self, request: CreateUserRequest, correlation_id: str) -> User:
        """Store a new user with ``UserCreated``; ``EmailTakenError`` on a taken address."""
        user = User(self._new_id(), request.email, request.name, request.country, version=1)
        now = self._clock()
        event = UserCreated(
            correlation_id=correlation_id,
            user_id=user.user_id,
            email=user.email,
            name=user.name,
            country=user.country,
            version=user.version,
            occurred_at=now,
        )
        try:
            self._db.transact_write_items(
                TransactItems=[
                    self._put_email_lock(user.email, user.user_id),
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": {
                                **_user_key(user.user_id),
                                **self._user_attrs(user, now.isoformat()),
                            },
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    self._record(event),
                ]
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise EmailTakenError(f"e-mail {user.email} is already registered") from error
            raise
        return user

    def update(self, user_id: str, request: UpdateUserRequest, correlation_id: str) -> User:
        """Apply the changed fields, bump the version and record ``UserUpdated``."""
        current = self.get(user_id)
        changes = {k: v for k, v in request.fields().items() if getattr(current, k) != v}
        if not changes:
            return current
        updated = User(
            user_id=current.user_id,
            email=changes.get("email", current.email),
            name=changes.get("name", current.name),
            country=changes.get("country", current.country),
            version=current.version + 1,
        )
        now = self._clock()
        event = UserUpdated(
            correlation_id=correlation_id,
            user_id=user_id,
            email=updated.email,
            name=updated.name,
            country=updated.country,
            changed=sorted(changes),
            version=updated.version,
            occurred_at=now,
        )
        items: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **_user_key(user_id),
                        **self._user_attrs(updated, now.isoformat()),
                    },
                    "ConditionExpression": "version = :seen",
                    "ExpressionAttributeValues": {":seen": {"N": str(current.version)}},
                }
            }
        ]
        if "email" in changes:
            items.append(self._put_email_lock(updated.email, user_id))
            items.append(self._delete_email_lock(current.email, user_id))
        items.append(self._record(event))
        try:
            self._db.transact_write_items(TransactItems=items)
        except ClientError as error:
            if not _is_condition_failure(error):
                raise
            codes = _cancellation_codes(error)
            # Item 1 is the new address's lock when the address changes (else the outbox item).
            if "email" in changes and len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
                raise EmailTakenError(f"e-mail {updated.email} is already registered") from error
            raise ConcurrentUpdateError(
                f"user {user_id} changed while it was being updated; read it again and retry"
            ) from error
        return updated

    def delete(self, user_id: str, correlation_id: str) -> User:
        """Delete the user and its e-mail lock; record ``UserDeleted`` with the next version."""
        current = self.get(user_id)
        event = UserDeleted(
            correlation_id=correlation_id,
            user_id=user_id,
            email=current.email,
            version=current.version + 1,
            occurred_at=self._clock(),
        )
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": _user_key(user_id),
                            "ConditionExpression": "version = :seen",
                            "ExpressionAttributeValues": {":seen": {"N": str(current.version)}},
                        }
                    },
                    self._delete_email_lock(current.email, user_id),
                    self._record(event),
                ]
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise ConcurrentUpdateError(
                    f"user {user_id} changed while it was being deleted; read it again and retry"
                ) from error
            raise
        return current

    def get(self, user_id: str) -> User:
        """The stored user; ``UserNotFoundError`` if there is none."""
        item = self._db.get_item(
            TableName=self._table, Key=_user_key(user_id), ConsistentRead=True
        ).get("Item")
        if not item:
            raise UserNotFoundError(f"no user with id {user_id}")
        return User(
            user_id=user_id,
            email=str(item["email"]["S"]),
            name=str(item["name"]["S"]),
            country=str(item["country"]["S"]),
            version=int(item["version"]["N"]),
        )

    def _record(self, event: OutboxEvent) -> TransactWriteItemTypeDef:
        """The event's outbox item, written in the same transaction as its change."""
        return outbox_put(self._outbox, event)

    def _user_attrs(self, user: User, now: str) -> dict[str, AttributeValueTypeDef]:
        return {
            "user_id": {"S": user.user_id},
            "email": {"S": user.email},
            "name": {"S": user.name},
            "country": {"S": user.country},
            "version": {"N": str(user.version)},
            "updated_at": {"S": now},
        }

    def _put_email_lock(self, email: str, user_id: str) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self._table,
                "Item": {**_email_key(email), "user_id": {"S": user_id}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def _delete_email_lock(self, email: str, user_id: str) -> TransactWriteItemTypeDef:
        return {
            "Delete": {
                "TableName": self._table,
                "Key": _email_key(email),
                "ConditionExpression": "user_id = :owner",
                "ExpressionAttributeValues": {":owner": {"S": user_id}},
            }
        }
