"""SQS through boto3 on the store-backed queues: what a client sees of states, waits and FIFO."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.sqs.models import Message


@pytest.fixture
def sqs(localcloud: Any) -> Any:
    return localcloud.client("sqs")


def queue(sqs: Any, fifo: bool = False, **attributes: str) -> str:
    name = f"q-{uuid.uuid4().hex[:8]}" + (".fifo" if fifo else "")
    if fifo:
        attributes["FifoQueue"] = "true"
    return str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])


def counts(sqs: Any, url: str) -> tuple[int, int, int]:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return (int(attrs[names[0]]), int(attrs[names[1]]), int(attrs[names[2]]))


def test_counts_follow_ready_in_flight_and_delayed(sqs: Any) -> None:
    url = queue(sqs)
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)
    assert counts(sqs, url) == (1, 2, 1)
    sqs.purge_queue(QueueUrl=url)
    assert counts(sqs, url) == (0, 0, 0)


def test_a_long_poll_returns_as_soon_as_a_message_is_sent(sqs: Any) -> None:
    url = queue(sqs)
    timer = threading.Timer(0.3, lambda: sqs.send_message(QueueUrl=url, MessageBody="late"))
    timer.start()
    started = time.monotonic()
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)["Messages"]
    timer.join()
    assert [m["Body"] for m in got] == ["late"]
    assert time.monotonic() - started < 5  # woken by the send, not by the end of the wait


def test_a_long_poll_wakes_when_a_hidden_message_becomes_visible(sqs: Any) -> None:
    url = queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="again")
    sqs.receive_message(QueueUrl=url, VisibilityTimeout=1)
    started = time.monotonic()
    got = sqs.receive_message(
        QueueUrl=url, WaitTimeSeconds=10, MessageSystemAttributeNames=["All"]
    )["Messages"]
    assert got[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert time.monotonic() - started < 5


def test_receipt_handle_and_visibility_errors_are_aws_errors(sqs: Any) -> None:
    url = queue(sqs)
    with pytest.raises(ClientError) as raised:
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    assert raised.value.response["Error"]["Code"] == "ReceiptHandleIsInvalid"
    sqs.send_message(QueueUrl=url, MessageBody="m")
    [m] = sqs.receive_message(QueueUrl=url)["Messages"]
    with pytest.raises(ClientError) as raised:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=43_201
        )
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])  # twice: accepted


def test_redrive_policy_moves_a_message_after_max_receive_count(sqs: Any) -> None:
    dlq = queue(sqs)
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})
    url = queue(sqs, RedrivePolicy=policy)
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    for _ in range(2):
        assert sqs.receive_message(QueueUrl=url, VisibilityTimeout=0).get("Messages")
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    [moved] = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["All"])["Messages"]
    assert moved["Body"] == "poison"


def test_fifo_deduplicates_within_five_minutes_even_after_the_message_was_consumed(
    sqs: Any,
) -> None:
    url = queue(sqs, fifo=True)
    sqs.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="d")
    [m] = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    sqs.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="d")
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_fifo_sequence_numbers_increase_with_content_based_deduplication(sqs: Any) -> None:
    url = queue(sqs, fifo=True, ContentBasedDeduplication="true")
    numbers = [
        int(
            sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g")[
                "SequenceNumber"
            ]
        )
        for i in range(3)
    ]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


def test_fifo_holds_a_group_with_a_message_in_flight(sqs: Any) -> None:
    url = queue(sqs, fifo=True, ContentBasedDeduplication="true")
    for body, group in [("a1", "a"), ("a2", "a"), ("b1", "b")]:
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    assert [m["Body"] for m in first] == ["a1"]
    rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in rest] == ["b1"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    after = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in after] == ["a2"]


def test_sent_messages_are_not_kept_after_they_are_deleted(sqs: Any) -> None:
    url = queue(sqs)
    tracked = len(Message.instances_tracked)
    for i in range(50):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for m in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert len(Message.instances_tracked) == tracked
