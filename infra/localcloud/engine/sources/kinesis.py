"""Kinesis Data Streams event source mappings, with Lambda's stream semantics.

The rules are DynamoDB Streams' (sources/dynamodb.py), per shard: one poller thread per shard
reads it in order from its position (``TRIM_HORIZON``: the oldest record; ``LATEST``: records
written after the mapping started; ``AT_TIMESTAMP``: records that arrived from the mapping's
``StartingPositionTimestamp`` on) and hands one batch at a time to the function, so the
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
the trace of its ``kinesis record`` hop. Reading and settling a shard is shards.ShardReader's,
shared with the DynamoDB Streams source.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from localcloud.arns import function_name, parse_arn
from localcloud.emulator import backends
from localcloud.emulator.backends import ServiceError
from localcloud.emulator.kinesis_views import KinesisRecordView, ShardRead, ShardView
from localcloud.emulator.views import MappingView
from localcloud.engine import kinesis_shapes
from localcloud.engine.sources.base import EventSource, SourceContext, register
from localcloud.engine.sources.shards import WAIT_S, LastAttempt, ShardReader
from localcloud.routing.patterns import EventPattern, compile_filter_criteria

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
        starting = mapping.starting_position or "TRIM_HORIZON"
        if starting in ("LATEST", "AT_TIMESTAMP"):
            try:
                self._start_shards(starting)
            except ServiceError as exc:
                log.warning("event source mapping %s: %s", mapping.uuid, exc)
        self._thread = threading.Thread(
            target=self._run, name=f"localcloud-esm-{self.stream_name}", daemon=True
        )

    def _start_shards(self, starting: str) -> None:
        """Where each shard without a checkpoint starts: its end now (LATEST), or its first
        record that arrived at or after the mapping's StartingPositionTimestamp."""
        at = backends.mapping_start_time(self.mapping.function_arn, self.mapping.uuid)
        for shard in backends.kinesis_shards(self.stream_arn):
            if shard.shard_id in self._start:
                continue
            if starting == "AT_TIMESTAMP" and at is not None:
                position = backends.kinesis_position_at(self.stream_arn, shard.shard_id, at)
            else:
                position = backends.read_kinesis_shard(self.stream_arn, shard.shard_id, None, 0).end
            self._start[shard.shard_id] = position

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


class ShardPoller(ShardReader):
    """Reads one shard of the stream for a Kinesis mapping, on its own thread."""

    source_name = "kinesis"

    def __init__(self, source: KinesisStreamSource, shard: ShardView, position: int | None):
        super().__init__(source, source.stopped, position)
        self.source = source
        self.shard = shard  # refreshed by the source: whether it is closed now
        self.shard_id = shard.shard_id
        self.finished = False
        self.thread = threading.Thread(
            target=self.poll,
            name=f"localcloud-esm-{source.stream_name}-{shard.shard_id}",
            daemon=True,
        )

    def ready(self) -> bool:
        return self.source.parents_done(self.shard)

    def exhausted(self) -> bool:
        # Read to its end while closed: no record will be added; its children go on.
        self.finished = self.shard.closed
        return self.finished

    def read(self, limit: int) -> ShardRead | None:
        read = backends.read_kinesis_shard(
            self.source.stream_arn, self.shard_id, self.position, limit
        )
        return read if read.records else None

    def event(self, records: Sequence[KinesisRecordView], shard_id: str) -> dict[str, Any]:
        return kinesis_shapes.kinesis_event(
            records,
            shard_id=shard_id,
            stream_arn=self.source.stream_arn,
            region=self.source.region,
            role_arn=self.source.role_arn,
        )

    def filter_target(self, record: KinesisRecordView, shard_id: str) -> dict[str, Any]:
        return kinesis_shapes.filter_target(record)

    def failure_record(
        self,
        records: Sequence[KinesisRecordView],
        shard_id: str,
        condition: str,
        last: LastAttempt,
    ) -> dict[str, Any]:
        return kinesis_shapes.kinesis_failure_record(
            request_id=last.request_id,
            function_arn=self.source.function_arn,
            condition=condition,
            invoke_count=last.invoke_count,
            function_error=last.function_error,
            invoked=last.invoke_count > 0,
            now=now(),
            shard_id=shard_id,
            stream_arn=self.source.stream_arn,
            records=records,
        )

    def checkpoint(self, position: int) -> None:
        backends.checkpoint_shard(
            self.source.function_arn, self.source.mapping.uuid, self.shard_id, position
        )

    def now(self) -> float:
        return now()
