"""What stream sources share: reading one ordered shard and settling its batches, with Lambda's
stream semantics (the rules are spelled out in sources/dynamodb.py and sources/kinesis.py).

A ``ShardReader`` reads its shard from its position, one batch at a time (topped up for the
mapping's batching window), and moves on only once the batch is settled: success, a partial
batch response (checkpoint at the first failed sequence number), retries while the batch
blocks the shard (bisected first with ``BisectBatchOnFunctionError``), then the failure record
to ``OnFailure`` (or a ``drop`` hop) after ``MaximumRetryAttempts`` or past
``MaximumRecordAgeInSeconds``. Records no filter matches are skipped with a ``filter`` hop.
Each source says how to read its shard, shape its event, its filter target and its failure
record, and where to keep its checkpoint.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from localcloud import trace
from localcloud.emulator import backends
from localcloud.emulator.backends import ServiceError
from localcloud.emulator.views import MappingView
from localcloud.engine import stream_shapes
from localcloud.engine.errors import EngineError
from localcloud.engine.executor import InvocationResult
from localcloud.engine.senders import DeliveryError, Message
from localcloud.engine.sources.base import SourceContext
from localcloud.routing.patterns import EventPattern
from localcloud.trace import HopKind, Outcome

log = logging.getLogger(__name__)

WAIT_S = 0.5  # longest wait for a write before a reader looks at its settings again
FIRST_RETRY_S = 0.05
LAST_RETRY_S = 1.0


def retry_delay(retries: int) -> float:
    return float(min(LAST_RETRY_S, FIRST_RETRY_S * 2 ** max(0, retries - 1)))


class ShardRecord(Protocol):
    """What the reader needs of a record: its place in the shard, its age, its trace."""

    @property
    def sequence_number(self) -> int: ...

    @property
    def created(self) -> float: ...

    @property
    def trace_header(self) -> str | None: ...


class ShardBatch(Protocol):
    """Records read from a shard from a position on."""

    @property
    def shard_id(self) -> str: ...

    @property
    def records(self) -> Sequence[Any]: ...


class StreamMapping(Protocol):
    """The mapping a reader works for: its settings, its function, its filters, the engine."""

    mapping: MappingView
    function_arn: str
    function: str
    filters: list[EventPattern]
    context: SourceContext


@dataclass
class LastAttempt:
    """How the last invocation of a batch ended, for its failure record."""

    request_id: str
    invoke_count: int = 0
    function_error: str | None = None


class ShardReader(ABC):
    """Reads one shard in order for one stream mapping and settles its batches one at a time."""

    # The invocation's source in the trace ("dynamodb", "kinesis").
    source_name: str

    def __init__(self, owner: StreamMapping, stop: threading.Event, position: int | None):
        self.owner = owner
        self.position = position
        self._stop = stop

    # -- what each source says --------------------------------------------------------------
    @abstractmethod
    def read(self, limit: int) -> ShardBatch | None:
        """Up to ``limit`` records from the position on (None when there are none)."""

    @abstractmethod
    def event(self, records: Sequence[Any], shard_id: str) -> dict[str, Any]:
        """The event the function gets for ``records``."""

    @abstractmethod
    def filter_target(self, record: Any, shard_id: str) -> dict[str, Any]:
        """What the mapping's filter criteria match ``record`` against."""

    @abstractmethod
    def failure_record(
        self, records: Sequence[Any], shard_id: str, condition: str, last: LastAttempt
    ) -> dict[str, Any]:
        """What OnFailure gets for records given up on."""

    @abstractmethod
    def checkpoint(self, position: int) -> None:
        """Keep the position after a settled batch with the mapping."""

    @abstractmethod
    def now(self) -> float:
        """The clock record ages are measured with (each source's module ``now``)."""

    def ready(self) -> bool:
        """Whether the shard may be read now (a child shard waits for its parents)."""
        return True

    def exhausted(self) -> bool:
        """Whether the shard, read to its end, will never have more records (then stop)."""
        return False

    # -- reading ----------------------------------------------------------------------------
    def poll(self) -> None:
        """Read and settle batches until stopped (or the shard is exhausted)."""
        while not self._stop.is_set():
            if not self.owner.mapping.enabled or not self.ready():
                self._stop.wait(0.1)
                continue
            seen = backends.streams_version()
            try:
                read = self._next_batch()
            except ServiceError as exc:  # the stream, its table or the shard went away
                log.warning(
                    "event source mapping %s: cannot read: %s", self.owner.mapping.uuid, exc
                )
                self._stop.wait(1.0)
                continue
            if read is None:
                if self.exhausted():
                    return
                backends.wait_streams(seen, WAIT_S)
                continue
            try:
                self.position = self._deliver(read)
                self.checkpoint(self.position)
            except Exception:
                log.exception(
                    "event source mapping %s failed a batch; it is read again",
                    self.owner.mapping.uuid,
                )
                self._stop.wait(1.0)

    def _next_batch(self) -> ShardBatch | None:
        """The next batch from the position, topped up for the mapping's batching window."""
        size = self.owner.mapping.batch_size
        read = self.read(size)
        if read is None:
            return None
        window = self.owner.mapping.batching_window_s
        deadline = time.monotonic() + window
        while window and len(read.records) < size and not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            seen = backends.streams_version()
            read = self.read(size) or read
            if len(read.records) < size:
                backends.wait_streams(seen, remaining)
        return read

    # -- delivery ---------------------------------------------------------------------------
    def _deliver(self, read: ShardBatch) -> int:
        """Settle one batch; the position after it."""
        after = int(read.records[-1].sequence_number) + 1
        kept = self._filter(read.records, read.shard_id)
        pending: deque[list[Any]] = deque([kept] if kept else [])
        while pending and not self._stop.is_set():
            pending.extendleft(reversed(self._settle(pending.popleft(), read.shard_id)))
        return after

    def _filter(self, records: Sequence[Any], shard_id: str) -> list[Any]:
        filters = self.owner.filters
        if not filters:
            return list(records)
        kept = []
        for record in records:
            shaped = self.filter_target(record, shard_id)
            if any(f.matches(shaped) for f in filters):
                kept.append(record)
                continue
            self.owner.context.traces.record(
                HopKind.FILTER,
                "lambda",
                self.owner.function,
                context=record_context(record),
                outcome=Outcome.MISS,
                mapping=self.owner.mapping.uuid,
                sequence_number=str(record.sequence_number),
            )
        return kept

    def _settle(self, batch: list[Any], shard_id: str) -> list[list[Any]]:
        """Run ``batch`` until it succeeds or is given up; halves to run next when bisected."""
        last = LastAttempt(request_id="")
        retries = 0
        while batch and not self._stop.is_set():
            batch = self._expire(batch, shard_id, last)
            if not batch:
                return []
            result = self._invoke(batch, shard_id)
            if result is None:  # throttled or not runnable: retried, not counted
                self._stop.wait(retry_delay(retries + 1))
                continue
            last = LastAttempt(result.request_id, last.invoke_count + 1)
            mapping = self.owner.mapping
            if result.failed:
                last.function_error = "Unhandled"
                if mapping.bisect_on_error and len(batch) > 1:
                    half = len(batch) // 2
                    self._note(batch[0], "the batch failed: bisected", HopKind.RETRY)
                    return [batch[:half], batch[half:]]
            else:
                first_failed = (
                    stream_shapes.first_failed(result.payload, [r.sequence_number for r in batch])
                    if mapping.report_batch_item_failures
                    else None
                )
                if first_failed is None:
                    return []
                batch = [r for r in batch if r.sequence_number >= first_failed]
            retries += 1
            limit = mapping.maximum_retry_attempts
            if 0 <= limit < retries:
                self._give_up(batch, shard_id, stream_shapes.RETRIES_EXHAUSTED, last)
                return []
            self._note(batch[0], f"retry {retries} of the batch", HopKind.RETRY)
            self._stop.wait(retry_delay(retries))
        return []

    def _expire(self, batch: list[Any], shard_id: str, last: LastAttempt) -> list[Any]:
        """Give up the records older than MaximumRecordAgeInSeconds; the others."""
        limit = self.owner.mapping.maximum_record_age_s
        if limit < 0:
            return batch
        cutoff = self.now() - limit
        aged = [r for r in batch if r.created < cutoff]
        if aged:
            self._give_up(aged, shard_id, stream_shapes.RECORD_AGE_EXCEEDED, last)
        return [r for r in batch if r.created >= cutoff]

    def _invoke(self, batch: list[Any], shard_id: str) -> InvocationResult | None:
        owner = self.owner
        payload = json.dumps(self.event(batch, shard_id))
        first = batch[0]
        try:
            result = owner.context.invoker.invoke(
                owner.function_arn,
                payload.encode(),
                record_context(first),
                source=self.source_name,
            )
        except EngineError as exc:  # throttled, or the function cannot run now
            log.info("event source mapping %s: %s", owner.mapping.uuid, exc)
            return None
        for record in batch[1:]:
            owner.context.traces.record(
                HopKind.INVOKE,
                "lambda",
                owner.function,
                context=record_context(record),
                outcome=Outcome.ERROR if result.failed else Outcome.OK,
                duration_ms=result.duration_ms,
                request_id=result.request_id,
                source=self.source_name,
                batched_with=str(first.sequence_number),
            )
        return result

    def _give_up(
        self, records: list[Any], shard_id: str, condition: str, last: LastAttempt
    ) -> None:
        """Send the failure record of ``records`` to OnFailure, or record them dropped."""
        owner = self.owner
        destination = owner.mapping.on_failure_arn
        deliver = owner.context.deliver
        if destination is None or deliver is None:
            for record in records:
                self._note(record, f"{condition}, and the mapping has no OnFailure destination")
            return
        if not last.request_id:
            last = LastAttempt(str(uuid.uuid4()), last.invoke_count, last.function_error)
        document = self.failure_record(records, shard_id, condition, last)
        try:
            deliver.send(destination, Message(json.dumps(document)), record_context(records[0]))
        except DeliveryError as exc:
            for record in records:
                self._note(record, f"{condition}; the OnFailure destination refused it: {exc}")
            return
        for record in records:
            owner.context.traces.record(
                HopKind.DESTINATION,
                "lambda",
                destination,
                context=record_context(record),
                outcome=Outcome.ERROR,
                condition=condition,
                sequence_number=str(record.sequence_number),
            )

    def _note(self, record: Any, reason: str, kind: HopKind = HopKind.DROP) -> None:
        self.owner.context.traces.record(
            kind,
            "lambda",
            self.owner.function,
            context=record_context(record),
            outcome=Outcome.RETRY if kind is HopKind.RETRY else Outcome.ERROR,
            reason=reason,
            sequence_number=str(record.sequence_number),
        )


def record_context(record: ShardRecord) -> trace.TraceContext:
    """The trace a record's hops join: its write's, or a new one."""
    return trace.TraceContext.parse(record.trace_header) or trace.TraceContext(trace.new_root())
