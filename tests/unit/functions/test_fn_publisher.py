"""shared.publisher and shared.envelopes: batching, refused entries, and the single unwrap place."""

from __future__ import annotations

import json
from typing import Any

import pytest
from functions_support import load_event

from shared import envelopes
from shared.contracts import UserCreated, UserUpdated
from shared.errors import PoisonEventError, PublishError
from shared.publisher import BusPublisher, TopicPublisher, chunks

EVENT = UserCreated.model_validate(load_event("domain", "UserCreated"))


class FakeEvents:
    """Answers PutEvents like EventBridge; refuses the entries whose index is in ``refuse``."""

    def __init__(self, refuse: frozenset[int] = frozenset()) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self.refuse = refuse

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        offset = sum(len(call) for call in self.calls)
        self.calls.append(Entries)
        results = [
            {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}
            if offset + index in self.refuse
            else {"EventId": f"id-{offset + index}"}
            for index in range(len(Entries))
        ]
        return {"FailedEntryCount": sum("ErrorCode" in r for r in results), "Entries": results}


class FakeSns:
    """Answers PublishBatch like SNS; refuses every entry with id ``refuse``."""

    def __init__(self, refuse: str | None = None) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self.refuse = refuse

    def publish_batch(self, TopicArn: str, PublishBatchRequestEntries: list[dict[str, Any]]):
        self.calls.append(PublishBatchRequestEntries)
        failed = [
            {"Id": e["Id"], "Code": "InternalError", "Message": "boom", "SenderFault": False}
            for e in PublishBatchRequestEntries
            if e["Id"] == self.refuse
        ]
        return {"Successful": [], "Failed": failed}


def many(count: int) -> list[UserCreated]:
    return [EVENT.model_copy(update={"event_id": f"e-{n}"}) for n in range(count)]


def test_chunks_are_at_most_ten() -> None:
    assert [len(chunk) for chunk in chunks(list(range(23)))] == [10, 10, 3]


def test_bus_publisher_sends_batches_of_ten_with_detail_type_and_source() -> None:
    client = FakeEvents()

    assert BusPublisher(client, "users", "users.service").publish(many(12)) == 12  # type: ignore[arg-type]

    assert [len(call) for call in client.calls] == [10, 2]
    first = client.calls[0][0]
    assert (first["EventBusName"], first["Source"], first["DetailType"]) == (
        "users",
        "users.service",
        "UserCreated",
    )
    assert json.loads(first["Detail"])["event_id"] == "e-0"


def test_bus_publisher_raises_naming_refused_events() -> None:
    client = FakeEvents(refuse=frozenset({11}))

    with pytest.raises(PublishError, match=r"event bus users refused 1 of 12 events: e-11"):
        BusPublisher(client, "users", "users.service").publish(many(12))  # type: ignore[arg-type]


def test_topic_publisher_sets_event_type_attribute_and_reports_failures() -> None:
    client = FakeSns(refuse="1")

    with pytest.raises(PublishError, match="refused 1 of 11 events: e-1: InternalError boom"):
        TopicPublisher(client, "arn:topic").publish(many(11))  # type: ignore[arg-type]

    attributes = client.calls[0][0]["MessageAttributes"]
    assert attributes == {"event_type": {"DataType": "String", "StringValue": "UserCreated"}}


def test_envelopes_unwrap_each_delivery_path_to_the_same_event() -> None:
    from aws_lambda_powertools.utilities.parser.models import SqsModel

    via_sns = envelopes.from_sns(load_event("signup_stats", "user_created"))
    via_bus = envelopes.from_eventbridge(load_event("audit_log", "user_created"))
    [sqs_sns, _] = SqsModel.model_validate(load_event("welcome_email", "batch")).Records
    [sqs_bus, update, *_] = SqsModel.model_validate(
        load_event("user_directory", "in_order")
    ).Records

    assert via_bus == envelopes.from_sqs_sns(sqs_sns) == envelopes.from_sqs_eventbridge(sqs_bus)
    assert isinstance(envelopes.from_sqs_eventbridge(update), UserUpdated)
    assert [type(e) for e in via_sns] == [UserCreated]


def test_envelope_errors_name_the_message_and_the_field() -> None:
    with pytest.raises(PoisonEventError, match=r"SNS message .*email"):
        envelopes.from_sns(load_event("signup_stats", "malformed"))
    with pytest.raises(PoisonEventError, match="not an EventBridge event"):
        envelopes.from_eventbridge({"Records": []})


def test_clients_are_built_at_init_only_in_provisioned_environments(monkeypatch: Any) -> None:
    from shared import clients

    built: list[str] = []
    monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    clients.prepare_when_provisioned(lambda: built.append("unset"))
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
    clients.prepare_when_provisioned(lambda: built.append("on-demand"))
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency")
    clients.prepare_when_provisioned(lambda: built.append("a"), lambda: built.append("b"))
    assert built == ["a", "b"]
