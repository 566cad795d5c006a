"""Dead-letter queues: find them, read their messages without consuming them, move them back.

A dead-letter queue (DLQ) is a queue that another queue's redrive policy names as its
``deadLetterTargetArn``. Everything here goes through an SQS client (boto3) passed in, so it works
against the local cloud, LocalStack or AWS alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from localcloud.errors import LocalCloudError

# Long enough for one receive loop to finish, so a message is not counted twice; peeked messages
# are made visible again right after.
PEEK_VISIBILITY_S = 2
# A message being moved stays hidden while it is sent on and deleted.
REDRIVE_VISIBILITY_S = 30
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


def resend_request(message: dict[str, Any], target_url: str) -> dict[str, Any]:
    """The SendMessage parameters that put a received ``message`` on ``target_url``.

    Body, message attributes and the trace header travel along, so the redriven message continues
    its trace; a FIFO target gets the message's group (or ``redrive``) and its id for
    deduplication, so a retried redrive does not send it twice.
    """
    params: dict[str, Any] = {"QueueUrl": target_url, "MessageBody": message["Body"]}
    if message.get("MessageAttributes"):
        params["MessageAttributes"] = message["MessageAttributes"]
    attributes = message.get("Attributes") or {}
    header = attributes.get("AWSTraceHeader")
    if header:
        params["MessageSystemAttributes"] = {
            "AWSTraceHeader": {"DataType": "String", "StringValue": header}
        }
    if target_url.endswith(".fifo"):
        params["MessageGroupId"] = attributes.get("MessageGroupId", "redrive")
        params["MessageDeduplicationId"] = message["MessageId"]
    return params


def redrive(sqs: Any, dlq_url: str, target_url: str) -> int:
    """Move every message of a DLQ to ``target_url`` (StartMessageMoveTask's effect).

    Each message is sent before it is deleted, so a failure part-way loses none. Returns how many
    messages moved.
    """
    moved = 0
    while batch := _receive(sqs, dlq_url, REDRIVE_VISIBILITY_S):
        for message in batch:
            sqs.send_message(**resend_request(message, target_url))
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return moved
