"""Causal tracing on a live cloud: SNS -> SQS -> Lambda -> PutEvents -> rule -> Lambda is one tree,
and the trace store is served over HTTP under /_localcloud/traces."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from cli_support import create_function, queue, unique

from localcloud.pytest_plugin import TraceProbe
from localcloud.trace import Hop

pytestmark = pytest.mark.integration

FORWARDER = """
import json
import os

import boto3

events = boto3.client("events")


def handler(event, context):
    for record in event["Records"]:
        envelope = json.loads(record["body"])
        events.put_events(Entries=[{
            "Source": os.environ["CHAIN_SOURCE"],
            "DetailType": "OrderForwarded",
            "Detail": envelope["Message"],
        }])
    return {"forwarded": len(event["Records"])}
"""

SINK = """
def handler(event, context):
    print("sink got", event["detail"])
    return {"ok": True}
"""


def ancestry(hops: list[Hop], leaf: Hop) -> list[Hop]:
    """``leaf`` and its ancestors up to the trace's root, root first."""
    by_id = {h.id: h for h in hops}
    chain = [leaf]
    while chain[-1].parent is not None:
        parent = by_id.get(chain[-1].parent)
        assert parent is not None, f"hop {chain[-1]} has a parent missing from its trace"
        chain.append(parent)
    return chain[::-1]


@pytest.fixture(scope="module")
def chain(localcloud: Any) -> dict[str, str]:
    """SNS topic -> SQS queue -> forwarder Lambda -> PutEvents -> rule -> sink Lambda."""
    suffix = unique("chain")
    source = f"test.{suffix}"
    sns, lam, events = (localcloud.client(s) for s in ("sns", "lambda", "events"))
    topic = sns.create_topic(Name=f"{suffix}-topic")["TopicArn"]
    queue_url, queue_arn = queue(localcloud, f"{suffix}-queue")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    forwarder = f"{suffix}-forwarder"
    sink = f"{suffix}-sink"
    create_function(localcloud, forwarder, FORWARDER, environment={"CHAIN_SOURCE": source})
    sink_arn = create_function(localcloud, sink, SINK)
    lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=forwarder, BatchSize=1)
    rule = f"{suffix}-rule"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "sink", "Arn": sink_arn}])
    return {
        "topic": topic,
        "queue": queue_url.rsplit("/", 1)[-1],
        "forwarder": forwarder,
        "sink": sink,
        "rule": rule,
        "source": source,
    }


@pytest.fixture(scope="module")
def chain_trace(localcloud: Any, chain: dict[str, str]) -> tuple[Hop, list[Hop]]:
    """Publish one message and return the sink's invocation hop and its whole trace."""
    probe = TraceProbe(localcloud.traces)
    localcloud.client("sns").publish(TopicArn=chain["topic"], Message=json.dumps({"order": 7}))
    [sink_invoke] = probe.wait_for(
        lambda: probe.invocations(chain["sink"]), timeout=30, message="the sink's invocation"
    )
    return sink_invoke, probe.trace_of(sink_invoke)


def test_one_trace_links_sns_publish_to_the_second_function(
    chain: dict[str, str], chain_trace: tuple[Hop, list[Hop]]
) -> None:
    sink_invoke, hops = chain_trace

    path = ancestry(hops, sink_invoke)
    assert path[0].kind == "publish" and path[0].service == "sns"
    assert chain["topic"] in path[0].resource
    kinds = [h.kind for h in path]
    # the order of the causal chain, allowing intermediate hops between the named ones
    expected = [
        "publish",
        "deliver",
        "receive",
        "invoke",
        "publish",
        "match",
        "deliver",
        "invoke",
    ]
    position = 0
    for kind in kinds:
        if position < len(expected) and kind == expected[position]:
            position += 1
    assert position == len(expected), f"causal chain {kinds} lacks {expected[position:]}"
    assert {h.trace_id for h in hops} == {path[0].trace_id}


