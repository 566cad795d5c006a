"""SQS refuses, with SQS's error codes, the queue names, attributes and messages AWS refuses
and moto 5.2.5 would take (or fail on with a 500)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from refusal_support import refusal, unique


def queue_exists(sqs: Any, name: str) -> bool:
    try:
        sqs.get_queue_url(QueueName=name)
    except ClientError:
        return False
    return True


def test_a_standard_queue_named_like_a_fifo_queue_is_refused(sqs: Any) -> None:
    name = unique("std") + ".fifo"
    status, code, _ = refusal(sqs.create_queue, QueueName=name)
    assert (status, code) == (400, "InvalidParameterValue")
    assert not queue_exists(sqs, name)


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("VisibilityTimeout", "-1"),
        ("VisibilityTimeout", "43201"),
        ("VisibilityTimeout", "soon"),
        ("DelaySeconds", "901"),
        ("MessageRetentionPeriod", "59"),
        ("ReceiveMessageWaitTimeSeconds", "21"),
        ("KmsDataKeyReusePeriodSeconds", "86401"),
    ],
)
def test_an_attribute_out_of_its_range_is_refused_at_create_queue(
    sqs: Any, attribute: str, value: str
) -> None:
    name = unique("range")
    status, code, message = refusal(sqs.create_queue, QueueName=name, Attributes={attribute: value})
    assert (status, code) == (400, "InvalidAttributeValue")
    assert message == f"Invalid value for the parameter {attribute}."
    assert not queue_exists(sqs, name)


def test_an_unknown_attribute_is_refused(sqs: Any) -> None:
    status, code, message = refusal(
        sqs.create_queue, QueueName=unique("unknown"), Attributes={"Colour": "blue"}
    )
    assert (status, code, message) == (400, "InvalidAttributeName", "Unknown Attribute Colour.")


def test_a_fifo_only_attribute_on_a_standard_queue_is_refused(sqs: Any) -> None:
    status, code, _ = refusal(
        sqs.create_queue,
        QueueName=unique("std"),
        Attributes={"ContentBasedDeduplication": "true"},
    )
    assert (status, code) == (400, "InvalidAttributeName")


def test_a_redrive_policy_that_is_not_json_is_refused(sqs: Any) -> None:
    status, code, message = refusal(
        sqs.create_queue, QueueName=unique("redrive"), Attributes={"RedrivePolicy": "dlq"}
    )
    assert (status, code) == (400, "InvalidAttributeValue")
    assert message.endswith("Redrive policy is not a valid JSON map.")


def test_a_redrive_policy_with_a_max_receive_count_of_zero_is_refused(sqs: Any) -> None:
    policy = {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq", "maxReceiveCount": 0}
    status, code, message = refusal(
        sqs.create_queue,
        QueueName=unique("redrive"),
        Attributes={"RedrivePolicy": json.dumps(policy)},
    )
    assert (status, code) == (400, "InvalidAttributeValue")
    assert "maxReceiveCount: 0" in message


def test_set_queue_attributes_refuses_a_value_out_of_range(sqs: Any, queue: str) -> None:
    status, code, _ = refusal(
        sqs.set_queue_attributes, QueueUrl=queue, Attributes={"VisibilityTimeout": "-1"}
    )
    assert (status, code) == (400, "InvalidAttributeValue")
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["VisibilityTimeout"])
    assert attributes["Attributes"]["VisibilityTimeout"] == "30"


def test_set_queue_attributes_refuses_to_change_the_queue_type(sqs: Any, queue: str) -> None:
    status, code, message = refusal(
        sqs.set_queue_attributes, QueueUrl=queue, Attributes={"FifoQueue": "true"}
    )
    assert (status, code) == (400, "InvalidAttributeValue")
    assert message.endswith("Modifying queue type is not supported.")


def test_an_empty_message_body_is_refused(sqs: Any, queue: str) -> None:
    status, code, message = refusal(sqs.send_message, QueueUrl=queue, MessageBody="")
    assert (status, code) == (400, "MissingParameter")
    assert message == "The request must contain the parameter MessageBody."


def test_a_message_body_with_a_character_sqs_does_not_allow_is_refused(
    sqs: Any, queue: str
) -> None:
    status, code, message = refusal(sqs.send_message, QueueUrl=queue, MessageBody="a\x00b")
    assert (status, code) == (400, "InvalidMessageContents")
    assert "'#x0'" in message
    assert sqs.receive_message(QueueUrl=queue).get("Messages", []) == []


def test_a_negative_delay_is_refused(sqs: Any, queue: str) -> None:
    status, code, _ = refusal(sqs.send_message, QueueUrl=queue, MessageBody="m", DelaySeconds=-1)
    assert (status, code) == (400, "InvalidParameterValue")


def test_a_message_group_id_with_a_space_is_refused(sqs: Any) -> None:
    url = sqs.create_queue(
        QueueName=unique("fifo") + ".fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    try:
        status, code, _ = refusal(
            sqs.send_message, QueueUrl=url, MessageBody="m", MessageGroupId="a b"
        )
        assert (status, code) == (400, "InvalidParameterValue")
    finally:
        sqs.delete_queue(QueueUrl=url)


def test_a_batch_entry_with_an_empty_body_is_refused(sqs: Any, queue: str) -> None:
    entries = [{"Id": "good", "MessageBody": "m"}, {"Id": "empty", "MessageBody": ""}]
    status, code, message = refusal(sqs.send_message_batch, QueueUrl=queue, Entries=entries)
    assert (status, code) == (400, "MissingParameter")
    assert "empty" in message


def test_receive_refuses_a_negative_visibility_timeout(sqs: Any, queue: str) -> None:
    status, code, _ = refusal(sqs.receive_message, QueueUrl=queue, VisibilityTimeout=-1)
    assert (status, code) == (400, "InvalidParameterValue")


def test_change_message_visibility_refuses_a_negative_timeout(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="m")
    handle = sqs.receive_message(QueueUrl=queue)["Messages"][0]["ReceiptHandle"]
    status, code, _ = refusal(
        sqs.change_message_visibility, QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=-1
    )
    assert (status, code) == (400, "InvalidParameterValue")
