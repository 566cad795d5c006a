"""ops.dlq without an endpoint: which queues are DLQs and of what, finding a queue by any of its
names, the SendMessage a redrive makes, and peek / redrive against an in-memory SQS double."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.errors import LocalCloudError
from localcloud.ops.dlq import MoveTimeoutError, QueueNotFoundError, Queues, move, peek, queue_name

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


class FakeSqs:
    """The few SQS calls peek makes, on in-memory queues (no visibility timer: a
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


def test_peek_returns_at_most_limit_messages_and_leaves_all_in_the_queue() -> None:
    sqs = FakeSqs({"dlq": [message(n) for n in range(25)]})

    peeked = peek(sqs, "dlq", 12)

    assert [m["MessageId"] for m in peeked] == [f"m{n}" for n in range(12)]
    assert len(sqs.visible["dlq"]) == 25 and not sqs.hidden


def test_peek_of_an_empty_queue_is_empty() -> None:
    assert peek(FakeSqs({"dlq": []}), "dlq", 10) == []


class FakeMoves:
    """SQS's move task calls: the task runs ``steps`` list calls, then ends as ``status``."""

    def __init__(self, steps: int, status: str = "COMPLETED", failure: str | None = None) -> None:
        self.steps, self.status, self.failure = steps, status, failure
        self.started: dict[str, Any] = {}
        self.lists = 0

    def start_message_move_task(self, **params: Any) -> dict[str, str]:
        self.started = params
        return {"TaskHandle": "h"}

    def list_message_move_tasks(self, SourceArn: str, MaxResults: int) -> dict[str, Any]:
        self.lists += 1
        running = self.lists <= self.steps
        task = {
            "SourceArn": SourceArn,
            "Status": "RUNNING" if running else self.status,
            "ApproximateNumberOfMessagesMoved": min(self.lists, self.steps) * 2,
            "ApproximateNumberOfMessagesToMove": self.steps * 2,
        }
        if self.failure and not running:
            task["FailureReason"] = self.failure
        return {"Results": [task]}


DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:orders-dlq"


def test_move_starts_a_task_and_waits_until_it_ends() -> None:
    sqs = FakeMoves(steps=3)
    naps: list[float] = []

    outcome = move(sqs, DLQ_ARN, f"{DLQ_ARN[:-4]}", rate=50, sleep=naps.append)

    assert sqs.started == {
        "SourceArn": DLQ_ARN,
        "DestinationArn": DLQ_ARN[:-4],
        "MaxNumberOfMessagesPerSecond": 50,
    }
    assert (outcome.status, outcome.moved, outcome.to_move, outcome.failure) == (
        "COMPLETED",
        6,
        6,
        None,
    )
    assert naps == [0.1, 0.1, 0.1]


def test_move_without_destination_leaves_each_message_its_source() -> None:
    sqs = FakeMoves(steps=0, status="FAILED", failure="AWS.SimpleQueueService.NonExistentQueue")

    outcome = move(sqs, DLQ_ARN, sleep=lambda _: None)

    assert sqs.started == {"SourceArn": DLQ_ARN}
    assert (outcome.status, outcome.failure) == (
        "FAILED",
        "AWS.SimpleQueueService.NonExistentQueue",
    )


def test_move_that_outlasts_the_wait_says_so() -> None:
    times = iter([0.0, 1.0, 2.0, 3.0])

    with pytest.raises(MoveTimeoutError, match="still RUNNING after 2 s"):
        move(
            FakeMoves(steps=100),
            DLQ_ARN,
            timeout_s=2,
            clock=lambda: next(times),
            sleep=lambda _: None,
        )
