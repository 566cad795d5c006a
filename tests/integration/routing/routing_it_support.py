"""Helpers for the routing integration tests: the conformance corpus and routability, queues.

The corpus is /work/shared/conformance/eventbridge-patterns (LOCALCLOUD_CONFORMANCE_DIR moves
it). `routing_exclusion` decides, case by case, whether PutEvents can produce the case's event
as far as its pattern can see; a case it excludes is reported with the reason, never skipped.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import json5

CORPUS = (
    Path(os.environ.get("LOCALCLOUD_CONFORMANCE_DIR", "/work/shared/conformance"))
    / "eventbridge-patterns"
)
EXPECTED_CASES = 155
# The top-level event fields a PutEvents entry sets (Source, DetailType, Detail, Resources, Time).
SETTABLE_FIELDS = frozenset({"source", "detail-type", "detail", "resources", "time"})
# Conformance counts, printed in pytest's terminal summary by conftest.py.
COUNTS: dict[str, str] = {}
# Fields PutEvents fills itself (id, account, region, version): a pattern on them is not routable.
ASSIGNED_FIELDS = frozenset({"id", "account", "region", "version"})


@dataclass(frozen=True)
class Case:
    name: str
    event: dict[str, Any]
    pattern: Any

    @property
    def expected(self) -> str:
        if self.name.endswith("_EXC"):
            return "invalid"
        if self.name.endswith("_NEG"):
            return "no match"
        return "match"


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CORPUS.glob("*.json5")):
        document = json5.loads(path.read_text(encoding="utf-8"))
        cases.append(Case(path.stem, document["Event"], document["EventPattern"]))
    return cases


def _pattern_fields(pattern: Any) -> set[str]:
    """Top-level event fields a pattern looks at, through `$or` branches too."""
    fields: set[str] = set()
    if not isinstance(pattern, dict):
        return fields
    for key, value in pattern.items():
        if key == "$or" and isinstance(value, list):
            for branch in value:
                fields |= _pattern_fields(branch)
        else:
            fields.add(key)
    return fields


def _put_events_time(value: str) -> str:
    """The `time` PutEvents gives an event whose entry has Time=value (second precision, UTC)."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def routing_exclusion(case: Case) -> str | None:
    """Why the case cannot go through real routing (PutRule + PutEvents), or None if it can.

    PutEvents sets source, detail-type, detail (a JSON object), resources (strings) and time; it
    assigns id, account, region and version, always sets detail and resources, and cannot set any
    other top-level field. A case is routable when every field its pattern reads is one PutEvents
    sets, with the case's value reproduced exactly.
    """
    if case.expected == "invalid":
        return "invalid pattern: rejected at PutRule (tested separately), nothing to route"
    event, fields = case.event, _pattern_fields(case.pattern)
    assigned = sorted(fields & ASSIGNED_FIELDS)
    if assigned:
        return f"pattern reads {', '.join(assigned)}, which PutEvents assigns itself"
    unusual = sorted(fields - SETTABLE_FIELDS - ASSIGNED_FIELDS)
    if unusual:
        return f"pattern reads top-level field(s) {', '.join(unusual)} that PutEvents cannot set"
    for name in ("source", "detail-type"):
        if not isinstance(event.get(name), str) or not event[name]:
            return f"event {name} is not a non-empty string (PutEvents requires one)"
    if "detail" in event and not isinstance(event["detail"], dict):
        return "event detail is not a JSON object (PutEvents rejects such a Detail)"
    if "resources" in event and not (
        isinstance(event["resources"], list)
        and all(isinstance(item, str) for item in event["resources"])
    ):
        return "event resources is not a list of strings"
    for name in ("detail", "resources", "time"):
        if name in fields and name not in event:
            return f"pattern reads {name}, absent from the event, which PutEvents always sets"
    if "time" in fields and _put_events_time(event["time"]) != event["time"]:
        return f"event time {event['time']!r} is not in the form PutEvents gives"
    return None


def put_events_entry(case: Case, bus: str) -> dict[str, Any]:
    """The PutEvents entry that reproduces the case's event (as far as its pattern reads)."""
    event = case.event
    entry: dict[str, Any] = {
        "EventBusName": bus,
        "Source": event["source"],
        "DetailType": event["detail-type"],
        "Detail": json.dumps(event.get("detail", {})),
        "Resources": event.get("resources", []),
    }
    if "time" in event:
        entry["Time"] = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    return entry


def wait_until(condition: Callable[[], Any], timeout: float = 10.0, what: str = "it") -> Any:
    """Poll ``condition`` until it returns something truthy, or fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def receive(sqs: Any, url: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Receive (and delete) exactly ``count`` messages from a queue within ``timeout`` s."""
    messages: list[dict[str, Any]] = []

    def enough() -> bool:
        response = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        )
        for message in response.get("Messages", []):
            messages.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages) >= count

    wait_until(enough, timeout, f"{count} message(s) on {url}")
    assert len(messages) == count, f"expected {count} message(s), got {len(messages)}"
    return messages


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Everything on a queue now (no waiting), deleted."""
    messages: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not batch:
            return messages
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        messages += batch


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class Queue:
    url: str
    arn: str
    name: str


def rule_target(
    events: Any, bus: str, pattern: Any, target: dict[str, Any], rule: str | None = None
) -> str:
    """PutRule on ``bus`` with ``pattern`` and one target; returns the rule ARN."""
    name = rule or unique("it-rule")
    arn = str(
        events.put_rule(
            Name=name,
            EventBusName=bus,
            EventPattern=pattern if isinstance(pattern, str) else json.dumps(pattern),
        )["RuleArn"]
    )
    response = events.put_targets(Rule=name, EventBusName=bus, Targets=[target])
    assert response["FailedEntryCount"] == 0, response
    return arn
