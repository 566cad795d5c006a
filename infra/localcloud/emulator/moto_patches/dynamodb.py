"""DynamoDB Streams patches: stream records as AWS writes them, delivered by the engine.

- moto's own stream-to-Lambda path is off: a record is never handed to moto's Lambda backend
  (which runs the function in Docker and, with no Docker, logs ``error running docker`` and
  drops the batch). The engine's stream source (engine/sources/dynamodb.py) reads the shard.
- Records carry what AWS writes and moto does not: ``eventVersion`` 1.1, the table's region, a
  ``SizeBytes`` measured on the keys and images, and the time of the write.
- Every record is reported to the hooks with the trace context of the request that wrote it
  (the ``stream record`` hop) and keeps the context the hook returns, so the invocation it
  causes joins the writer's trace. Records of a TransactWriteItems are reported once the
  transaction commits; a cancelled one rolls its records back with the table, unreported.
- Readers waiting for records are woken (backends.streams_changed).
- The REMOVE record of an item TTL expired (backends.expire_items) carries DynamoDB's
  ``userIdentity`` (``Service``, ``dynamodb.amazonaws.com``), as AWS's does.
- The streams API answers as AWS does where moto fails: an unknown shard is
  ResourceNotFoundException, an unknown or malformed iterator a ValidationException,
  ``AT``/``AFTER_SEQUENCE_NUMBER`` without a number a ValidationException; a stream enabled
  without a view type, or with one DynamoDB lacks, is refused; stream labels have
  milliseconds and record times whole seconds, as AWS writes them.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from moto.core.utils import utcnow
from moto.dynamodb.exceptions import MockValidationException, ResourceNotFoundException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamRecord, StreamShard, Table
from moto.dynamodbstreams.models import DynamoDBStreamsBackend

from localcloud import trace
from localcloud.emulator import backends
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches

EVENT_VERSION = "1.1"
# The time of the write and the trace context of its stream record hop, kept on moto's record.
WRITTEN_ATTRIBUTE = "localcloud_written"
TRACE_ATTRIBUTE = "localcloud_trace"

_local = threading.local()


def stream_arn(table: Any) -> str:
    return f"{table.table_arn}/stream/{table.latest_stream_label}"


def event_name(old: Any, new: Any) -> str:
    if old is None:
        return "INSERT"
    return "REMOVE" if new is None else "MODIFY"


def size_bytes(change: dict[str, Any]) -> int:
    """What AWS counts: the keys and the images the view type keeps, not the metadata."""
    parts = [change.get(name) for name in ("Keys", "NewImage", "OldImage")]
    return sum(len(json.dumps(part, separators=(",", ":"))) for part in parts if part)


def complete(record: Any, table: Any) -> None:
    """Give moto's record the fields AWS writes."""
    data = record.record
    data["eventVersion"] = EVENT_VERSION
    data["awsRegion"] = table.region_name
    data["dynamodb"]["SizeBytes"] = size_bytes(data["dynamodb"])
    stamp = data["dynamodb"]["ApproximateCreationDateTime"]
    data["dynamodb"]["ApproximateCreationDateTime"] = stamp.replace(microsecond=0)
    setattr(record, WRITTEN_ATTRIBUTE, time.time())


VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")


def check_stream_specification(streams: dict[str, Any] | None) -> None:
    """Refuse what DynamoDB refuses (moto would take it and fail every later write)."""
    if not streams or not streams.get("StreamEnabled"):
        return
    view_type = streams.get("StreamViewType")
    if view_type is None:
        raise MockValidationException(
            "One or more parameter values were invalid: StreamViewType is required when "
            "StreamEnabled is true; use one of " + ", ".join(VIEW_TYPES)
        )
    if view_type not in VIEW_TYPES:
        raise MockValidationException(
            f"1 validation error detected: Value '{view_type}' at "
            "'streamSpecification.streamViewType' failed to satisfy constraint: Member must "
            f"satisfy enum value set: [{', '.join(VIEW_TYPES)}]"
        )


def stream_label() -> str:
    """``2026-12-05T10:00:00.123``: a new stream's label, as AWS writes it."""
    return utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("dynamodb")
    transact = DynamoDBBackend.transact_write_items
    set_stream_specification = Table.set_stream_specification
    get_shard_iterator = DynamoDBStreamsBackend.get_shard_iterator
    get_records = DynamoDBStreamsBackend.get_records

    @group.function(Table, "set_stream_specification")
    def set_stream(self: Any, streams: dict[str, Any] | None) -> None:
        check_stream_specification(streams)
        before = getattr(self, "latest_stream_label", None)
        set_stream_specification(self, streams)
        if self.latest_stream_label and self.latest_stream_label != before:
            self.latest_stream_label = stream_label()

    @group.function(DynamoDBStreamsBackend, "get_shard_iterator")
    def shard_iterator(
        self: Any,
        arn: str,
        shard_id: str,
        shard_iterator_type: str,
        sequence_number: Any = None,
    ) -> Any:
        table = self._get_table_from_arn(arn)
        if table.stream_shard is None or table.stream_shard.id != shard_id:
            raise ResourceNotFoundException(
                f"Requested resource not found: Shard does not exist: {shard_id}"
            )
        if shard_iterator_type.endswith("_SEQUENCE_NUMBER") and sequence_number is None:
            raise MockValidationException(
                f"SequenceNumber is required with ShardIteratorType {shard_iterator_type}"
            )
        return get_shard_iterator(self, arn, shard_id, shard_iterator_type, sequence_number)

    @group.function(DynamoDBStreamsBackend, "get_records")
    def records(self: Any, iterator_arn: str, limit: int) -> dict[str, Any]:
        if iterator_arn not in self.shard_iterators:
            raise MockValidationException(f"Invalid ShardIterator: {iterator_arn[:64]}")
        result: dict[str, Any] = get_records(self, iterator_arn, limit)
        return result

    def report(arn: str, record: Any) -> None:
        sequence = str(record.record["dynamodb"]["SequenceNumber"])
        name = str(record.record["eventName"])
        context = hooks.stream_written(arn, sequence, name, trace.current())
        if context is not None:
            setattr(record, TRACE_ATTRIBUTE, context.header())

    @group.function(StreamShard, "add")
    def add(self: Any, old: Any, new: Any) -> None:
        table = self.table
        view_type = table.stream_specification["StreamViewType"]
        sequence = len(self.items) + self.starting_sequence_number
        record = StreamRecord(table, view_type, event_name(old, new), old, new, sequence)
        complete(record, table)
        if backends.ttl_removal():
            record.record["userIdentity"] = dict(backends.TTL_IDENTITY)
        self.items.append(record)
        pending = getattr(_local, "pending", None)
        if pending is not None:
            pending.append((stream_arn(table), record))
            return
        report(stream_arn(table), record)
        backends.streams_changed()

    @group.function(DynamoDBBackend, "transact_write_items")
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        outer = getattr(_local, "pending", None)
        _local.pending = []
        try:
            transact(self, transact_items)
            written = _local.pending
        finally:
            _local.pending = outer
        for arn, record in written:
            report(arn, record)
        if written:
            backends.streams_changed()

    return group
