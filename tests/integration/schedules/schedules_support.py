"""Helpers for the schedules' integration tests: unique names, queue reads with a deadline."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Queue:
    url: str
    arn: str
    name: str


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def receive(sqs: Any, url: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
    """At least ``count`` messages (deleted as read), or AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    messages: list[dict[str, Any]] = []
    while len(messages) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{len(messages)} of {count} messages after {timeout} s")
        got = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=max(1, min(int(remaining), 2)),
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        for message in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        messages.extend(got)
    return messages


def nothing_arrives(sqs: Any, url: str, seconds: float) -> None:
    """Assert the queue receives nothing for ``seconds``."""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=max(1, min(int(remaining), 1))).get(
            "Messages", []
        )
        assert not got, f"unexpected message: {got[0]['Body']}"
