"""The shared ShardReader's settling rules, without a cloud: a fake shard, a scripted function."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from localcloud.emulator.views import MappingView
from localcloud.engine.executor import InvocationResult
from localcloud.engine.senders import Message
from localcloud.engine.sources.base import SourceContext
from localcloud.engine.sources.shards import LastAttempt, ShardReader
from localcloud.routing.patterns import EventPattern, compile_filter_criteria
from localcloud.trace import HopKind, TraceStore

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:reader"


@dataclass(frozen=True)
class Rec:
    sequence_number: int
    data: str
    created: float = 1_000.0
    trace_header: str | None = None


@dataclass(frozen=True)
class Batch:
    shard_id: str
    records: tuple[Rec, ...]


class Function:
    """Answers each invocation with ``answer(datas)``: an error, a payload, or None."""

    def __init__(self, answer: Callable[[list[str]], Any]) -> None:
        self.answer = answer
        self.calls: list[list[str]] = []

    def invoke(self, function: str, payload: bytes, context: Any = None, **_: Any) -> Any:
        datas = [r["data"] for r in json.loads(payload)["Records"]]
        self.calls.append(datas)
        outcome = self.answer(datas)
        error = {"errorMessage": "boom"} if outcome == "raise" else None
        body = json.dumps(outcome).encode() if isinstance(outcome, dict) else b"null"
        return InvocationResult(f"req-{len(self.calls)}", body, error, "", 1.0)


@dataclass
class Destinations:
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def send(self, arn: str, message: Message, context: Any) -> None:
        self.sent.append((arn, json.loads(message.body)))


class Owner:
    def __init__(self, mapping: MappingView, function: Function, filters: list[str]) -> None:
        self.mapping = mapping
        self.function_arn = FUNCTION
        self.function = "reader"
        self.filters: list[EventPattern] = [compile_filter_criteria(p) for p in filters]
        self.destinations = Destinations()
        self.context = SourceContext(
            invoker=function,  # type: ignore[arg-type]
            catalog=None,  # type: ignore[arg-type]
            traces=TraceStore(),
            deliver=self.destinations,
        )


class FakeReader(ShardReader):
    source_name = "fake"

    def __init__(self, owner: Owner, records: Sequence[Rec]) -> None:
        super().__init__(owner, threading.Event(), None)
        self.records = list(records)
        self.checkpoints: list[int] = []

    def read(self, limit: int) -> Batch | None:
        start = self.position or 0
        found = tuple(r for r in self.records if r.sequence_number >= start)[:limit]
        return Batch("shard-1", found) if found else None

    def event(self, records: Sequence[Rec], shard_id: str) -> dict[str, Any]:
        return {"Records": [{"data": r.data, "seq": r.sequence_number} for r in records]}

    def filter_target(self, record: Rec, shard_id: str) -> dict[str, Any]:
        return {"data": record.data}

    def failure_record(
        self, records: Sequence[Rec], shard_id: str, condition: str, last: LastAttempt
    ) -> dict[str, Any]:
        return {
            "condition": condition,
            "invokes": last.invoke_count,
            "datas": [r.data for r in records],
        }

    def checkpoint(self, position: int) -> None:
        self.checkpoints.append(position)

    def now(self) -> float:
        return 1_100.0

    def settle_all(self) -> None:
        """Deliver every batch there is, as poll does, without a thread."""
        while (read := self._next_batch()) is not None:
            self.position = self._deliver(read)
            self.checkpoint(self.position)


def mapping(**settings: Any) -> MappingView:
    fields: dict[str, Any] = {
        "uuid": "m-1",
        "source_arn": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
        "function_arn": FUNCTION,
        "enabled": True,
        "batch_size": 10,
        "batching_window_s": 0.0,
        "report_batch_item_failures": False,
        "filter_patterns": (),
        "maximum_concurrency": None,
        "on_failure_arn": "arn:aws:sqs:us-east-1:123456789012:gave-up",
    }
    fields.update(settings)
    return MappingView(**fields)


def reader(answer: Callable[[list[str]], Any], *datas: str, **settings: Any) -> FakeReader:
    filters = list(settings.pop("filters", []))
    owner = Owner(mapping(**settings), Function(answer), filters)
    return FakeReader(owner, [Rec(n + 1, d) for n, d in enumerate(datas)])


def calls(r: FakeReader) -> list[list[str]]:
    return r.owner.context.invoker.calls  # type: ignore[attr-defined,no-any-return]


def sent(r: FakeReader) -> list[tuple[str, dict[str, Any]]]:
    return r.owner.destinations.sent  # type: ignore[attr-defined,no-any-return]


def test_a_batch_that_succeeds_checkpoints_after_its_last_record() -> None:
    r = reader(lambda _: None, "a", "b", "c", batch_size=2)
    r.settle_all()
    assert calls(r) == [["a", "b"], ["c"]]
    assert r.checkpoints == [3, 4]


def test_bisect_runs_the_older_half_first_and_gives_up_only_the_bad_record() -> None:
    r = reader(
        lambda datas: "raise" if "bad" in datas else None,
        *("a", "b", "bad", "d"),
        bisect_on_error=True,
        maximum_retry_attempts=0,
    )
    r.settle_all()
    assert calls(r) == [["a", "b", "bad", "d"], ["a", "b"], ["bad", "d"], ["bad"], ["d"]]
    assert [doc["datas"] for _, doc in sent(r)] == [["bad"]]


def test_a_partial_batch_response_retries_from_the_first_failed_record() -> None:
    failures = iter([{"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]}])
    r = reader(lambda _: next(failures, None), "a", "b", "c", "d", report_batch_item_failures=True)
    r.settle_all()
    assert calls(r) == [["a", "b", "c", "d"], ["b", "c", "d"]]


def test_retries_exhausted_send_the_batch_to_on_failure_and_the_shard_goes_on() -> None:
    r = reader(
        lambda datas: "raise" if datas == ["bad"] else None,
        "bad",
        "next",
        batch_size=1,
        maximum_retry_attempts=2,
    )
    r.settle_all()
    assert calls(r) == [["bad"], ["bad"], ["bad"], ["next"]]
    [(arn, document)] = sent(r)
    assert arn.endswith(":gave-up")
    assert document == {"condition": "RetryAttemptsExhausted", "invokes": 3, "datas": ["bad"]}


def test_records_past_their_age_are_given_up_without_an_invocation() -> None:
    r = reader(lambda _: None, "old", maximum_record_age_s=60)  # now() is 100 s after
    r.settle_all()
    assert calls(r) == []
    assert [doc for _, doc in sent(r)] == [
        {"condition": "RecordAgeExceeded", "invokes": 0, "datas": ["old"]}
    ]


def test_records_no_filter_matches_are_skipped_with_a_filter_hop() -> None:
    r = reader(lambda _: None, "keep", "skip", "keep", filters=['{"data": ["keep"]}'])
    r.settle_all()
    assert calls(r) == [["keep", "keep"]]
    hops = r.owner.context.traces.find(lambda h: h.kind == HopKind.FILTER)
    assert [h.detail["sequence_number"] for h in hops] == ["2"]
    assert r.checkpoints == [4]
