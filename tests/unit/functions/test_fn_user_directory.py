"""user_directory: FIFO batches applied in order, stale events skipped, flags kept."""

from __future__ import annotations

from typing import Any

import pytest
from functions_support import AwsResources, FakeLambdaContext, load_event

from shared import clients
from shared.contracts import UserCreated, UserDeleted, UserFlagged, UserUpdated, user_event_adapter
from user_directory import app
from user_directory.core import Directory, Outcome

CREATED = UserCreated.model_validate(load_event("domain", "UserCreated"))
UPDATED = UserUpdated.model_validate(load_event("domain", "UserUpdated"))
DELETED = UserDeleted.model_validate(load_event("domain", "UserDeleted"))


@pytest.fixture
def table(aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> str:
    name = aws.table("user_id")
    monkeypatch.setenv("DIRECTORY_TABLE_NAME", name)
    return name


def row(aws: AwsResources, table: str, user_id: str) -> dict[str, Any]:
    item = aws.dynamodb.get_item(TableName=table, Key={"user_id": {"S": user_id}})["Item"]
    return {key: next(iter(value.values())) for key, value in item.items()}


def test_version_guard_skips_older_and_equal_versions(aws, table) -> None:
    directory = Directory(clients.dynamodb(), table)

    outcomes = [directory.apply(e) for e in (UPDATED, CREATED, UPDATED)]

    assert outcomes == [Outcome.APPLIED, Outcome.STALE, Outcome.STALE]
    assert row(aws, table, "u-ada")["name"] == "Ada King"


def test_delete_leaves_a_tombstone_a_late_update_cannot_revive(aws, table) -> None:
    directory = Directory(clients.dynamodb(), table)
    directory.apply(CREATED)
    directory.apply(DELETED)

    late = UPDATED.model_copy(update={"version": 3})
    assert directory.apply(late) is Outcome.STALE
    assert (row(aws, table, "u-ada")["status"], row(aws, table, "u-ada")["version"]) == (
        "deleted",
        "4",
    )


def test_flag_arriving_before_create_survives_the_create(aws, table) -> None:
    directory = Directory(clients.dynamodb(), table)
    flag = UserFlagged.model_validate(load_event("domain", "UserFlagged")).model_copy(
        update={"user_id": "u-ada"}
    )

    directory.apply(flag)
    directory.apply(CREATED)

    stored = row(aws, table, "u-ada")
    assert (stored["flagged"], stored["name"], stored["version"]) == (True, "Ada Lovelace", "1")


def test_handler_applies_a_batch_in_order(aws, table) -> None:
    response = app.lambda_handler(load_event("user_directory", "in_order"), FakeLambdaContext())

    assert response == {"batchItemFailures": []}
    stored = row(aws, table, "u-ada")
    assert (stored["status"], stored["version"], stored["email"]) == (
        "deleted",
        "4",
        "ada.king@example.com",
    )


def test_handler_out_of_order_event_is_skipped_not_applied(aws, table) -> None:
    response = app.lambda_handler(load_event("user_directory", "out_of_order"), FakeLambdaContext())

    assert response == {"batchItemFailures": []}
    stored = row(aws, table, "u-ada")
    assert (stored["version"], stored["email"]) == ("3", "ada.king@example.com")


def test_handler_marks_flagged_user(aws, table) -> None:
    app.lambda_handler(load_event("user_directory", "flagged"), FakeLambdaContext())

    stored = row(aws, table, "u-spam")
    assert stored["flagged"] is True
    assert stored["flag_reason"] == "disposable e-mail domain mailinator.com"


def test_handler_duplicate_is_applied_once(aws, table) -> None:
    response = app.lambda_handler(load_event("user_directory", "duplicate"), FakeLambdaContext())

    assert response == {"batchItemFailures": []}
    assert row(aws, table, "u-ada")["last_event_id"] == CREATED.event_id


def test_handler_malformed_record_fails_it_and_everything_after_it(aws, table) -> None:
    event = load_event("user_directory", "malformed")

    response = app.lambda_handler(event, FakeLambdaContext())

    ids = [record["messageId"] for record in event["Records"]]
    assert response == {"batchItemFailures": [{"itemIdentifier": i} for i in ids[1:]]}
    # The record after the poison one was not applied: FIFO order is kept for the retry.
    assert row(aws, table, "u-ada")["version"] == "1"


def test_sample_directory_events_are_user_events() -> None:
    assert user_event_adapter.validate_python(load_event("domain", "UserDeleted")) == DELETED
