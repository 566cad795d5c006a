"""AWS's size and count quotas (localcloud/quotas.py): just over each is refused with AWS's
error, just under is accepted."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from engine_support import unique

from localcloud import quotas

# {"data": ""} around the data: an Invoke payload of exactly n bytes holds n - 12 characters.
ENVELOPE = len(json.dumps({"data": ""}))


def _event(total_bytes: int) -> bytes:
    return json.dumps({"data": "x" * (total_bytes - ENVELOPE)}).encode()


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


@pytest.mark.parametrize(
    ("invocation_type", "limit", "accepted_status"),
    [
        ("RequestResponse", quotas.INVOKE_SYNC_REQUEST_BYTES, 200),
        ("Event", quotas.INVOKE_ASYNC_REQUEST_BYTES, 202),
    ],
)
def test_invoke_payload_over_the_limit_is_refused_with_413(
    lam: Any,
    make_function: Callable[..., str],
    invocation_type: str,
    limit: int,
    accepted_status: int,
) -> None:
    name = make_function("quota_cases.measure")

    accepted = lam.invoke(FunctionName=name, InvocationType=invocation_type, Payload=_event(limit))
    with pytest.raises(ClientError) as refused:
        lam.invoke(FunctionName=name, InvocationType=invocation_type, Payload=_event(limit + 1))

    assert accepted["StatusCode"] == accepted_status
    if invocation_type == "RequestResponse":
        assert json.loads(accepted["Payload"].read()) == {"length": limit - ENVELOPE}
    assert _code(refused) == "RequestEntityTooLargeException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert str(limit) in str(refused.value)


def test_invoke_response_over_the_limit_fails_the_invocation(
    lam: Any, make_function: Callable[..., str]
) -> None:
    name = make_function("quota_cases.respond")
    # A string response is its characters and two quotes.
    largest = quotas.INVOKE_RESPONSE_BYTES - 2

    fits = lam.invoke(FunctionName=name, Payload=json.dumps({"size": largest}))
    too_large = lam.invoke(FunctionName=name, Payload=json.dumps({"size": largest + 1}))

    assert "FunctionError" not in fits
    assert len(fits["Payload"].read()) == quotas.INVOKE_RESPONSE_BYTES
    assert too_large["StatusCode"] == 200
    assert too_large["FunctionError"] == "Unhandled"
    assert json.loads(too_large["Payload"].read()) == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size "
        "(6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }


def test_sqs_message_over_1_mib_is_refused(
    sqs: Any, make_queue: Callable[..., tuple[str, str]]
) -> None:
    url, _ = make_queue()

    sqs.send_message(QueueUrl=url, MessageBody="x" * quotas.SQS_MESSAGE_BYTES)
    with pytest.raises(ClientError) as refused:
        sqs.send_message(QueueUrl=url, MessageBody="x" * (quotas.SQS_MESSAGE_BYTES + 1))

    assert _code(refused) == "InvalidParameterValue"
    assert "Message must be shorter than 1048576 bytes" in str(refused.value)


def test_sqs_batch_over_10_entries_or_1_mib_is_refused(
    sqs: Any, make_queue: Callable[..., tuple[str, str]]
) -> None:
    url, _ = make_queue()
    part = quotas.SQS_MESSAGE_BYTES // 2

    def entries(count: int, size: int) -> list[dict[str, str]]:
        return [{"Id": str(i), "MessageBody": "x" * size} for i in range(count)]

    sent = sqs.send_message_batch(QueueUrl=url, Entries=entries(2, part))
    with pytest.raises(ClientError) as too_long:
        sqs.send_message_batch(
            QueueUrl=url,
            Entries=[*entries(1, part), {"Id": "big", "MessageBody": "x" * (part + 1)}],
        )
    sqs.send_message_batch(QueueUrl=url, Entries=entries(quotas.SQS_BATCH_ENTRIES, 1))
    with pytest.raises(ClientError) as too_many:
        sqs.send_message_batch(QueueUrl=url, Entries=entries(quotas.SQS_BATCH_ENTRIES + 1, 1))

    assert len(sent["Successful"]) == 2
    assert _code(too_long).endswith("BatchRequestTooLong")
    assert _code(too_many).endswith("TooManyEntriesInBatchRequest")


@pytest.fixture
def topic(localcloud: Any) -> Any:
    sns = localcloud.client("sns")
    arn = sns.create_topic(Name=unique("quota"))["TopicArn"]
    yield arn
    sns.delete_topic(TopicArn=arn)


def test_sns_message_over_256_kib_attributes_included_is_refused(
    localcloud: Any, topic: str
) -> None:
    sns = localcloud.client("sns")
    attribute = {"k": {"DataType": "String", "StringValue": "v"}}  # 1 + 6 + 1 bytes
    largest = quotas.SNS_MESSAGE_BYTES - 8

    sns.publish(TopicArn=topic, Message="x" * largest, MessageAttributes=attribute)
    with pytest.raises(ClientError) as refused:
        sns.publish(TopicArn=topic, Message="x" * (largest + 1), MessageAttributes=attribute)

    assert _code(refused) == "InvalidParameter"
    assert "Invalid parameter: Message too long" in str(refused.value)


def test_sns_batch_over_256_kib_together_or_10_entries_is_refused(
    localcloud: Any, topic: str
) -> None:
    sns = localcloud.client("sns")
    half = quotas.SNS_MESSAGE_BYTES // 2

    def entries(sizes: list[int]) -> list[dict[str, str]]:
        return [{"Id": str(i), "Message": "x" * size} for i, size in enumerate(sizes)]

    sent = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries([half, half]))
    with pytest.raises(ClientError) as too_long:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries([half, half + 1]))
    with pytest.raises(ClientError) as too_many:
        sns.publish_batch(
            TopicArn=topic, PublishBatchRequestEntries=entries([1] * (quotas.SNS_BATCH_ENTRIES + 1))
        )

    assert len(sent["Successful"]) == 2
    assert _code(too_long) == "BatchRequestTooLong"
    assert _code(too_many) == "TooManyEntriesInBatchRequest"


def test_put_events_entry_over_256_kb_or_more_than_10_entries_is_refused(localcloud: Any) -> None:
    events = localcloud.client("events")
    source, detail_type = "quota.test", "Sized"

    def entry(size: int) -> dict[str, str]:
        # Sized as EventBridge sizes it: Source, DetailType and Detail in UTF-8 bytes.
        padding = size - len(source) - len(detail_type) - len(json.dumps({"p": ""}))
        return {
            "Source": source,
            "DetailType": detail_type,
            "Detail": json.dumps({"p": "x" * padding}),
        }

    answer = events.put_events(
        Entries=[entry(quotas.PUT_EVENTS_ENTRY_BYTES), entry(quotas.PUT_EVENTS_ENTRY_BYTES + 1)]
    )
    with pytest.raises(ClientError) as too_many:
        events.put_events(Entries=[entry(100)] * (quotas.PUT_EVENTS_ENTRIES + 1))

    assert answer["FailedEntryCount"] == 1
    assert "ErrorCode" not in answer["Entries"][0]
    assert answer["Entries"][1]["ErrorCode"] == "InvalidArgument"
    assert _code(too_many) == "ValidationException"
