"""ops.dlq without an endpoint: which queues are DLQs and of what, finding a queue by any of its
names, the SendMessage a redrive makes, and peek / redrive against an in-memory SQS double."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.errors import LocalCloudError
from localcloud.ops.dlq import QueueNotFoundError, Queues, peek, queue_name, redrive, resend_request

BASE = "http://sqs.local/123456789012"


def attributes(name: str, dlq: str | None = None, count: int = 0) -> dict[str, str]:
    values = {
        "QueueArn": f"arn:aws:sqs:us-east-1:123456789012:{name}",
        "ApproximateNumberOfMessages": str(count),
    }
    if dlq is not None:
        values["RedrivePolicy"] = json.dumps(
            {
                "deadLetterTargetArn": f"arn:aws:sqs:us-east-1:123456789012:{dlq}",
                "maxReceiveCount": 3,
            }
        )
    return values


@pytest.fixture
def queues() -> Queues:
    """orders and refunds dead-letter to shared-dlq, emails to emails-dlq; misc has no policy."""
    return Queues(
        {
            f"{BASE}/orders": attributes("orders", dlq="shared-dlq"),
            f"{BASE}/shared-dlq": attributes("shared-dlq", count=2),
            f"{BASE}/emails": attributes("emails", dlq="emails-dlq"),
            f"{BASE}/refunds": attributes("refunds", dlq="shared-dlq"),
            f"{BASE}/emails-dlq": attributes("emails-dlq"),
            f"{BASE}/misc": attributes("misc"),
        }
    )


def test_queue_name_is_the_last_part_of_the_url() -> None:
    assert queue_name(f"{BASE}/orders.fifo") == "orders.fifo"


def test_dead_letter_queues_are_the_targets_of_redrive_policies_sorted(queues: Queues) -> None:
    assert queues.dead_letter_queues() == [f"{BASE}/emails-dlq", f"{BASE}/shared-dlq"]


def test_a_policy_naming_a_missing_queue_makes_no_dlq() -> None:
    only = Queues({f"{BASE}/orders": attributes("orders", dlq="gone")})

    assert only.dead_letter_queues() == []


def test_sources_are_the_queues_feeding_a_dlq_in_listing_order(queues: Queues) -> None:
    assert queues.sources(f"{BASE}/shared-dlq") == [f"{BASE}/orders", f"{BASE}/refunds"]
    assert queues.sources(f"{BASE}/emails-dlq") == [f"{BASE}/emails"]
    assert queues.sources(f"{BASE}/misc") == []


@pytest.mark.parametrize(
    "name", ["emails-dlq", f"{BASE}/emails-dlq", "arn:aws:sqs:us-east-1:123456789012:emails-dlq"]
)
def test_find_takes_a_name_url_or_arn(queues: Queues, name: str) -> None:
    assert queues.find(name) == f"{BASE}/emails-dlq"


def test_find_of_an_unknown_queue_lists_the_queues(queues: Queues) -> None:
    with pytest.raises(QueueNotFoundError) as caught:
        queues.find("nope")

    assert isinstance(caught.value, LocalCloudError)
    assert str(caught.value) == (
        "no queue 'nope'; queues: emails, emails-dlq, misc, orders, refunds, shared-dlq"
    )


def test_find_with_no_queues_says_none() -> None:
    with pytest.raises(QueueNotFoundError, match=r"queues: \(none\)"):
        Queues({}).find("nope")


def message(number: int, **attributes: str) -> dict[str, Any]:
    return {
        "MessageId": f"m{number}",
        "ReceiptHandle": f"r{number}",
        "Body": f"body {number}",
        "Attributes": attributes,
    }


def test_resend_request_keeps_the_body_attributes_and_trace_header() -> None:
    received = message(1, AWSTraceHeader="Root=1-abc-def", ApproximateReceiveCount="3")
    received["MessageAttributes"] = {"kind": {"DataType": "String", "StringValue": "order"}}

    assert resend_request(received, f"{BASE}/orders") == {
        "QueueUrl": f"{BASE}/orders",
        "MessageBody": "body 1",
        "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "order"}},
        "MessageSystemAttributes": {
            "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc-def"}
        },
    }


def test_resend_request_to_fifo_keeps_the_group_and_deduplicates_by_message_id() -> None:
    grouped = resend_request(message(1, MessageGroupId="user-7"), f"{BASE}/orders.fifo")
    ungrouped = resend_request(message(2), f"{BASE}/orders.fifo")

    assert (grouped["MessageGroupId"], grouped["MessageDeduplicationId"]) == ("user-7", "m1")
    assert (ungrouped["MessageGroupId"], ungrouped["MessageDeduplicationId"]) == ("redrive", "m2")
    assert "MessageSystemAttributes" not in ungrouped


class FakeSqs:
    """The few SQS calls peek and redrive make, on in-memory queues (no visibility timer: a
    received message is hidden until it is deleted or made visible again)."""

    def __init__(self, queues: dict[str, list[dict[str, Any]]]) -> None:
        self.visible = queues
        self.hidden: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []

    def receive_message(self, QueueUrl: str, MaxNumberOfMessages: int, **_: Any) -> Any:
        batch = self.visible[QueueUrl][:MaxNumberOfMessages]
        del self.visible[QueueUrl][: len(batch)]
        self.hidden.update({m["ReceiptHandle"]: m for m in batch})
        return {"Messages": batch} if batch else {}

    def change_message_visibility(self, QueueUrl: str, ReceiptHandle: str, **_: Any) -> None:
        self.visible[QueueUrl].append(self.hidden.pop(ReceiptHandle))

    def send_message(self, QueueUrl: str, MessageBody: str, **_: Any) -> None:
        self.calls.append(f"send {MessageBody}")
        number = len(self.visible[QueueUrl]) + 100
        self.visible[QueueUrl].append({**message(number), "Body": MessageBody})

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:
        self.calls.append(f"delete {ReceiptHandle}")
        del self.hidden[ReceiptHandle]


def test_peek_returns_at_most_limit_messages_and_leaves_all_in_the_queue() -> None:
    sqs = FakeSqs({"dlq": [message(n) for n in range(25)]})

    peeked = peek(sqs, "dlq", 12)

    assert [m["MessageId"] for m in peeked] == [f"m{n}" for n in range(12)]
    assert len(sqs.visible["dlq"]) == 25 and not sqs.hidden


def test_peek_of_an_empty_queue_is_empty() -> None:
    assert peek(FakeSqs({"dlq": []}), "dlq", 10) == []


def test_redrive_sends_each_message_before_deleting_it_and_counts_them() -> None:
    sqs = FakeSqs({"dlq": [message(n) for n in range(12)], "orders": []})

    moved = redrive(sqs, "dlq", "orders")

    assert moved == 12
    assert sqs.visible["dlq"] == [] and not sqs.hidden
    assert [m["Body"] for m in sqs.visible["orders"]] == [f"body {n}" for n in range(12)]
    assert sqs.calls[:2] == ["send body 0", "delete r0"]


def test_redrive_of_an_empty_dlq_moves_nothing() -> None:
    assert redrive(FakeSqs({"dlq": [], "orders": []}), "dlq", "orders") == 0
