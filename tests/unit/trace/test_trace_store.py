"""The trace store on its own: recording, causal links, bounded memory, trace headers, waiting."""

from __future__ import annotations

import threading
import time

import pytest

from localcloud import trace
from localcloud.trace import TraceContext, TraceStore


def test_record_without_context_starts_a_new_trace_with_a_root_hop() -> None:
    store = TraceStore()

    context = store.record("publish", "sns", "orders", operation="Publish")

    [hops] = store.traces()
    assert len(hops) == 1
    hop = hops[0]
    assert (hop.kind, hop.service, hop.resource, hop.parent) == ("publish", "sns", "orders", None)
    assert hop.detail == {"operation": "Publish"}
    assert context == TraceContext(hop.trace_id, hop.id)
    assert hop.trace_id.startswith("1-") and len(hop.trace_id.split("-")) == 3


def test_record_under_a_returned_context_links_child_to_parent() -> None:
    store = TraceStore()

    root = store.record("publish", "sns", "orders")
    deliver = store.record("deliver", "sns", "orders-queue", context=root)
    invoke = store.record("invoke", "lambda", "fn", context=deliver, duration_ms=12.34567)

    hops = store.get(root.root)
    assert hops is not None
    assert [h.kind for h in hops] == ["publish", "deliver", "invoke"]
    assert hops[1].parent == root.parent
    assert hops[2].parent == deliver.parent
    assert hops[2].id == invoke.parent
    assert hops[2].duration_ms == 12.346
    assert len(store.traces()) == 1


def test_record_uses_the_activated_context_and_restores_the_previous_one() -> None:
    store = TraceStore()
    outer = store.record("publish", "sqs", "q")

    with trace.activate(outer):
        inner = store.record("call", "events", "PutEvents")
        with trace.activate(None):
            assert trace.current() is None
            detached = store.record("publish", "sns", "other")
        assert trace.current() == outer

    assert trace.current() is None
    assert inner.root == outer.root
    assert detached.root != outer.root
    child = [h for h in store.get(outer.root) or [] if h.kind == "call"]
    assert child[0].parent == outer.parent


def test_detail_values_that_are_none_are_dropped() -> None:
    store = TraceStore()
    store.record("invoke", "lambda", "fn", error=None, attempt=2, outcome="error")

    [hops] = store.traces()
    assert hops[0].detail == {"attempt": 2}
    assert hops[0].outcome == "error"


def test_oldest_traces_are_dropped_beyond_max_traces() -> None:
    store = TraceStore(max_traces=3, max_hops=10)

    roots = [store.record("publish", "sqs", f"q{i}").root for i in range(5)]

    kept = [hops[0].trace_id for hops in store.traces()]
    assert kept == roots[2:]
    assert store.get(roots[0]) is None
    assert [hops[0].resource for hops in store.traces(last=2)] == ["q3", "q4"]
    assert store.traces(last=0) == []


def test_hops_beyond_max_hops_are_not_kept_but_the_trace_stays() -> None:
    store = TraceStore(max_traces=10, max_hops=4)
    context = store.record("publish", "sqs", "q")

    for attempt in range(10):
        store.record("receive", "sqs", "q", context=context, attempt=attempt)

    hops = store.get(context.root)
    assert hops is not None
    assert len(hops) == 4
    assert [h.detail.get("attempt") for h in hops] == [None, 0, 1, 2]
    assert store.sequence == 11


def test_find_returns_matching_hops_across_traces_in_recording_order() -> None:
    store = TraceStore()
    store.record("invoke", "lambda", "a")
    store.record("publish", "sqs", "q")
    store.record("invoke", "lambda", "b")

    found = store.find(lambda h: h.kind == "invoke")

    assert [h.resource for h in found] == ["a", "b"]


def test_clear_forgets_every_trace() -> None:
    store = TraceStore()
    store.record("publish", "sqs", "q")
    store.clear()
    assert store.traces() == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
            TraceContext("1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8"),
        ),
        (
            "Root=1-5759e988-bd862e3fe1be46a994272793",
            TraceContext("1-5759e988-bd862e3fe1be46a994272793"),
        ),
        ("Sampled=1;Root=1-abc-def", TraceContext("1-abc-def")),
        ("Parent=53995c3f42cd8ad8;Sampled=1", None),
        ("", None),
        (None, None),
        ("garbage", None),
    ],
)
def test_trace_header_parse(header: str | None, expected: TraceContext | None) -> None:
    assert TraceContext.parse(header) == expected


def test_trace_header_format_round_trips() -> None:
    with_parent = TraceContext("1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8")
    root_only = TraceContext("1-5759e988-bd862e3fe1be46a994272793")

    assert with_parent.header() == (
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    )
    assert root_only.header() == "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    assert TraceContext.parse(with_parent.header()) == with_parent
    assert TraceContext.parse(root_only.header()) == root_only


def test_wait_returns_true_once_another_thread_records_the_awaited_hop() -> None:
    store = TraceStore()

    def later() -> None:
        time.sleep(0.05)
        store.record("invoke", "lambda", "fn")

    worker = threading.Thread(target=later)
    worker.start()
    try:
        seen = store.wait(lambda: bool(store.find(lambda h: h.kind == "invoke")), timeout=5)
    finally:
        worker.join()

    assert seen is True


def test_wait_returns_false_after_the_timeout_when_nothing_happens() -> None:
    store = TraceStore()
    started = time.monotonic()

    seen = store.wait(lambda: bool(store.find(lambda h: True)), timeout=0.2)

    assert seen is False
    assert 0.15 <= time.monotonic() - started < 2


def test_concurrent_recording_keeps_every_hop() -> None:
    store = TraceStore(max_traces=100, max_hops=1000)
    root = store.record("publish", "sqs", "q")

    def burst() -> None:
        for _ in range(100):
            store.record("receive", "sqs", "q", context=root)

    workers = [threading.Thread(target=burst) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert len(store.get(root.root) or []) == 801
    assert store.sequence == 801
