"""Kinesis Data Streams event source mappings, with Lambda's stream semantics.

The rules are DynamoDB Streams' (sources/dynamodb.py), per shard: one poller thread per shard
reads it in order from its position (``TRIM_HORIZON``: the oldest record; ``LATEST``: records
written after the mapping started) and hands one batch at a time to the function, so the
records of a partition key arrive in the order they were written. A batch is settled before
the shard moves on: success; a ``ReportBatchItemFailures`` response checkpoints at its first
failed sequence number; a function error retries the batch while it blocks the shard (bisected
first with ``BisectBatchOnFunctionError``); after ``MaximumRetryAttempts`` retries, or past
``MaximumRecordAgeInSeconds``, the records go to the ``OnFailure`` destination as AWS's
invocation record (``KinesisBatchInfo``), or are recorded as dropped without one.

Records no ``FilterCriteria`` pattern matches are skipped without an invocation. Each shard's
position is checkpointed on the mapping (backends.checkpoint_shard), so a cloud restarted with
its saved state goes on from there. A resharded stream's child shards are read once their
parents are read to their end. Pollers block on the emulator's stream condition
(backends.wait_streams), so a PutRecord is picked up at once. Each record's invocation joins
the trace of its ``kinesis record`` hop.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Sequence

from localcloud import trace
from localcloud.arns import function_name, parse_arn
from localcloud.emulator import backends
from localcloud.emulator.backends import ServiceError
from localcloud.emulator.kinesis_views import KinesisRecordView, ShardRead, ShardView
from localcloud.emulator.views import MappingView
from localcloud.engine import kinesis_shapes, stream_shapes
from localcloud.engine.errors import EngineError
from localcloud.engine.executor import InvocationResult
from localcloud.engine.senders import DeliveryError, Message
from localcloud.engine.sources.base import EventSource, SourceContext, register
from localcloud.engine.sources.dynamodb import WAIT_S, LastAttempt, retry_delay
from localcloud.routing.patterns import EventPattern, compile_filter_criteria
from localcloud.trace import HopKind, Outcome

log = logging.getLogger(__name__)


def now() -> float:
    """The clock record ages are measured with (tests move it)."""
    return time.time()


@register
class KinesisStreamSource(EventSource):
    """Delivers the records of one Kinesis stream to one function, one poller per shard."""

    service = "kinesis"

    def __init__(self, mapping: MappingView, context: SourceContext) -> None:
        super().__init__(mapping, context)
        self.stream_arn = mapping.source_arn
        self.region = parse_arn(self.stream_arn).region
        self.stream_name = self.stream_arn.rsplit("/", 1)[-1]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pollers: dict[str, ShardPoller] = {}
        self._configure(mapping)
        # Where each shard goes on from: the mapping's checkpoints (after a restart), else for
        # LATEST the end of each shard now; shards made later are read from their start.
        self._start: dict[str, int] = backends.shard_checkpoints(mapping.function_arn, mapping.uuid)
        if (mapping.starting_position or "TRIM_HORIZON") == "LATEST":
            try:
                for shard in backends.kinesis_shards(self.stream_arn):
                    if shard.shard_id not in self._start:
                        read = backends.read_kinesis_shard(self.stream_arn, shard.shard_id, None, 0)
                        self._start[shard.shard_id] = read.end
            except ServiceError as exc:
                log.warning("event source mapping %s: %s", mapping.uuid, exc)
        self._thread = threading.Thread(
            target=self._run, name=f"localcloud-esm-{self.stream_name}", daemon=True
        )

    def _configure(self, mapping: MappingView) -> None:
        self.mapping = mapping
        self.function_arn = mapping.function_arn
        self.function = function_name(mapping.function_arn)
        self.role_arn = backends.function_role(mapping.function_arn) or (
            f"arn:aws:iam::{parse_arn(mapping.function_arn).account}:role/{self.function}-role"
        )
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
        deadline = time.monotonic() + timeout
        threads = [self._thread] + [p.thread for p in self.pollers()]
        for thread in threads:
            if thread.is_alive():
                thread.join(max(0.0, deadline - time.monotonic()))

    def pollers(self) -> list[ShardPoller]:
        with self._lock:
            return list(self._pollers.values())

    # -- shards -----------------------------------------------------------------------------
    def _run(self) -> None:
        """Start a poller for each shard of the stream, as shards appear (UpdateShardCount)."""
        while not self._stop.is_set():
            seen = backends.streams_version()
            try:
                shards = backends.kinesis_shards(self.stream_arn)
            except ServiceError as exc:  # the stream went away
                log.warning("event source mapping %s: cannot read: %s", self.mapping.uuid, exc)
                self._stop.wait(1.0)
                continue
            for shard in shards:
                with self._lock:
                    poller = self._pollers.get(shard.shard_id)
                    if poller is None:
                        poller = ShardPoller(self, shard, self._start.get(shard.shard_id))
                        self._pollers[shard.shard_id] = poller
                        poller.thread.start()
                    poller.shard = shard
            backends.wait_streams(seen, WAIT_S)

    def parents_done(self, shard: ShardView) -> bool:
        """Whether every parent of ``shard`` this mapping reads has been read to its end."""
        with self._lock:
            parents = [self._pollers.get(p) for p in shard.parents]
        return all(p is None or p.finished for p in parents)

    @property
    def stopped(self) -> threading.Event:
        return self._stop


class ShardPoller:
    """Reads one shard in order for a Kinesis mapping and settles its batches one at a time."""

    def __init__(self, source: KinesisStreamSource, shard: ShardView, position: int | None):
        self.source = source
        self.shard = shard
        self.shard_id = shard.shard_id
        self.position = position
        self.finished = False
        self._stop = source.stopped
        self.thread = threading.Thread(
            target=self._run,
            name=f"localcloud-esm-{source.stream_name}-{shard.shard_id}",
            daemon=True,
        )

    @property
    def mapping(self) -> MappingView:
        return self.source.mapping

    @property
    def traces(self) -> trace.TraceStore:
        return self.source.context.traces

    # -- reading ----------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set() and not self.finished:
            if not self.mapping.enabled or not self.source.parents_done(self.shard):
                self._stop.wait(0.1)
                continue
            seen = backends.streams_version()
            try:
                read = self._next_batch()
            except ServiceError as exc:  # the stream or the shard went away
                log.warning("event source mapping %s: cannot read: %s", self.mapping.uuid, exc)
                self._stop.wait(1.0)
                continue
            if not read.records:
                if self.shard.closed:  # read to its end: its children go on
                    self.finished = True
                    return
                backends.wait_streams(seen, WAIT_S)
                continue
            try:
                self.position = self._deliver(read)
                backends.checkpoint_shard(
                    self.source.function_arn, self.mapping.uuid, self.shard_id, self.position
                )
            except Exception:
                log.exception(
                    "event source mapping %s failed a batch; it is read again", self.mapping.uuid
                )
                self._stop.wait(1.0)

    def _read(self, size: int) -> ShardRead:
        return backends.read_kinesis_shard(
            self.source.stream_arn, self.shard_id, self.position, size
        )

    def _next_batch(self) -> ShardRead:
        """The next batch from the position, topped up for the mapping's batching window."""
        size = self.mapping.batch_size
        read = self._read(size)
        if not read.records:
            return read
        window = self.mapping.batching_window_s
        deadline = time.monotonic() + window
        while window and len(read.records) < size and not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            seen = backends.streams_version()
            read = self._read(size)
            if len(read.records) < size:
                backends.wait_streams(seen, remaining)
        return read

    # -- delivery ---------------------------------------------------------------------------
    def _deliver(self, read: ShardRead) -> int:
        """Settle one batch; the position after it."""
        after = read.records[-1].sequence_number + 1
        kept = self._filter(read.records)
        pending: deque[list[KinesisRecordView]] = deque([kept] if kept else [])
        while pending and not self._stop.is_set():
            pending.extendleft(reversed(self._settle(pending.popleft())))
        return after

    def _shape(self, records: Sequence[KinesisRecordView]) -> dict[str, object]:
        return kinesis_shapes.kinesis_event(
            records,
            shard_id=self.shard_id,
            stream_arn=self.source.stream_arn,
            region=self.source.region,
            role_arn=self.source.role_arn,
        )

    def _filter(self, records: Sequence[KinesisRecordView]) -> list[KinesisRecordView]:
        filters = self.source.filters
        if not filters:
            return list(records)
        kept = []
        for record in records:
            shaped = kinesis_shapes.filter_target(record)
            if any(f.matches(shaped) for f in filters):
                kept.append(record)
                continue
            self.traces.record(
                HopKind.FILTER,
                "lambda",
                self.source.function,
                context=_context(record),
                outcome=Outcome.MISS,
                mapping=self.mapping.uuid,
                sequence_number=str(record.sequence_number),
            )
        return kept

    def _settle(self, batch: list[KinesisRecordView]) -> list[list[KinesisRecordView]]:
        """Run ``batch`` until it succeeds or is given up; halves to run next when bisected."""
        last = LastAttempt(request_id="")
        retries = 0
        while batch and not self._stop.is_set():
            batch = self._expire(batch, last)
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
                    kinesis_shapes.kinesis_batch_failures(result.payload, batch)
                    if self.mapping.report_batch_item_failures
                    else None
                )
                if first_failed is None:
                    return []
                batch = [r for r in batch if r.sequence_number >= first_failed]
            retries += 1
            limit = self.mapping.maximum_retry_attempts
            if 0 <= limit < retries:
                self._give_up(batch, stream_shapes.RETRIES_EXHAUSTED, last)
                return []
            self._note(batch[0], f"retry {retries} of the batch", HopKind.RETRY)
            self._stop.wait(retry_delay(retries))
        return []

    def _expire(self, batch: list[KinesisRecordView], last: LastAttempt) -> list[KinesisRecordView]:
        """Give up the records older than MaximumRecordAgeInSeconds; the others."""
        limit = self.mapping.maximum_record_age_s
        if limit < 0:
            return batch
        cutoff = now() - limit
        aged = [r for r in batch if r.created < cutoff]
        if aged:
            self._give_up(aged, stream_shapes.RECORD_AGE_EXCEEDED, last)
        return [r for r in batch if r.created >= cutoff]

    def _invoke(self, batch: list[KinesisRecordView]) -> InvocationResult | None:
        payload = json.dumps(self._shape(batch))
        first = batch[0]
        try:
            result = self.source.context.invoker.invoke(
                self.source.function_arn, payload.encode(), _context(first), source="kinesis"
            )
        except EngineError as exc:  # throttled, or the function cannot run now
            log.info("event source mapping %s: %s", self.mapping.uuid, exc)
            return None
        for record in batch[1:]:
            self.traces.record(
                HopKind.INVOKE,
                "lambda",
                self.source.function,
                context=_context(record),
                outcome=Outcome.ERROR if result.failed else Outcome.OK,
                duration_ms=result.duration_ms,
                request_id=result.request_id,
                source="kinesis",
                batched_with=str(first.sequence_number),
            )
        return result

    def _give_up(self, records: list[KinesisRecordView], condition: str, last: LastAttempt) -> None:
        """Send the failure record of ``records`` to OnFailure, or record them dropped."""
        destination = self.mapping.on_failure_arn
        deliver = self.source.context.deliver
        if destination is None or deliver is None:
            for record in records:
                self._note(record, f"{condition}, and the mapping has no OnFailure destination")
            return
        document = kinesis_shapes.kinesis_failure_record(
            request_id=last.request_id or str(uuid.uuid4()),
            function_arn=self.source.function_arn,
            condition=condition,
            invoke_count=last.invoke_count,
            function_error=last.function_error,
            invoked=last.invoke_count > 0,
            now=now(),
            shard_id=self.shard_id,
            stream_arn=self.source.stream_arn,
            records=records,
        )
        try:
            deliver.send(destination, Message(json.dumps(document)), _context(records[0]))
        except DeliveryError as exc:
            for record in records:
                self._note(record, f"{condition}; the OnFailure destination refused it: {exc}")
            return
        for record in records:
            self.traces.record(
                HopKind.DESTINATION,
                "lambda",
                destination,
                context=_context(record),
                outcome=Outcome.ERROR,
                condition=condition,
                sequence_number=str(record.sequence_number),
            )

    def _note(self, record: KinesisRecordView, reason: str, kind: HopKind = HopKind.DROP) -> None:
        self.traces.record(
            kind,
            "lambda",
            self.source.function,
            context=_context(record),
            outcome=Outcome.RETRY if kind is HopKind.RETRY else Outcome.ERROR,
            reason=reason,
            sequence_number=str(record.sequence_number),
            shard_id=self.shard_id,
        )


def _context(record: KinesisRecordView) -> trace.TraceContext:
    return trace.TraceContext.parse(record.trace_header) or trace.TraceContext(trace.new_root())
