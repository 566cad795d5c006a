"""The payloads of Kinesis stream event source mappings, as pure functions (no I/O, no clock).

What a function receives (Lambda's Kinesis event), what an OnFailure destination receives (the
invocation record with ``KinesisBatchInfo``) and how a partial batch response names the records
to retry (by sequence number). tests/unit/engine/test_kinesis_shapes.py holds them to the
Powertools parser model and batch processor handlers use.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from localcloud.emulator.kinesis_views import KinesisRecordView
from localcloud.engine.shapes import iso_millis
from localcloud.engine.stream_shapes import first_failed, invocation_record

SCHEMA_VERSION = "1.0"
EVENT_VERSION = "1.0"


def kinesis_record(
    record: KinesisRecordView,
    *,
    shard_id: str,
    stream_arn: str,
    region: str,
    role_arn: str,
) -> dict[str, Any]:
    """One record of the event a function gets from a Kinesis stream mapping."""
    return {
        "kinesis": {
            "kinesisSchemaVersion": SCHEMA_VERSION,
            "partitionKey": record.partition_key,
            "sequenceNumber": str(record.sequence_number),
            "data": record.data,
            # Seconds since the epoch, to the millisecond.
            "approximateArrivalTimestamp": round(record.created, 3),
        },
        "eventSource": "aws:kinesis",
        "eventVersion": EVENT_VERSION,
        "eventID": f"{shard_id}:{record.sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": role_arn,
        "awsRegion": region,
        "eventSourceARN": stream_arn,
    }


def filter_target(record: KinesisRecordView) -> dict[str, Any]:
    """What a mapping's FilterCriteria match a record against: its ``data``, decoded from base64
    and parsed as JSON (Kinesis mappings filter on ``data`` only). Data that is not JSON gives
    nothing to match, so a pattern on ``data`` does not match it."""
    try:
        return {"data": json.loads(base64.b64decode(record.data, validate=True))}
    except (binascii.Error, ValueError):
        return {}


def kinesis_event(
    records: Sequence[KinesisRecordView],
    *,
    shard_id: str,
    stream_arn: str,
    region: str,
    role_arn: str,
) -> dict[str, Any]:
    return {
        "Records": [
            kinesis_record(
                r, shard_id=shard_id, stream_arn=stream_arn, region=region, role_arn=role_arn
            )
            for r in records
        ]
    }


def kinesis_batch_failures(payload: bytes, records: Sequence[KinesisRecordView]) -> int | None:
    """The first sequence number a ReportBatchItemFailures response asks to retry from (None:
    the batch succeeded; an invalid response retries the whole batch)."""
    return first_failed(payload, [r.sequence_number for r in records])


def kinesis_failure_record(
    *,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    function_error: str | None,
    invoked: bool,
    now: float,
    shard_id: str,
    stream_arn: str,
    records: Sequence[KinesisRecordView],
) -> dict[str, Any]:
    """What an OnFailure destination gets for records a Kinesis mapping gave up on.

    ``invoked``: the records reached the function (else no ``responseContext``);
    ``function_error``: ``Unhandled`` when the last invocation raised.
    """
    document = invocation_record(
        request_id=request_id,
        function_arn=function_arn,
        condition=condition,
        invoke_count=invoke_count,
        function_error=function_error,
        invoked=invoked,
        now=now,
    )
    document["KinesisBatchInfo"] = {
        "shardId": shard_id,
        "startSequenceNumber": str(records[0].sequence_number),
        "endSequenceNumber": str(records[-1].sequence_number),
        "approximateArrivalOfFirstRecord": iso_millis(records[0].created),
        "approximateArrivalOfLastRecord": iso_millis(records[-1].created),
        "batchSize": len(records),
        "streamArn": stream_arn,
    }
    return document
