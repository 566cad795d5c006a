"""The payloads of DynamoDB stream event source mappings, as pure functions (no I/O, no clock).

What a function receives (the stream event's records), what an OnFailure destination receives
(the invocation record with ``DDBStreamBatchInfo``) and how a partial batch response names the
records to retry (by sequence number). tests/unit/engine/test_stream_shapes.py holds each one to
the Powertools parser models handlers use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from localcloud.emulator.views import StreamRecordView
from localcloud.engine.shapes import batch_failures, iso_millis

EVENT_VERSION = "1.1"
FAILURE_RECORD_VERSION = "1.0"
# requestContext.condition of a failure record.
RETRIES_EXHAUSTED = "RetryAttemptsExhausted"
RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


def stream_record(record: StreamRecordView, stream_arn: str, region: str) -> dict[str, Any]:
    """One record of the event a function gets from a DynamoDB stream mapping."""
    change: dict[str, Any] = {
        # Whole seconds since the epoch, as DynamoDB Streams stamps its records.
        "ApproximateCreationDateTime": float(int(record.created)),
        "Keys": dict(record.keys),
    }
    if record.new_image is not None:
        change["NewImage"] = dict(record.new_image)
    if record.old_image is not None:
        change["OldImage"] = dict(record.old_image)
    change["SequenceNumber"] = str(record.sequence_number)
    change["SizeBytes"] = record.size_bytes
    change["StreamViewType"] = record.view_type
    shaped: dict[str, Any] = {
        "eventID": record.event_id,
        "eventName": record.event_name,
        "eventVersion": EVENT_VERSION,
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }
    if record.user_identity:
        shaped["userIdentity"] = dict(record.user_identity)
    return shaped


def stream_event(
    records: Sequence[StreamRecordView], stream_arn: str, region: str
) -> dict[str, Any]:
    return {"Records": [stream_record(r, stream_arn, region) for r in records]}


def stream_batch_failures(payload: bytes, records: Sequence[StreamRecordView]) -> int | None:
    """The first sequence number a ReportBatchItemFailures response asks to retry from.

    None: the batch succeeded. The whole batch is retried (its first sequence number) when the
    response is invalid, as for SQS (shapes.batch_failures).
    """
    return first_failed(payload, [r.sequence_number for r in records])


def first_failed(payload: bytes, numbers: Sequence[int]) -> int | None:
    """The first of a batch's sequence numbers (in order) a partial batch response names, or
    the first of all when the response is invalid; None when it names none (every stream
    source's checkpoint rule)."""
    failed = batch_failures(payload, {str(n) for n in numbers})
    if failed is None:
        return numbers[0]
    if not failed:
        return None
    return min(int(n) for n in failed)


def stream_failure_record(
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
    records: Sequence[StreamRecordView],
) -> dict[str, Any]:
    """What an OnFailure destination gets for records the mapping gave up on.

    ``invoked``: the records reached the function (else no ``responseContext``).
    ``function_error``: ``Unhandled`` when the last invocation raised, None when it returned a
    partial batch response.
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
    document["DDBStreamBatchInfo"] = {
        "shardId": shard_id,
        "startSequenceNumber": str(records[0].sequence_number),
        "endSequenceNumber": str(records[-1].sequence_number),
        "approximateArrivalOfFirstRecord": iso_millis(float(int(records[0].created))),
        "approximateArrivalOfLastRecord": iso_millis(float(int(records[-1].created))),
        "batchSize": len(records),
        "streamArn": stream_arn,
    }
    return document


def invocation_record(
    *,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    function_error: str | None,
    invoked: bool,
    now: float,
) -> dict[str, Any]:
    """The part of a stream source's failure record about the last invocation (every stream
    source adds its own batch information)."""
    document: dict[str, Any] = {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
    }
    if invoked:
        response: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if function_error:
            response["functionError"] = function_error
        document["responseContext"] = response
    document["version"] = FAILURE_RECORD_VERSION
    document["timestamp"] = iso_millis(now)
    return document
