"""Kinesis Data Streams patches: records delivered by the engine, not by moto's Lambda.

- moto hands every record a stream's event source mappings should get to its Lambda backend,
  which runs the function in Docker (and, with no Docker, drops it). That path is off: the
  engine's Kinesis source (engine/sources/kinesis.py) reads each shard itself.
- Each record keeps the time it arrived and the trace context of its ``kinesis record`` hop,
  reported to the hooks under the PutRecord or PutRecords request that wrote it, so the
  invocation it causes joins the writer's trace.
- Readers waiting for records are woken (backends.streams_changed) as soon as a record is in.
- Resharding (SplitShard, MergeShards, UpdateShardCount) leaves a closed parent shard its
  records, as Kinesis does, and the children start empty: moto moves the parent's records into
  the children, which would deliver them twice and out of order with the parent's.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from moto.kinesis.exceptions import InvalidArgumentError
from moto.kinesis.models import Stream

from localcloud import trace
from localcloud.emulator import backends
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.kinesis_views import TRACE_ATTRIBUTE, WRITTEN_ATTRIBUTE
from localcloud.emulator.patching import Patches


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("kinesis")

    @group.function(Stream, "put_record")
    def put_record(self: Any, partition_key: str, explicit_hash_key: str, data: str) -> Any:
        shard = self.get_shard_for_key(partition_key, explicit_hash_key)  # checks the key
        if shard is None or not shard.is_open:
            shard = open_shard(self, partition_key, explicit_hash_key)
        sequence = shard.put_record(partition_key, data, explicit_hash_key)
        record = shard.records[int(sequence)]
        setattr(record, WRITTEN_ATTRIBUTE, time.time())
        context = hooks.kinesis_written(
            self.arn, shard.shard_id, str(sequence), partition_key, trace.current()
        )
        if context is not None:
            setattr(record, TRACE_ATTRIBUTE, context.header())
        backends.streams_changed()
        return sequence, shard.shard_id

    split_shard = Stream.split_shard
    merge_shards = Stream.merge_shards

    @group.function(Stream, "split_shard")
    def split(self: Any, shard_to_split: str, new_starting_hash_key: str) -> None:
        _keeping_records(self, [shard_to_split], split_shard, shard_to_split, new_starting_hash_key)

    @group.function(Stream, "merge_shards")
    def merge(self: Any, shard_to_merge: str, adjacent_shard_to_merge: str) -> None:
        parents = [shard_to_merge, adjacent_shard_to_merge]
        _keeping_records(self, parents, merge_shards, shard_to_merge, adjacent_shard_to_merge)

    return group


def hash_key(partition_key: str, explicit_hash_key: str | None) -> int:
    """Where a record falls in the 128-bit hash key range: its explicit hash key, else the MD5
    of its partition key, as Kinesis maps a record to a shard."""
    if explicit_hash_key:
        return int(explicit_hash_key)
    return int(hashlib.md5(partition_key.encode(), usedforsecurity=False).hexdigest(), 16)


def open_shard(stream: Any, partition_key: str, explicit_hash_key: str | None) -> Any:
    """The open shard whose range holds the record's hash key (moto's own lookup may answer a
    closed parent, which keeps its range after a reshard)."""
    key = hash_key(partition_key, explicit_hash_key)
    for shard in stream.shards.values():
        if shard.is_open and shard.starting_hash <= key <= shard.ending_hash:
            return shard
    raise InvalidArgumentError(f"no open shard holds hash key {key}")


def _keeping_records(
    stream: Any, parents: list[str], reshard: Callable[..., None], *args: Any
) -> None:
    """Run moto's ``reshard`` with the parents' records set aside, then give them back."""
    held = {}
    for shard_id in parents:
        shard = stream.shards.get(shard_id)
        if shard is not None:
            held[shard_id], shard.records = shard.records, OrderedDict()
    try:
        reshard(stream, *args)
    finally:
        for shard_id, records in held.items():
            stream.shards[shard_id].records = records
    backends.streams_changed()
