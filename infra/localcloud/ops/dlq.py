"""Dead-letter queues: find them, read their messages without consuming them, move them back.

Moving is SQS's own message move task (StartMessageMoveTask), waited for until it ends.

A dead-letter queue (DLQ) is a queue that another queue's redrive policy names as its
``deadLetterTargetArn``. Everything here goes through an SQS client (boto3) passed in, so it works
against the local cloud, LocalStack or AWS alike.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from localcloud.errors import LocalCloudError

# Long enough for one receive loop to finish, so a message is not counted twice; peeked messages
# are made visible again right after.
PEEK_VISIBILITY_S = 2
# SQS's largest receive batch.
BATCH = 10


class QueueNotFoundError(LocalCloudError):
    """No queue at the endpoint has the name, URL or ARN asked for."""


def queue_name(url: str) -> str:
    """The queue name a queue URL ends with."""
    return url.rsplit("/", 1)[-1]


def _dead_letter_target(attributes: dict[str, str]) -> str | None:
    """The ARN a queue's redrive policy sends failed messages to, if it has one."""
    policy = attributes.get("RedrivePolicy")
    if not policy:
        return None
    target = json.loads(policy).get("deadLetterTargetArn")
    return str(target) if target else None


@dataclass(frozen=True)
class Queues:
    """The queues at an endpoint, each URL with its attributes, and which feed which DLQ."""

    attributes: dict[str, dict[str, str]]

    @classmethod
    def read(cls, sqs: Any) -> Queues:
        """Every queue ``sqs`` lists, with all its attributes."""
        urls = sqs.list_queues().get("QueueUrls", [])
        return cls(
            {
                url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
                for url in urls
            }
        )

    def dead_letter_queues(self) -> list[str]:
        """URLs of the queues some redrive policy sends to, sorted."""
        targets = {_dead_letter_target(a) for a in self.attributes.values()} - {None}
        return sorted(url for url, a in self.attributes.items() if a.get("QueueArn") in targets)

    def sources(self, dlq_url: str) -> list[str]:
        """URLs of the queues whose redrive policy sends to ``dlq_url``, in listing order."""
        arn = self.attributes[dlq_url].get("QueueArn")
        if arn is None:
            return []
        return [url for url, a in self.attributes.items() if _dead_letter_target(a) == arn]

    def find(self, name: str) -> str:
        """The URL of the queue with this name, URL or ARN; the error lists the queues."""
        for url, attributes in self.attributes.items():
            if name in (url, queue_name(url), attributes.get("QueueArn")):
                return url
        known = ", ".join(sorted(queue_name(u) for u in self.attributes)) or "(none)"
        raise QueueNotFoundError(f"no queue {name!r}; queues: {known}")


def _receive(sqs: Any, url: str, visibility: int) -> list[dict[str, Any]]:
    batch = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=BATCH,
        VisibilityTimeout=visibility,
        MessageAttributeNames=["All"],
        AttributeNames=["All"],
    ).get("Messages", [])
    return list(batch)


def peek(sqs: Any, url: str, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` messages of the queue, left in it.

    The messages are received (which counts as a receive, as anywhere) and made visible again at
    once. SQS may return fewer than are there; a few extra receives make a short queue complete.
    """
    seen: dict[str, dict[str, Any]] = {}
    for _ in range(max(1, limit // BATCH + 2)):
        batch = _receive(sqs, url, PEEK_VISIBILITY_S)
        if not batch:
            break
        for message in batch:
            seen.setdefault(message["MessageId"], message)
        if len(seen) >= limit:
            break
    for message in seen.values():
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return list(seen.values())[:limit]


@dataclass(frozen=True)
class MoveOutcome:
    """How a message move task ended: its status, the messages it moved, and why it failed."""

    status: str
    moved: int
    to_move: int
    failure: str | None = None


class MoveTimeoutError(LocalCloudError):
    """A move task was still running when the wait for it ended."""


ACTIVE_STATUSES = ("RUNNING", "CANCELLING")


def move(
    sqs: Any,
    dlq_arn: str,
    destination_arn: str | None = None,
    rate: int | None = None,
    timeout_s: float = 300.0,
    poll_s: float = 0.1,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> MoveOutcome:
    """Move every message of a DLQ with a message move task and wait until it ends.

    ``destination_arn`` None sends each message back to the queue it was dead-lettered from;
    ``rate`` caps the messages moved per second. SQS moves each message once, with its body and
    attributes; the task's status is polled every ``poll_s`` for at most ``timeout_s``.
    """
    params: dict[str, Any] = {"SourceArn": dlq_arn}
    if destination_arn:
        params["DestinationArn"] = destination_arn
    if rate is not None:
        params["MaxNumberOfMessagesPerSecond"] = rate
    sqs.start_message_move_task(**params)
    deadline = clock() + timeout_s
    while True:
        [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=1)["Results"]
        moved, to_move = (
            task["ApproximateNumberOfMessagesMoved"],
            task["ApproximateNumberOfMessagesToMove"],
        )
        if task["Status"] not in ACTIVE_STATUSES:
            return MoveOutcome(task["Status"], moved, to_move, task.get("FailureReason"))
        if clock() >= deadline:
            raise MoveTimeoutError(
                f"the move task from {dlq_arn.rsplit(':', 1)[-1]} is still {task['Status']} after "
                f"{timeout_s:g} s ({moved} of {to_move} moved); it goes on: see "
                f"`aws sqs list-message-move-tasks --source-arn {dlq_arn}`"
            )
        sleep(poll_s)
