"""users_api: request validation, unique e-mails, versioned writes, events in the outbox."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest
from functions_support import AwsResources, FakeLambdaContext, load_event

from outbox_relay import app as relay_app
from shared import clients
from shared.contracts import UserCreated, UserDeleted, UserUpdated, user_event_adapter
from users_api import app
from users_api.core import CreateUserRequest, UpdateUserRequest, UsersService, parse_request
from users_api.errors import (
    ConcurrentUpdateError,
    EmailTakenError,
    InvalidRequestError,
    UserNotFoundError,
)


class Outbox:
    """Reads back the events a service recorded in its outbox table."""

    def __init__(self, aws: AwsResources) -> None:
        self.table = aws.outbox_table()
        self._db = aws.dynamodb

    @property
    def published(self) -> list[Any]:
        """Every recorded event, oldest first (the name the tests kept from the publisher)."""
        items = self._db.scan(TableName=self.table, ConsistentRead=True)["Items"]
        events = [user_event_adapter.validate_json(item["detail"]["S"]) for item in items]
        return sorted(events, key=lambda e: (e.occurred_at, getattr(e, "version", 0)))


@pytest.fixture
def service(aws: AwsResources) -> tuple[UsersService, Outbox]:
    outbox = Outbox(aws)
    ids = iter(f"u-{n}" for n in range(100))
    users = UsersService(
        clients.dynamodb(), aws.table("pk"), outbox.table, new_id=lambda: next(ids)
    )
    return users, outbox


def create(email: str = "ada@example.com") -> CreateUserRequest:
    return CreateUserRequest(email=email, name="Ada Lovelace", country="GB")


# ---- pure request parsing ----


def test_request_is_normalised() -> None:
    request = parse_request(
        CreateUserRequest, '{"email": " Ada@Example.COM ", "name": " Ada ", "country": "gb"}'
    )

    assert (request.email, request.name, request.country) == ("ada@example.com", "Ada", "GB")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "request body is empty"),
        ("{not json", "not JSON"),
        ('{"email": "x", "name": "A", "country": "GB"}', "email"),
        ('{"email": "a@example.com", "name": "A", "country": "GBR"}', "country"),
        ('{"email": "a@example.com", "name": "A", "country": "GB", "admin": true}', "admin"),
    ],
)
def test_invalid_create_request_says_which_field(body: str | None, message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        parse_request(CreateUserRequest, body)


def test_empty_update_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="nothing to update"):
        parse_request(UpdateUserRequest, "{}")


# ---- core against a moto table ----


def test_create_stores_user_and_records_user_created(service) -> None:
    users, publisher = service

    user = users.create(create(), correlation_id="c-1")

    assert users.get(user.user_id) == user
    [event] = publisher.published
    assert isinstance(event, UserCreated)
    assert (event.user_id, event.email, event.version, event.correlation_id) == (
        user.user_id,
        "ada@example.com",
        1,
        "c-1",
    )


def test_duplicate_email_is_refused_and_records_nothing(service) -> None:
    users, publisher = service
    users.create(create(), correlation_id="c-1")

    with pytest.raises(EmailTakenError, match=r"ada@example\.com"):
        users.create(create(), correlation_id="c-2")

    assert len(publisher.published) == 1


def test_updates_bump_version_and_report_changed_fields(service) -> None:
    users, publisher = service
    user = users.create(create(), correlation_id="c-1")

    users.update(user.user_id, UpdateUserRequest(name="Ada King"), "c-2")
    final = users.update(user.user_id, UpdateUserRequest(email="king@example.com"), "c-3")

    assert final.version == 3
    updates = [e for e in publisher.published if isinstance(e, UserUpdated)]
    assert [(e.version, e.changed) for e in updates] == [(2, ["name"]), (3, ["email"])]


def test_changing_email_frees_the_old_address_and_takes_the_new(service) -> None:
    users, _ = service
    ada = users.create(create("ada@example.com"), "c-1")
    users.update(ada.user_id, UpdateUserRequest(email="king@example.com"), "c-2")

    other = users.create(create("ada@example.com"), "c-3")
    with pytest.raises(EmailTakenError):
        users.update(other.user_id, UpdateUserRequest(email="king@example.com"), "c-4")

    assert users.get(other.user_id).email == "ada@example.com"


def test_update_without_changes_records_nothing(service) -> None:
    users, publisher = service
    user = users.create(create(), "c-1")

    assert users.update(user.user_id, UpdateUserRequest(name="Ada Lovelace"), "c-2") == user
    assert len(publisher.published) == 1


def test_concurrent_update_loses_with_409(service, monkeypatch) -> None:
    users, _ = service
    user = users.create(create(), "c-1")
    stale = users.get(user.user_id)
    users.update(user.user_id, UpdateUserRequest(name="First Writer"), "c-2")
    # The second writer read the user before the first one wrote.
    monkeypatch.setattr(users, "get", lambda _user_id: stale)

    with pytest.raises(ConcurrentUpdateError, match="retry"):
        users.update(user.user_id, UpdateUserRequest(name="Second Writer"), "c-3")


def test_delete_records_next_version_and_frees_email(service) -> None:
    users, publisher = service
    user = users.create(create(), "c-1")
    users.update(user.user_id, UpdateUserRequest(country="IE"), "c-2")

    users.delete(user.user_id, "c-3")

    deleted = publisher.published[-1]
    assert isinstance(deleted, UserDeleted) and deleted.version == 3
    with pytest.raises(UserNotFoundError):
        users.get(user.user_id)
    assert users.create(create(), "c-4").email == "ada@example.com"


# ---- the handler, with the sample events ----


class Api(NamedTuple):
    aws: AwsResources
    bus_queue: str
    outbox: str

    def relay(self) -> dict[str, Any]:
        """Run the relay on every record of the outbox's stream, as the mapping would."""
        event = self.aws.stream_event(self.outbox)
        response: dict[str, Any] = relay_app.lambda_handler(event, FakeLambdaContext())
        return response


