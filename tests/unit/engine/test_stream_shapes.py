"""DynamoDB stream payloads have AWS's shape, held to the Powertools models and batch processor."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)
from aws_lambda_powertools.utilities.parser.models import (
    DynamoDBStreamLambdaOnFailureDestinationModel,
    DynamoDBStreamModel,
)

from localcloud.emulator.views import StreamRecordView
from localcloud.engine.stream_shapes import (
    RECORD_AGE_EXCEEDED,
    RETRIES_EXHAUSTED,
    stream_batch_failures,
    stream_event,
    stream_failure_record,
)

ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/users/stream/2026-12-05T10:00:00.000"
WRITTEN = 1_796_000_000.75


def record(number: int, event: str = "MODIFY", **overrides: Any) -> StreamRecordView:
    fields: dict[str, Any] = {
        "sequence_number": number,
        "event_id": f"id-{number}",
        "event_name": event,
        "view_type": "NEW_AND_OLD_IMAGES",
        "keys": {"pk": {"S": f"k{number}"}},
        "new_image": {"pk": {"S": f"k{number}"}, "n": {"N": "2"}} if event != "REMOVE" else None,
        "old_image": {"pk": {"S": f"k{number}"}, "n": {"N": "1"}} if event != "INSERT" else None,
        "size_bytes": 40,
        "created": WRITTEN,
    }
    fields.update(overrides)
    return StreamRecordView(**fields)


def test_stream_event_parses_with_powertools_model() -> None:
    records = [record(100, "INSERT"), record(101), record(102, "REMOVE")]

    event = stream_event(records, ARN, "eu-west-1")
    parsed = DynamoDBStreamModel.model_validate(event)

    assert [r.eventName for r in parsed.Records] == ["INSERT", "MODIFY", "REMOVE"]
    first = event["Records"][0]
    assert first["eventVersion"] == "1.1"
    assert first["eventSource"] == "aws:dynamodb"
    assert first["eventSourceARN"] == ARN
    assert first["awsRegion"] == "eu-west-1"
    assert first["dynamodb"]["ApproximateCreationDateTime"] == 1_796_000_000.0
    assert "OldImage" not in first["dynamodb"]
    assert "NewImage" not in event["Records"][2]["dynamodb"]
    assert parsed.Records[1].dynamodb.NewImage == {"pk": "k101", "n": 2}
    assert parsed.Records[1].dynamodb.SequenceNumber == "101"


def test_ttl_removals_carry_the_service_identity() -> None:
    identity = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    event = stream_event([record(7, "REMOVE", user_identity=identity)], ARN, "eu-west-1")

    parsed = DynamoDBStreamModel.model_validate(event)

    assert parsed.Records[0].userIdentity is not None
    assert parsed.Records[0].userIdentity.principalId == "dynamodb.amazonaws.com"


def test_powertools_batch_processor_reports_failed_sequence_numbers() -> None:
    # GIVEN the event of three records, the second of which the handler cannot process
    event = stream_event([record(1), record(2), record(3)], ARN, "eu-west-1")

    def handle(record: DynamoDBRecord) -> None:
        if record.dynamodb is not None and record.dynamodb.sequence_number == "2":
            raise ValueError("bad record")

    # WHEN Powertools' processor runs, unchanged
    response = process_partial_response(
        event=event,
        record_handler=handle,
        processor=BatchProcessor(event_type=EventType.DynamoDBStreams),
        context=None,  # type: ignore[arg-type]
    )

    # THEN its response checkpoints the mapping at that record
    assert response == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    batch = [record(1), record(2), record(3)]
    assert stream_batch_failures(json.dumps(response).encode(), batch) == 2


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (b"", None),
        (b"null", None),
        (b'{"batchItemFailures": []}', None),
        (b'{"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]}', 2),
        (b'{"batchItemFailures": [{"itemIdentifier": "99"}]}', 1),  # unknown: whole batch
        (b'{"batchItemFailures": [{"itemIdentifier": ""}]}', 1),
        (b'"not a response"', 1),
    ],
)
def test_partial_batch_response_gives_the_checkpoint(response: bytes, expected: int | None) -> None:
    assert stream_batch_failures(response, [record(1), record(2), record(3)]) == expected


def test_failure_record_after_retries_parses_with_powertools_model() -> None:
    document = stream_failure_record(
        request_id="req-1",
        function_arn="arn:aws:lambda:eu-west-1:123456789012:function:relay",
        condition=RETRIES_EXHAUSTED,
        invoke_count=3,
        function_error="Unhandled",
        invoked=True,
        now=WRITTEN + 5,
        shard_id="shardId-1",
        stream_arn=ARN,
        records=[record(10), record(11)],
    )

    parsed = DynamoDBStreamLambdaOnFailureDestinationModel.model_validate(document)

    assert parsed.request_context.condition == "RetryAttemptsExhausted"
    assert parsed.request_context.approximate_invoke_count == 3
    assert parsed.response_context.function_error == "Unhandled"
    assert document["version"] == "1.0"
    info = document["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"]) == ("10", "11")
    assert (info["batchSize"], info["streamArn"], info["shardId"]) == (2, ARN, "shardId-1")


def test_failure_record_of_records_never_invoked_has_no_response_context() -> None:
    document = stream_failure_record(
        request_id="req-2",
        function_arn="arn:aws:lambda:eu-west-1:123456789012:function:relay",
        condition=RECORD_AGE_EXCEEDED,
        invoke_count=0,
        function_error=None,
        invoked=False,
        now=WRITTEN + 120,
        shard_id="shardId-1",
        stream_arn=ARN,
        records=[record(10)],
    )

    assert "responseContext" not in document
    assert document["requestContext"]["condition"] == "RecordAgeExceeded"
