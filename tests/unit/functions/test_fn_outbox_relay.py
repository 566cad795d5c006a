"""outbox_relay: events recorded by users_api reach the bus with their ids, failures retry."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from functions_support import AwsResources, FakeLambdaContext, load_event

from outbox_relay import app
from shared import clients
from users_api.core import CreateUserRequest, UpdateUserRequest, UsersService


class Setup:
    def __init__(self, aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> None:
        self.aws = aws
        self.outbox = aws.outbox_table()
        self.bus_queue = aws.bus_with_queue("users")
        monkeypatch.setenv("OUTBOX_TABLE_NAME", self.outbox)
        monkeypatch.setenv("EVENT_BUS_NAME", "users")
        self.users = UsersService(clients.dynamodb(), aws.table("pk"), self.outbox)

    def create(self, email: str) -> str:
        request = CreateUserRequest(email=email, name="Ada", country="GB")
        return self.users.create(request, "corr-1").user_id

    def relay(self, checkpoint: str | None = None) -> dict[str, Any]:
        """Run the relay as the mapping does: INSERTs only (its filter), from ``checkpoint`` on."""
        records = [
            r
            for r in self.aws.stream_event(self.outbox)["Records"]
            if r["eventName"] == "INSERT"
            and int(r["dynamodb"]["SequenceNumber"]) >= int(checkpoint or 0)
        ]
        response: dict[str, Any] = app.lambda_handler({"Records": records}, FakeLambdaContext())
        return response


@pytest.fixture
def setup(aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> Setup:
    return Setup(aws, monkeypatch)


def test_each_recorded_event_reaches_the_bus_with_its_own_id(setup: Setup) -> None:
    user_id = setup.create("ada@example.com")
    setup.users.update(user_id, UpdateUserRequest(name="Ada King"), "corr-2")
    recorded = {
        item["event_id"]["S"] for item in setup.aws.dynamodb.scan(TableName=setup.outbox)["Items"]
    }

    assert setup.relay() == {"batchItemFailures": []}

    events = setup.aws.bus_events(setup.bus_queue)
    assert [(e["source"], e["detail-type"]) for e in events] == [
        ("users.service", "UserCreated"),
        ("users.service", "UserUpdated"),
    ]
    assert {e["detail"]["event_id"] for e in events} == recorded


def test_a_repeated_batch_publishes_the_same_event_ids(setup: Setup) -> None:
    setup.create("ada@example.com")

    setup.relay()
    setup.relay()  # the mapping retried a batch that had already been published

    events = setup.aws.bus_events(setup.bus_queue)
    assert len(events) == 2
    assert events[0]["detail"] == events[1]["detail"]


def test_fault_injection_fails_the_first_attempt_only(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the relay told to fail the first attempt of events about one address
    monkeypatch.setenv("RELAY_FAIL_ONCE_EMAIL", "retry@example.com")
    setup.create("ok@example.com")
    setup.create("retry@example.com")
    [_, second] = setup.aws.stream_event(setup.outbox)["Records"]

    # WHEN the batch is relayed, and retried from the checkpoint its response names
    first = setup.relay()
    published_first = setup.aws.bus_events(setup.bus_queue)
    checkpoint = second["dynamodb"]["SequenceNumber"]
    again = setup.relay(checkpoint)

    # THEN the first attempt reports that record only, and the retry publishes it
    assert first == {"batchItemFailures": [{"itemIdentifier": checkpoint}]}
    assert [e["detail"]["email"] for e in published_first] == ["ok@example.com"]
    assert again == {"batchItemFailures": []}
    later = setup.aws.bus_events(setup.bus_queue)
    assert [e["detail"]["email"] for e in later] == ["retry@example.com"]


def test_a_record_that_is_not_an_outbox_item_fails_alone(setup: Setup) -> None:
    setup.create("ada@example.com")
    event = setup.aws.stream_event(setup.outbox)
    poison = {**event["Records"][0], "dynamodb": {**event["Records"][0]["dynamodb"]}}
    poison["dynamodb"]["NewImage"] = {"pk": {"S": "x"}, "version": {"N": "1"}}
    poison["dynamodb"]["SequenceNumber"] = "999"
    event["Records"].append(poison)

    response = app.lambda_handler(event, FakeLambdaContext())

    assert response == {"batchItemFailures": [{"itemIdentifier": "999"}]}
    assert len(setup.aws.bus_events(setup.bus_queue)) == 1


@pytest.mark.parametrize(("case", "distinct"), [("batch", 2), ("duplicate", 1)])
def test_sample_batches_reach_the_bus(
    aws: AwsResources, monkeypatch: pytest.MonkeyPatch, case: str, distinct: int
) -> None:
    monkeypatch.setenv("EVENT_BUS_NAME", "users")
    bus_queue = aws.bus_with_queue("users")

    response = app.lambda_handler(load_event("outbox_relay", case), FakeLambdaContext())

    assert response == {"batchItemFailures": []}
    events = aws.bus_events(bus_queue)
    assert len(events) == 2
    assert len({e["detail"]["event_id"] for e in events}) == distinct


def test_a_batch_of_only_malformed_records_fails_the_invocation(
    aws: AwsResources, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENT_BUS_NAME", "users")
    bus_queue = aws.bus_with_queue("users")

    with pytest.raises(BatchProcessingError):
        app.lambda_handler(load_event("outbox_relay", "malformed"), FakeLambdaContext())

    assert aws.bus_events(bus_queue) == []
