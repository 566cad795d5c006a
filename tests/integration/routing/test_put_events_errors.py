"""PutRule and PutEvents input validation through boto3: invalid patterns are refused at PutRule,
a PutEvents call of more than 10 entries fails whole, and an invalid entry fails alone while the
valid entries of the same call are delivered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from routing_it_support import Case, Queue, load_cases, receive, rule_target, unique

pytestmark = pytest.mark.integration

INVALID = [case for case in load_cases() if case.expected == "invalid"]


@pytest.mark.parametrize("case", INVALID, ids=[case.name for case in INVALID])
def test_put_rule_rejects_invalid_corpus_pattern(
    events: Any, make_bus: Callable[..., str], case: Case
) -> None:
    bus = make_bus()
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name=unique("bad"), EventBusName=bus, EventPattern=json.dumps(case.pattern))
    assert caught.value.response["Error"]["Code"] == "InvalidEventPatternException"
    assert caught.value.response["Error"]["Message"]
    assert events.list_rules(EventBusName=bus)["Rules"] == []


@pytest.mark.parametrize(
    ("pattern", "key"),
    [
        ('{"detail": {"n": [{"numeric": [">", "x"]}]}}', "n"),
        ('{"source": "not-an-array"}', "source"),
        ('{"source": [{"unknown-operator": 1}]}', "source"),
        ("not json", None),
    ],
)
def test_put_rule_rejection_names_the_key(
    events: Any, make_bus: Callable[..., str], pattern: str, key: str | None
) -> None:
    bus = make_bus()
    with pytest.raises(events.exceptions.InvalidEventPatternException) as caught:
        events.put_rule(Name=unique("bad"), EventBusName=bus, EventPattern=pattern)
    if key is not None:
        assert key in caught.value.response["Error"]["Message"]


def _entry(bus: str, **overrides: Any) -> dict[str, Any]:
    entry = {
        "EventBusName": bus,
        "Source": "it.orders",
        "DetailType": "OrderPlaced",
        "Detail": json.dumps({"order": 1}),
    }
    entry.update(overrides)
    return {k: v for k, v in entry.items() if v is not None}


def test_put_events_refuses_more_than_ten_entries(
    events: Any, make_bus: Callable[..., str]
) -> None:
    bus = make_bus()
    with pytest.raises(ClientError) as caught:
        events.put_events(Entries=[_entry(bus) for _ in range(11)])
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to "
        "satisfy constraint: Member must have length less than or equal to 10"
    )


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("not json", "Invalid JSON"),
        ('{"detail": {"key": "not-an-array"}}', "'key' must be an object or an array"),
    ],
)
def test_an_archive_with_an_invalid_pattern_says_why_once(
    events: Any, make_bus: Callable[..., str], pattern: str, reason: str
) -> None:
    bus = make_bus()
    arn = events.describe_event_bus(Name=bus)["Arn"]
    with pytest.raises(events.exceptions.InvalidEventPatternException) as caught:
        events.create_archive(ArchiveName=unique("bad"), EventSourceArn=arn, EventPattern=pattern)
    assert caught.value.response["Error"]["Message"] == (
        f"Event pattern is not valid. Reason: {reason}"
    )


def test_put_events_reports_each_bad_entry_and_delivers_the_rest(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> None:
    # GIVEN a bus whose rule sends every it.orders event to a queue
    bus, queue = make_bus(), make_queue()
    rule_target(events, bus, {"source": ["it.orders"]}, {"Id": "q", "Arn": queue.arn})
    missing_bus = unique("no-such-bus")
    entries = [
        _entry(bus, Detail=json.dumps({"order": "first"})),
        _entry(bus, Source=None),
        _entry(bus, DetailType=None),
        _entry(bus, Detail=None),
        _entry(bus, Detail="[1, 2]"),
        _entry(bus, Detail="{not json"),
        _entry(missing_bus),
        _entry(bus, Detail=json.dumps({"order": "last"})),
    ]
    # WHEN they are put in one call
    response = events.put_events(Entries=entries)
    # THEN each bad entry carries its error, in order, and the good ones an EventId
    results = response["Entries"]
    assert response["FailedEntryCount"] == 6
    assert len(results) == len(entries)
    assert "EventId" in results[0] and "EventId" in results[-1]
    assert [r.get("ErrorCode") for r in results[1:4]] == ["InvalidArgument"] * 3
    assert "Source" in results[1]["ErrorMessage"]
    assert "DetailType" in results[2]["ErrorMessage"]
    assert "Detail" in results[3]["ErrorMessage"]
    assert [r.get("ErrorCode") for r in results[4:6]] == ["MalformedDetail"] * 2
    assert results[6]["ErrorCode"]
    assert missing_bus in results[6]["ErrorMessage"]
    assert all("EventId" not in r for r in results[1:7])
    # AND exactly the two valid events are delivered
    bodies = [json.loads(m["Body"]) for m in receive(sqs, queue.url, 2)]
    assert sorted(b["detail"]["order"] for b in bodies) == ["first", "last"]
    assert {b["id"] for b in bodies} == {results[0]["EventId"], results[-1]["EventId"]}


def test_put_events_event_has_the_aws_shape(
    events: Any,
    sqs: Any,
    make_bus: Callable[..., str],
    make_queue: Callable[..., Queue],
    localcloud: Any,
) -> None:
    bus, queue = make_bus(), make_queue()
    rule_target(events, bus, {"detail-type": ["OrderPlaced"]}, {"Id": "q", "Arn": queue.arn})
    event_id = events.put_events(Entries=[_entry(bus, Resources=["arn:aws:s3:::bucket"])])[
        "Entries"
    ][0]["EventId"]
    (message,) = receive(sqs, queue.url)
    event = json.loads(message["Body"])
    assert event == {
        "version": "0",
        "id": event_id,
        "detail-type": "OrderPlaced",
        "source": "it.orders",
        "account": localcloud.account,
        "time": event["time"],
        "region": localcloud.region,
        "resources": ["arn:aws:s3:::bucket"],
        "detail": {"order": 1},
    }
