"""DynamoDB Streams event source mappings, with Lambda's stream semantics.

One thread per mapping reads the table's shard in order from its position (``TRIM_HORIZON``: the
oldest record; ``LATEST``: records written after the mapping started) and hands one batch at a
time to the function, so records of a key arrive in the order they were written. The position
moves past a batch only once the batch is settled:

- success (or a ``ReportBatchItemFailures`` response naming no record) settles it;
- a partial batch response checkpoints at the first failed sequence number: the records before
  it are done, the rest is retried;
- a function error retries the batch, blocking the shard meanwhile, with a short backoff (AWS
  backs off too; locally the first retry comes after 50 ms). ``BisectBatchOnFunctionError``
  splits a failed batch in two first, oldest half first (splits do not use up retries);
- after ``MaximumRetryAttempts`` retries, or for records older than
  ``MaximumRecordAgeInSeconds``, the records are given up: their failure record (AWS's shape,
  stream_shapes.py) goes to the mapping's ``OnFailure`` destination, or they are recorded as
  dropped when it has none. -1 (the default) retries until the records expire.

Records no ``FilterCriteria`` pattern matches are skipped without an invocation. The position
after each settled batch is checkpointed on the mapping (backends.checkpoint_mapping), so a
restarted cloud with a saved state goes on from there. The source blocks on the emulator's
stream condition (backends.wait_streams), so a write is picked up at once. Each record's
invocation joins the trace of its ``stream record`` hop.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from localcloud import trace
from localcloud.arns import function_name, parse_arn
from localcloud.emulator import backends
from localcloud.emulator.backends import ServiceError
from localcloud.emulator.views import MappingView, StreamRead, StreamRecordView
from localcloud.engine import stream_shapes
from localcloud.engine.errors import EngineError
from localcloud.engine.executor import InvocationResult
from localcloud.engine.senders import DeliveryError, Message
from localcloud.engine.sources.base import EventSource, SourceContext, register
from localcloud.routing.patterns import EventPattern, compile_filter_criteria
from localcloud.trace import HopKind, Outcome

log = logging.getLogger(__name__)

WAIT_S = 0.5  # longest wait for a write before the source looks at its settings again
FIRST_RETRY_S = 0.05
LAST_RETRY_S = 1.0


def now() -> float:
    """The clock record ages are measured with (tests move it)."""
    return time.time()


def retry_delay(retries: int) -> float:
    return float(min(LAST_RETRY_S, FIRST_RETRY_S * 2 ** max(0, retries - 1)))


@dataclass
class LastAttempt:
    """How the last invocation of a batch ended, for its failure record."""

    request_id: str
    invoke_count: int = 0
    function_error: str | None = None


@register
class DynamoDBStreamSource(EventSource):
    """Delivers the records of one table's stream to one function."""

    service = "dynamodb"

    def __init__(self, mapping: MappingView, context: SourceContext) -> None:
        super().__init__(mapping, context)
        self.stream_arn = mapping.source_arn
        arn = parse_arn(self.stream_arn)
        self.region = arn.region
        self.table = arn.resource.removeprefix("table/").split("/stream/")[0]
        self._stop = threading.Event()
        self._configure(mapping)
        # Where the mapping goes on from (its checkpoint, after a restart), or where a new one
        # starts, taken now: LATEST means records written after this.
        self._position: int | None = mapping.position
        if self._position is None and (mapping.starting_position or "TRIM_HORIZON") == "LATEST":
            try:
                self._position = backends.read_stream(self.stream_arn, None, 0).end
            except ServiceError as exc:
                log.warning("event source mapping %s: %s", mapping.uuid, exc)
        self._thread = threading.Thread(
            target=self._run, name=f"localcloud-esm-{self.table}", daemon=True
        )

    def _configure(self, mapping: MappingView) -> None:
        self.mapping = mapping
        # UpdateEventSourceMapping can point the mapping at another function.
        self.function_arn = mapping.function_arn
        self.function = function_name(mapping.function_arn)
        self.filters: list[EventPattern] = [
            compile_filter_criteria(p) for p in mapping.filter_patterns
        ]

    # -- EventSource ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def update(self, mapping: MappingView) -> None:
        self._configure(mapping)

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    # -- reading ----------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.mapping.enabled:
                self._stop.wait(0.1)
                continue
            seen = backends.streams_version()
            try:
                read = self._next_batch()
            except ServiceError as exc:  # the table or its stream went away
                log.warning("event source mapping %s: cannot read: %s", self.mapping.uuid, exc)
                self._stop.wait(1.0)
                continue
            if read is None:
                backends.wait_streams(seen, WAIT_S)
                continue
            try:
                self._position = self._deliver(read)
                backends.checkpoint_mapping(self.function_arn, self.mapping.uuid, self._position)
            except Exception:
                log.exception(
                    "event source mapping %s failed a batch; it is read again", self.mapping.uuid
                )
                self._stop.wait(1.0)

    def _next_batch(self) -> StreamRead | None:
        """The next batch from the position, topped up for the mapping's batching window."""
        size = self.mapping.batch_size
        read = backends.read_stream(self.stream_arn, self._position, size)
        if not read.records:
            return None
        window = self.mapping.batching_window_s
        deadline = time.monotonic() + window
        while window and len(read.records) < size and not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            seen = backends.streams_version()
            read = backends.read_stream(self.stream_arn, self._position, size)
            if len(read.records) < size:
                backends.wait_streams(seen, remaining)
        return read

    # -- delivery ---------------------------------------------------------------------------
    def _deliver(self, read: StreamRead) -> int:
        """Settle one batch; the position after it."""
        after = read.records[-1].sequence_number + 1
        kept = self._filter(read.records)
        pending: deque[list[StreamRecordView]] = deque([kept] if kept else [])
        while pending and not self._stop.is_set():
            pending.extendleft(reversed(self._settle(pending.popleft(), read.shard_id)))
        return after

    def _filter(self, records: Sequence[StreamRecordView]) -> list[StreamRecordView]:
        if not self.filters:
            return list(records)
        kept = []
        for record in records:
            shaped = stream_shapes.stream_record(record, self.stream_arn, self.region)
            if any(f.matches(shaped) for f in self.filters):
                kept.append(record)
                continue
            self.context.traces.record(
                HopKind.FILTER,
                "lambda",
                self.function,
                context=_context(record),
                outcome=Outcome.MISS,
                mapping=self.mapping.uuid,
                sequence_number=str(record.sequence_number),
            )
        return kept

    def _settle(self, batch: list[StreamRecordView], shard_id: str) -> list[list[StreamRecordView]]:
        """Run ``batch`` until it succeeds or is given up; halves to run next when bisected."""
        last = LastAttempt(request_id="")
        retries = 0
        while batch and not self._stop.is_set():
            batch = self._expire(batch, shard_id, last)
            if not batch:
                return []
            result = self._invoke(batch)
            if result is None:  # throttled or not runnable: retried, not counted
                self._stop.wait(retry_delay(retries + 1))
                continue
            last = LastAttempt(result.request_id, last.invoke_count + 1)
            if result.failed:
                last.function_error = "Unhandled"
                if self.mapping.bisect_on_error and len(batch) > 1:
                    half = len(batch) // 2
                    self._note(batch[0], "the batch failed: bisected", HopKind.RETRY)
                    return [batch[:half], batch[half:]]
            else:
                first_failed = (
                    stream_shapes.stream_batch_failures(result.payload, batch)
                    if self.mapping.report_batch_item_failures
                    else None
                )
                if first_failed is None:
                    return []
                batch = [r for r in batch if r.sequence_number >= first_failed]
            retries += 1
            limit = self.mapping.maximum_retry_attempts
            if 0 <= limit < retries:
                self._give_up(batch, shard_id, stream_shapes.RETRIES_EXHAUSTED, last)
                return []
            self._note(batch[0], f"retry {retries} of the batch", HopKind.RETRY)
            self._stop.wait(retry_delay(retries))
        return []

    def _expire(
        self, batch: list[StreamRecordView], shard_id: str, last: LastAttempt
    ) -> list[StreamRecordView]:
        """Give up the records older than MaximumRecordAgeInSeconds; the others."""
        limit = self.mapping.maximum_record_age_s
        if limit < 0:
            return batch
        cutoff = now() - limit
        aged = [r for r in batch if r.created < cutoff]
        if aged:
            self._give_up(aged, shard_id, stream_shapes.RECORD_AGE_EXCEEDED, last)
        return [r for r in batch if r.created >= cutoff]

    def _invoke(self, batch: list[StreamRecordView]) -> InvocationResult | None:
        payload = json.dumps(stream_shapes.stream_event(batch, self.stream_arn, self.region))
        first = batch[0]
        try:
            result = self.context.invoker.invoke(
                self.function_arn, payload.encode(), _context(first), source="dynamodb"
            )
        except EngineError as exc:  # throttled, or the function cannot run now
            log.info("event source mapping %s: %s", self.mapping.uuid, exc)
            return None
        for record in batch[1:]:
            self.context.traces.record(
                HopKind.INVOKE,
                "lambda",
                self.function,
                context=_context(record),
                outcome=Outcome.ERROR if result.failed else Outcome.OK,
                duration_ms=result.duration_ms,
                request_id=result.request_id,
                source="dynamodb",
                batched_with=str(first.sequence_number),
            )
        return result

    def _give_up(
        self, records: list[StreamRecordView], shard_id: str, condition: str, last: LastAttempt
    ) -> None:
        """Send the failure record of ``records`` to OnFailure, or record them dropped."""
        context = _context(records[0])
        destination = self.mapping.on_failure_arn
        if destination is None or self.context.deliver is None:
            for record in records:
                self._note(record, f"{condition}, and the mapping has no OnFailure destination")
            return
        document = stream_shapes.stream_failure_record(
            request_id=last.request_id or str(uuid.uuid4()),
            function_arn=self.function_arn,
            condition=condition,
            invoke_count=last.invoke_count,
            function_error=last.function_error,
            invoked=last.invoke_count > 0,
            now=now(),
            shard_id=shard_id,
            stream_arn=self.stream_arn,
            records=records,
        )
        try:
            self.context.deliver.send(destination, Message(json.dumps(document)), context)
        except DeliveryError as exc:
            for record in records:
                self._note(record, f"{condition}; the OnFailure destination refused it: {exc}")
            return
        for record in records:
            self.context.traces.record(
                HopKind.DESTINATION,
                "lambda",
                destination,
                context=_context(record),
                outcome=Outcome.ERROR,
                condition=condition,
                sequence_number=str(record.sequence_number),
            )

    def _note(self, record: StreamRecordView, reason: str, kind: HopKind = HopKind.DROP) -> None:
        self.context.traces.record(
            kind,
            "lambda",
            self.function,
            context=_context(record),
            outcome=Outcome.RETRY if kind is HopKind.RETRY else Outcome.ERROR,
            reason=reason,
            sequence_number=str(record.sequence_number),
        )


def _context(record: StreamRecordView) -> trace.TraceContext:
    return trace.TraceContext.parse(record.trace_header) or trace.TraceContext(trace.new_root())
