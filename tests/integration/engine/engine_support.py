"""Helpers for the engine's integration tests: unique names, handler zips, polling, queue reads."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HANDLERS = Path(__file__).parent / "handlers"


def unique(prefix: str) -> str:
    """A resource name no other test uses (functions, queues, tables, topics)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def handlers_zip(extra: dict[str, str] | None = None) -> bytes:
    """Every file under handlers/ as a deployment package, plus ``extra`` {path: source}
    (modules that cannot live in the repository, such as one with a syntax error)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(HANDLERS.rglob("*.py")):
            archive.write(path, path.relative_to(HANDLERS).as_posix())
        for name, source in (extra or {}).items():
            archive.writestr(name, source)
    return buffer.getvalue()


def wait_until(
    condition: Callable[[], Any],
    timeout: float = 15.0,
    message: str = "condition",
    interval: float = 0.05,
) -> Any:
    """Poll ``condition()`` until truthy (returned) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def holds_for(condition: Callable[[], Any], seconds: float, message: str = "condition") -> None:
    """Assert ``condition()`` stays truthy for a whole window (to show nothing happens)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert condition(), f"{message} stopped holding"
        time.sleep(0.05)


def invoke(lam: Any, name: str, event: Any = None, **kwargs: Any) -> tuple[dict[str, Any], Any]:
    """Invoke and return (the raw response, the decoded payload)."""
    response = lam.invoke(FunctionName=name, Payload=json.dumps(event or {}).encode(), **kwargs)
    body = response["Payload"].read()
    return response, json.loads(body) if body else None


def queue_counts(sqs: Any, url: str) -> tuple[int, int]:
    """(visible, in flight) messages of a queue."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def queue_empty(sqs: Any, url: str) -> bool:
    return queue_counts(sqs, url) == (0, 0)


def receive_all(sqs: Any, url: str, expected: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    """Receive (and delete) messages until ``expected`` arrived; fail after ``timeout``."""
    messages: list[dict[str, Any]] = []

    def enough() -> bool:
        batch = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        ).get("Messages", [])
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        messages.extend(batch)
        return len(messages) >= expected

    wait_until(enough, timeout, f"{expected} messages on {url}", interval=0)
    return messages


def scan(table: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """Every item of a DynamoDB table (resource Table), optionally of one ``kind``."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"ConsistentRead": True}
    while True:
        page = table.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return [i for i in items if kind is None or i.get("kind") == kind]


def records_by_body(table: Any) -> dict[str, list[dict[str, Any]]]:
    """The records a sink.sqs handler saw, per body, in receive-count order."""
    seen: dict[str, list[dict[str, Any]]] = {}
    for item in scan(table, "record"):
        seen.setdefault(item["body"], []).append(item)
    for items in seen.values():
        items.sort(key=lambda i: (int(i["receive_count"]), int(i["at_ns"])))
    return seen


def max_overlap(intervals: list[tuple[int, int]]) -> int:
    """The most intervals (start, end) open at one instant."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    current = best = 0
    for _, step in events:
        current += step
        best = max(best, current)
    return best
