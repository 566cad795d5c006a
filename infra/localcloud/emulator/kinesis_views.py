"""Views of Kinesis Data Streams records and shards, as the engine reads them (no moto objects)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Attributes the moto patch (moto_patches/kinesis.py) keeps on moto's record.
WRITTEN_ATTRIBUTE = "localcloud_written"
TRACE_ATTRIBUTE = "localcloud_trace"


@dataclass(frozen=True)
class KinesisRecordView:
    """One record of a shard as PutRecord(s) wrote it, with the trace of the write."""

    sequence_number: int
    partition_key: str
    data: str  # base64, as written
    created: float  # epoch seconds, when the record arrived
    trace_header: str | None = None

    @classmethod
    def from_moto(cls, record: Any) -> KinesisRecordView:
        created = getattr(record, WRITTEN_ATTRIBUTE, None)
        return cls(
            sequence_number=int(record.sequence_number),
            partition_key=str(record.partition_key),
            data=str(record.data),
            created=float(record.created_at if created is None else created),
            trace_header=getattr(record, TRACE_ATTRIBUTE, None),
        )


@dataclass(frozen=True)
class ShardView:
    """A shard of a stream: its parents (a resharded stream's children come after them) and
    whether it is closed (no record will be added to it)."""

    shard_id: str
    parents: tuple[str, ...]
    closed: bool


@dataclass(frozen=True)
class ShardRead:
    """Records read from a shard, from a position on."""

    shard_id: str
    records: tuple[KinesisRecordView, ...]
    # The position after the last record of the shard (where LATEST starts).
    end: int
