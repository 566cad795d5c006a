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
invocation joins the trace of its ``stream record`` hop. The reading and settling are
shards.ShardReader's, shared with the Kinesis source.
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
from localcloud.emulator.views import MappingView, StreamRead, StreamRecordView
from localcloud.engine import stream_shapes
from localcloud.engine.sources.base import EventSource, SourceContext, register
from localcloud.engine.sources.shards import (
    FIRST_RETRY_S,
    LAST_RETRY_S,
    WAIT_S,
    LastAttempt,
    ShardReader,
    retry_delay,
)
from localcloud.routing.patterns import EventPattern, compile_filter_criteria

__all__ = ["FIRST_RETRY_S", "LAST_RETRY_S", "WAIT_S", "DynamoDBStreamSource", "now", "retry_delay"]

log = logging.getLogger(__name__)


def now() -> float:
    """The clock record ages are measured with (tests move it)."""
    return time.time()


@register
class DynamoDBStreamSource(EventSource, ShardReader):
    """Delivers the records of one table's stream (one shard) to one function."""

    service = "dynamodb"
    source_name = "dynamodb"

    def __init__(self, mapping: MappingView, context: SourceContext) -> None:
        EventSource.__init__(self, mapping, context)
        self.stream_arn = mapping.source_arn
        arn = parse_arn(self.stream_arn)
        self.region = arn.region
        self.table = arn.resource.removeprefix("table/").split("/stream/")[0]
        self._configure(mapping)
        # Where the mapping goes on from (its checkpoint, after a restart), or where a new one
        # starts, taken now: LATEST means records written after this.
        position: int | None = mapping.position
        if position is None and (mapping.starting_position or "TRIM_HORIZON") == "LATEST":
            try:
                position = backends.read_stream(self.stream_arn, None, 0).end
            except ServiceError as exc:
                log.warning("event source mapping %s: %s", mapping.uuid, exc)
        ShardReader.__init__(self, self, threading.Event(), position)
        self._thread = threading.Thread(
            target=self.poll, name=f"localcloud-esm-{self.table}", daemon=True
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

    # -- ShardReader ------------------------------------------------------------------------
    def read(self, limit: int) -> StreamRead | None:
        read = backends.read_stream(self.stream_arn, self.position, limit)
        return read if read.records else None

    def event(self, records: Sequence[StreamRecordView], shard_id: str) -> dict[str, Any]:
        return stream_shapes.stream_event(records, self.stream_arn, self.region)

    def filter_target(self, record: StreamRecordView, shard_id: str) -> dict[str, Any]:
        return stream_shapes.stream_record(record, self.stream_arn, self.region)

    def failure_record(
        self,
        records: Sequence[StreamRecordView],
        shard_id: str,
        condition: str,
        last: LastAttempt,
    ) -> dict[str, Any]:
        return stream_shapes.stream_failure_record(
            request_id=last.request_id,
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

    def checkpoint(self, position: int) -> None:
        backends.checkpoint_mapping(self.function_arn, self.mapping.uuid, position)

    def now(self) -> float:
        return now()