def test_handler_put_events_is_a_child_of_the_forwarder_invocation(
    chain: dict[str, str], chain_trace: tuple[Hop, list[Hop]]
) -> None:
    """The handler's PutEvents arrives with the invocation's X-Amzn-Trace-Id (botocore copies
    _X_AMZN_TRACE_ID), so the bus publish hangs under that invocation, like SendMessage would."""
    sink_invoke, hops = chain_trace
    path = ancestry(hops, sink_invoke)

    forwarder_invoke = next(
        h for h in path if h.kind == "invoke" and chain["forwarder"] in h.resource
    )
    events_publish = path[path.index(forwarder_invoke) + 1]
    assert (events_publish.kind, events_publish.service) == ("publish", "events")
    assert events_publish.parent == forwarder_invoke.id
    assert events_publish.detail["source"] == chain["source"]
    assert events_publish.detail["detail_type"] == "OrderForwarded"
    match = path[path.index(events_publish) + 1]
    assert (match.kind, match.resource) == ("match", chain["rule"])
    receive = path[path.index(forwarder_invoke) - 1]
    assert (receive.kind, receive.service, receive.resource) == ("receive", "sqs", chain["queue"])
    assert sink_invoke.outcome == "ok"
    assert forwarder_invoke.outcome == "ok"


def test_unlinked_put_events_starts_its_own_trace(localcloud: Any, chain: dict[str, str]) -> None:
    """GIVEN no trace header WHEN PutEvents is called THEN its publish hop is a new root."""
    probe = TraceProbe(localcloud.traces)
    detail_type = unique("Standalone")
    localcloud.client("events").put_events(
        Entries=[{"Source": "test.standalone", "DetailType": detail_type, "Detail": "{}"}]
    )

    [publish] = probe.wait_for(
        lambda: probe.store.find(lambda h: h.detail.get("detail_type") == detail_type),
        message="the standalone publish hop",
    )
    assert publish.parent is None
    assert publish.kind == "publish"


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_traces_endpoint_lists_the_latest_traces_as_json(
    localcloud: Any, chain_trace: tuple[Hop, list[Hop]]
) -> None:
    sink_invoke, hops = chain_trace

    status, body = _get(f"{localcloud.endpoint_url}/_localcloud/traces?last=50")

    assert status == 200
    assert isinstance(body["sequence"], int) and body["sequence"] >= len(hops)
    listed = {trace[0]["trace_id"]: trace for trace in body["traces"] if trace}
    assert sink_invoke.trace_id in listed
    assert {h["id"] for h in listed[sink_invoke.trace_id]} >= {h.id for h in hops}
    status, one = _get(f"{localcloud.endpoint_url}/_localcloud/traces?last=1")
    assert status == 200 and len(one["traces"]) == 1


def test_trace_endpoint_returns_one_trace_by_id(
    localcloud: Any, chain_trace: tuple[Hop, list[Hop]]
) -> None:
    sink_invoke, _ = chain_trace

    status, body = _get(f"{localcloud.endpoint_url}/_localcloud/traces/{sink_invoke.trace_id}")

    assert status == 200
    assert {h["trace_id"] for h in body["hops"]} == {sink_invoke.trace_id}
    [invoke] = [h for h in body["hops"] if h["id"] == sink_invoke.id]
    assert set(invoke) >= {
        "id",
        "parent",
        "kind",
        "service",
        "resource",
        "at",
        "outcome",
        "duration_ms",
        "detail",
    }


def test_unknown_trace_id_is_a_404_with_a_helpful_message(localcloud: Any) -> None:
    status, body = _get(f"{localcloud.endpoint_url}/_localcloud/traces/1-00000000-nope")

    assert status == 404
    assert "1-00000000-nope" in body["message"]
    assert "/_localcloud/traces" in body["message"]


@pytest.mark.parametrize("query", ["last=abc", "last=-1"])
def test_bad_last_parameter_is_a_400_saying_what_is_expected(localcloud: Any, query: str) -> None:
    status, body = _get(f"{localcloud.endpoint_url}/_localcloud/traces?{query}")

    assert status == 400
    assert "last" in body["message"]
