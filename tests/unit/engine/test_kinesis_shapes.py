"""Kinesis event source payloads have AWS's shape, held to the Powertools model and processor."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import (
    KinesisStreamRecord,
)
from aws_lambda_powertools.utilities.parser.models import KinesisDataStreamModel

from localcloud.emulator.kinesis_views import KinesisRecordView
from localcloud.engine.kinesis_shapes import (
    filter_target,
    kinesis_batch_failures,
    kinesis_event,
    kinesis_failure_record,
)
from localcloud.engine.stream_shapes import RECORD_AGE_EXCEEDED, RETRIES_EXHAUSTED

ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks"
ROLE = "arn:aws:iam::123456789012:role/clicks-reader"
SHARD = "shardId-000000000003"
ARRIVED = 1_796_000_000.1234


def record(number: int, data: bytes = b"hello", key: str = "user-1") -> KinesisRecordView:
    return KinesisRecordView(
        sequence_number=number,
        partition_key=key,
        data=base64.b64encode(data).decode(),
        created=ARRIVED,
    )


def event(*records: KinesisRecordView) -> dict[str, Any]:
    return kinesis_event(records, shard_id=SHARD, stream_arn=ARN, region="eu-west-1", role_arn=ROLE)


def test_kinesis_event_parses_with_powertools_model() -> None:
    shaped = event(record(7, b'{"a": 1}'), record(8, b"plain"))

    parsed = KinesisDataStreamModel.model_validate(shaped)

    assert [r.kinesis.data for r in parsed.Records] == [b'{"a": 1}', b"plain"]
    first = shaped["Records"][0]
    assert first["eventSource"] == "aws:kinesis"
    assert first["eventName"] == "aws:kinesis:record"
    assert first["eventVersion"] == "1.0"
    assert first["eventID"] == f"{SHARD}:7"
    assert (first["eventSourceARN"], first["awsRegion"]) == (ARN, "eu-west-1")
    assert first["invokeIdentityArn"] == ROLE
    assert first["kinesis"] == {
        "kinesisSchemaVersion": "1.0",
        "partitionKey": "user-1",
        "sequenceNumber": "7",
        "data": base64.b64encode(b'{"a": 1}').decode(),
        "approximateArrivalTimestamp": 1_796_000_000.123,
    }


def test_powertools_data_class_decodes_the_record() -> None:
    [raw] = event(record(9, b'{"kind": "order"}'))["Records"]

    wrapped = KinesisStreamRecord(raw)

    assert wrapped.kinesis.data_as_json() == {"kind": "order"}
    assert wrapped.kinesis.partition_key == "user-1"
    assert wrapped.kinesis.sequence_number == "9"


def test_powertools_batch_processor_reports_failed_sequence_numbers() -> None:
    shaped = event(record(1, b"a"), record(2, b"b"), record(3, b"c"))

    def handle(record: KinesisStreamRecord) -> None:
        if record.kinesis.data_as_text() == "b":
            raise ValueError("bad record")

    response = process_partial_response(
        event=shaped,
        record_handler=handle,
        processor=BatchProcessor(event_type=EventType.KinesisDataStreams),
        context=None,  # type: ignore[arg-type]
    )

    assert response == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    batch = [record(1), record(2), record(3)]
    assert kinesis_batch_failures(json.dumps(response).encode(), batch) == 2


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (b"", None),
        (b'{"batchItemFailures": []}', None),
        (b'{"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]}', 2),
        (b'{"batchItemFailures": [{"itemIdentifier": "99"}]}', 1),  # unknown: whole batch
        (b'"not a response"', 1),
    ],
)
def test_partial_batch_response_gives_the_checkpoint(response: bytes, expected: int | None) -> None:
    assert kinesis_batch_failures(response, [record(1), record(2), record(3)]) == expected


def test_failure_record_carries_kinesis_batch_info() -> None:
    document = kinesis_failure_record(
        request_id="req-1",
        function_arn="arn:aws:lambda:eu-west-1:123456789012:function:reader",
        condition=RETRIES_EXHAUSTED,
        invoke_count=3,
        function_error="Unhandled",
        invoked=True,
        now=ARRIVED + 5,
        shard_id=SHARD,
        stream_arn=ARN,
        records=[record(10), record(12)],
    )

    assert document["requestContext"] == {
        "requestId": "req-1",
        "functionArn": "arn:aws:lambda:eu-west-1:123456789012:function:reader",
        "condition": "RetryAttemptsExhausted",
        "approximateInvokeCount": 3,
    }
    assert document["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert document["version"] == "1.0"
    assert document["KinesisBatchInfo"] == {
        "shardId": SHARD,
        "startSequenceNumber": "10",
        "endSequenceNumber": "12",
        "approximateArrivalOfFirstRecord": "2026-11-30T00:53:20.123Z",
        "approximateArrivalOfLastRecord": "2026-11-30T00:53:20.123Z",
        "batchSize": 2,
        "streamArn": ARN,
    }
    assert "DDBStreamBatchInfo" not in document


def test_failure_record_of_records_never_invoked_has_no_response_context() -> None:
    document = kinesis_failure_record(
        request_id="req-2",
        function_arn="arn:aws:lambda:eu-west-1:123456789012:function:reader",
        condition=RECORD_AGE_EXCEEDED,
        invoke_count=0,
        function_error=None,
        invoked=False,
        now=ARRIVED + 120,
        shard_id=SHARD,
        stream_arn=ARN,
        records=[record(10)],
    )

    assert "responseContext" not in document
    assert document["requestContext"]["condition"] == "RecordAgeExceeded"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"kind": "order", "n": 2}', {"data": {"kind": "order", "n": 2}}),
        (b"[1, 2]", {"data": [1, 2]}),
        (b"not json", {}),
        (b"\xff\xfe", {}),
    ],
)
def test_filters_see_the_data_decoded_as_json_or_nothing(data: bytes, expected: Any) -> None:
    assert filter_target(record(1, data)) == expected
