"""The direct PutItem path behaves exactly like moto's: same stored item, same errors."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def table(localcloud: Any) -> Iterator[str]:
    dynamodb = localcloud.client("dynamodb")
    name = f"fast-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield name
    dynamodb.delete_table(TableName=name)


def test_plain_put_item_is_stored_and_read_back(localcloud: Any, table: str) -> None:
    dynamodb = localcloud.client("dynamodb")
    item = {"pk": {"S": "a"}, "n": {"N": "5"}, "tags": {"SS": ["x", "y"]}}
    assert (
        dynamodb.put_item(TableName=table, Item=item)["ResponseMetadata"]["HTTPStatusCode"] == 200
    )
    stored = dynamodb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]
    assert stored["n"] == {"N": "5"}
    assert sorted(stored["tags"]["SS"]) == ["x", "y"]


def test_plain_put_item_errors_are_aws_errors(localcloud: Any, table: str) -> None:
    dynamodb = localcloud.client("dynamodb")
    with pytest.raises(ClientError) as missing_key:
        dynamodb.put_item(TableName=table, Item={"other": {"S": "a"}})
    assert missing_key.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as no_table:
        dynamodb.put_item(TableName=f"{table}-gone", Item={"pk": {"S": "a"}})
    assert no_table.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_conditional_put_takes_the_full_path(localcloud: Any, table: str) -> None:
    dynamodb = localcloud.client("dynamodb")
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "b"}})
    with pytest.raises(ClientError) as conflict:
        dynamodb.put_item(
            TableName=table,
            Item={"pk": {"S": "b"}},
            ConditionExpression="attribute_not_exists(pk)",
        )
    assert conflict.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    old = dynamodb.put_item(
        TableName=table, Item={"pk": {"S": "b"}, "v": {"N": "2"}}, ReturnValues="ALL_OLD"
    )
    assert old["Attributes"] == {"pk": {"S": "b"}}


@pytest.fixture
def sqs(localcloud: Any) -> Any:
    return localcloud.client("sqs")


def test_send_message_with_attributes_round_trips(sqs: Any) -> None:
    url = sqs.create_queue(QueueName=f"fast-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="hello",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "greeting"}},
    )
    assert sent["MD5OfMessageBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert "MD5OfMessageAttributes" in sent
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == "hello"
    assert message["MessageAttributes"]["kind"]["StringValue"] == "greeting"


def test_send_message_to_a_fifo_queue_has_a_sequence_number(sqs: Any) -> None:
    url = sqs.create_queue(
        QueueName=f"fast-{uuid.uuid4().hex[:8]}.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    sent = sqs.send_message(
        QueueUrl=url, MessageBody="one", MessageGroupId="g", MessageDeduplicationId="d1"
    )
    assert sent["SequenceNumber"]
    with pytest.raises(ClientError) as missing_group:
        sqs.send_message(QueueUrl=url, MessageBody="two")
    assert missing_group.value.response["Error"]["Code"] in (
        "MissingParameter",
        "InvalidParameterValue",
    )


def test_send_message_errors_are_aws_errors(sqs: Any) -> None:
    url = sqs.create_queue(QueueName=f"fast-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    with pytest.raises(ClientError) as too_late:
        sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901)
    assert too_late.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as gone:
        sqs.send_message(QueueUrl=f"{url}-gone", MessageBody="x")
    assert "NonExistentQueue" in gone.value.response["Error"]["Code"]


def test_send_message_with_a_binary_attribute_round_trips(sqs: Any) -> None:
    url = sqs.create_queue(QueueName=f"fast-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="b",
        MessageAttributes={"blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}},
    )
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert message["MessageId"] == sent["MessageId"]
    assert message["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01"
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