@pytest.fixture
def api(aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> Api:
    outbox = aws.outbox_table()
    monkeypatch.setenv("USERS_TABLE_NAME", aws.table("pk"))
    monkeypatch.setenv("OUTBOX_TABLE_NAME", outbox)
    monkeypatch.setenv("EVENT_BUS_NAME", "users")
    return Api(aws, aws.bus_with_queue("users"), outbox)


def call(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = app.lambda_handler(event, FakeLambdaContext())
    body = json.loads(response["body"]) if response.get("body") else {}
    return response["statusCode"], body


def with_path(event: dict[str, Any], user_id: str) -> dict[str, Any]:
    path = f"/users/{user_id}"
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["pathParameters"] = {"user_id": user_id}
    return event


def test_handler_create_update_delete_flow_is_relayed_in_order(api) -> None:
    aws, bus_queue, _ = api

    status, created = call(load_event("users_api", "create"))
    assert status == 201
    user_id = created["user_id"]
    status, updated = call(with_path(load_event("users_api", "update"), user_id))
    assert (status, updated["name"], updated["version"]) == (200, "Ada King", 2)
    assert call(with_path(load_event("users_api", "get"), user_id)) == (200, updated)
    assert call(with_path(load_event("users_api", "delete"), user_id))[0] == 204
    assert aws.bus_events(bus_queue) == []  # nothing is published until the relay runs

    assert api.relay() == {"batchItemFailures": []}
    events = aws.bus_events(bus_queue)
    assert [(e["source"], e["detail-type"], e["detail"]["version"]) for e in events] == [
        ("users.service", "UserCreated", 1),
        ("users.service", "UserUpdated", 2),
        ("users.service", "UserDeleted", 3),
    ]
    assert events[0]["detail"]["correlation_id"] == "corr-req-create-1"


def test_handler_duplicate_email_is_409(api) -> None:
    call(load_event("users_api", "create"))

    status, body = call(load_event("users_api", "create_duplicate"))

    assert status == 409
    assert body == {"message": "e-mail ada@example.com is already registered"}


@pytest.mark.parametrize(
    ("case", "fragment"),
    [("create_invalid", "email"), ("create_malformed", "not JSON")],
)
def test_handler_invalid_input_is_400_with_reason(api, case: str, fragment: str) -> None:
    aws, _, outbox = api

    status, body = call(load_event("users_api", case))

    assert status == 400
    assert fragment in body["message"]
    assert aws.dynamodb.scan(TableName=outbox)["Items"] == []


def test_handler_unknown_user_is_404(api) -> None:
    status, body = call(load_event("users_api", "update"))

    assert (status, body) == (404, {"message": "no user with id u-ada"})
