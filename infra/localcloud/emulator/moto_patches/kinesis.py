"""Kinesis Data Streams patches: records delivered by the engine, not by moto's Lambda.

- moto hands every record a stream's event source mappings should get to its Lambda backend,
  which runs the function in Docker (and, with no Docker, drops it). That path is off: the
  engine's Kinesis source (engine/sources/kinesis.py) reads each shard itself.
- Each record keeps the time it arrived and the trace context of its ``kinesis record`` hop,
  reported to the hooks under the PutRecord or PutRecords request that wrote it, so the
  invocation it causes joins the writer's trace.
- Readers waiting for records are woken (backends.streams_changed) as soon as a record is in.
"""

from __future__ import annotations

import time
from typing import Any

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
        shard = self.get_shard_for_key(partition_key, explicit_hash_key)
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

    return group
