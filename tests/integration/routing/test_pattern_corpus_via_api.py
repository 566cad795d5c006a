"""The 155 AWS-checked EventBridge pattern cases, through the local cloud's API.

Through TestEventPattern every case must agree with AWS (Result true, Result false, or
InvalidEventPatternException). Through real routing (PutRule on a fresh bus, PutTargets to an SQS
queue, PutEvents) every case whose event PutEvents can produce must deliver exactly when AWS
says the pattern matches; `routing_exclusion` names the cases that cannot be routed and why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from botocore.exceptions import ClientError
from routing_it_support import (
    COUNTS,
    EXPECTED_CASES,
    Case,
    chunks,
    drain,
    load_cases,
    put_events_entry,
    receive,
    routing_exclusion,
    rule_target,
    unique,
    wait_until,
)

pytestmark = pytest.mark.integration

CASES = load_cases()
ROUTABLE = [case for case in CASES if routing_exclusion(case) is None]


def test_pattern_outcome(events: Any, case: Case) -> str:
    """What TestEventPattern says: "match", "no match" or "invalid"."""
    try:
        response = events.test_event_pattern(
            EventPattern=json.dumps(case.pattern), Event=json.dumps(case.event)
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "InvalidEventPatternException":
            return "invalid"
        raise
    return "match" if response["Result"] else "no match"


test_pattern_outcome.__test__ = False  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_test_event_pattern_agrees_with_aws(events: Any, case: Case) -> None:
    assert test_pattern_outcome(events, case) == case.expected


def test_test_event_pattern_passes_whole_corpus(events: Any) -> None:
    assert len(CASES) == EXPECTED_CASES, f"corpus has {len(CASES)} cases"
    disagreements = [c.name for c in CASES if test_pattern_outcome(events, c) != c.expected]
    agreed = len(CASES) - len(disagreements)
    COUNTS["EventBridge conformance via TestEventPattern"] = f"{agreed}/{len(CASES)}"
    print(f"\nTestEventPattern conformance: {agreed}/{len(CASES)}")
    assert disagreements == []


@pytest.fixture(scope="module")
def routed(events: Any, sqs: Any, localcloud: Any) -> Iterator[dict[str, str]]:
    """Route every routable case: a bus, a queue and a rule per case; outcome by delivery.

    All resources are made first and the events sent ten per PutEvents call (each entry to its
    own bus). The trace store tells when routing of an event is decided (a "match" or "miss"
    hop), so no-delivery is asserted without waiting out a timeout.
    """
    setup: dict[str, tuple[str, str, str]] = {}
    try:
        for case in ROUTABLE:
            bus = unique("conf-bus")
            events.create_event_bus(Name=bus)
            url = sqs.create_queue(QueueName=unique("conf-q"))["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            rule = unique("conf-rule")
            rule_target(events, bus, case.pattern, {"Id": "q", "Arn": arn}, rule=rule)
            setup[case.name] = (bus, url, rule)
        event_ids: dict[str, str] = {}
        for batch in chunks(ROUTABLE, 10):
            response = events.put_events(
                Entries=[put_events_entry(case, setup[case.name][0]) for case in batch]
            )
            assert response["FailedEntryCount"] == 0, response
            for case, entry in zip(batch, response["Entries"], strict=True):
                event_ids[case.name] = entry["EventId"]
        outcomes = {}
        for case in ROUTABLE:
            bus, url, rule = setup[case.name]
            event_id = event_ids[case.name]
            decided = wait_until(
                partial(_routing_hops, localcloud, event_id),
                what=f"routing of {case.name}",
            )
            matched = any(h.kind == "match" and h.resource == rule for h in decided)
            if matched:
                (message,) = receive(sqs, url, 1, timeout=5)
                assert json.loads(message["Body"])["id"] == event_id
                outcomes[case.name] = "match"
            else:
                assert drain(sqs, url) == [], f"{case.name}: delivered without a match hop"
                outcomes[case.name] = "no match"
        yield outcomes
    finally:
        for bus, url, rule in setup.values():
            events.remove_targets(Rule=rule, EventBusName=bus, Ids=["q"])
            events.delete_rule(Name=rule, EventBusName=bus)
            events.delete_event_bus(Name=bus)
            sqs.delete_queue(QueueUrl=url)


def _routing_hops(localcloud: Any, event_id: str) -> list[Any]:
    """The event's trace once routing decided (a match or miss hop is in it), else []."""
    published = localcloud.traces.find(
        lambda h: h.kind == "publish" and h.detail.get("event_id") == event_id
    )
    if not published:
        return []
    hops = localcloud.traces.get(published[0].trace_id) or []
    return hops if any(h.kind in ("match", "miss") for h in hops) else []


@pytest.mark.parametrize("case", ROUTABLE, ids=[case.name for case in ROUTABLE])
def test_routing_agrees_with_aws(routed: dict[str, str], case: Case) -> None:
    assert routed[case.name] == case.expected


def test_routing_passes_every_routable_case(routed: dict[str, str]) -> None:
    candidates = [case for case in CASES if case.expected != "invalid"]
    excluded = {c.name: routing_exclusion(c) for c in candidates if routing_exclusion(c)}
    agreed = sum(1 for case in ROUTABLE if routed[case.name] == case.expected)
    COUNTS["EventBridge conformance via PutEvents routing"] = (
        f"{agreed}/{len(ROUTABLE)} routed ({len(candidates)} valid patterns, "
        f"{len(excluded)} not routable)"
    )
    print(f"\nRouting conformance: {agreed}/{len(ROUTABLE)} routed")
    for name, reason in sorted(excluded.items()):
        print(f"  not routable: {name}: {reason}")
    assert len(ROUTABLE) + len(excluded) == len(candidates)
    assert agreed == len(ROUTABLE)
    # Both verdicts are exercised: a router that always (or never) delivers cannot pass.
    assert {case.expected for case in ROUTABLE} == {"match", "no match"}


def test_exclusions_are_only_unroutable_events() -> None:
    """Every exclusion names a field PutEvents cannot reproduce; no plain case is dropped."""
    for case in CASES:
        reason = routing_exclusion(case)
        if reason is None:
            continue
        assert any(
            phrase in reason
            for phrase in ("invalid pattern", "PutEvents", "not a JSON object", "not in the form")
        ), f"{case.name}: {reason}"
