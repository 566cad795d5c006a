"""The direct PutItem and SQS paths behave exactly like moto's: same state, answers, errors."""

from __future__ import annotations

import json
import time
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


def test_plain_put_item_with_binary_values_stores_the_bytes(localcloud: Any, table: str) -> None:
    dynamodb = localcloud.client("dynamodb")
    item = {
        "pk": {"S": "bin"},
        "b": {"B": b"value\xbf"},
        "bs": {"BS": [b"one\x00"]},
        "m": {"M": {"inner": {"B": b"\xff"}}},
    }

    dynamodb.put_item(TableName=table, Item=item)

    stored = dynamodb.get_item(TableName=table, Key={"pk": {"S": "bin"}})["Item"]
    assert stored["b"] == {"B": b"value\xbf"}
    assert stored["bs"] == {"BS": [b"one\x00"]}
    assert stored["m"] == {"M": {"inner": {"B": b"\xff"}}}


@pytest.fixture
def sqs(localcloud: Any) -> Any:
    return localcloud.client("sqs")


def test_direct_paths_answer_with_a_request_id(sqs: Any) -> None:
    url = sqs.create_queue(QueueName=f"fast-{uuid.uuid4().hex[:8]}")["QueueUrl"]

    sent = sqs.send_message(QueueUrl=url, MessageBody="x")
    received = sqs.receive_message(QueueUrl=url)

    ids = [sent["ResponseMetadata"]["RequestId"], received["ResponseMetadata"]["RequestId"]]
    assert all(ids) and ids[0] != ids[1]


def test_an_invalid_attribute_name_is_invalid_parameter_value(sqs: Any) -> None:
    url = sqs.create_queue(QueueName=f"fast-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    with pytest.raises(ClientError) as caught:
        sqs.send_message(
            QueueUrl=url,
            MessageBody="x",
            MessageAttributes={"öther": {"DataType": "String", "StringValue": "v"}},
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "öther" in caught.value.response["Error"]["Message"]


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


VARYING = {
    "MessageId",
    "ReceiptHandle",
    "SentTimestamp",
    "ApproximateFirstReceiveTimestamp",
    "AWSTraceHeader",
}


def _normal(value: Any) -> Any:
    """A response without what differs between any two runs (ids, handles, times, numbers)."""
    if isinstance(value, dict):
        return {
            k: ("<set>" if k in VARYING or k == "SequenceNumber" else _normal(v))
            for k, v in value.items()
            if k != "ResponseMetadata"
        }
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _outcome(call: Any, **kwargs: Any) -> Any:
    try:
        return _normal(call(**kwargs))
    except ClientError as exc:
        return exc.response["Error"]["Code"]


def _sqs_conversation(sqs: Any, fifo: bool) -> list[Any]:
    """Every call the direct SQS paths take, valid and not, with their normalised answers."""
    suffix = ".fifo" if fifo else ""
    attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    url = sqs.create_queue(QueueName=f"conv-{uuid.uuid4().hex[:8]}{suffix}", Attributes=attributes)[
        "QueueUrl"
    ]
    group = {"MessageGroupId": "g"} if fifo else {}
    text = {"kind": {"DataType": "String", "StringValue": "k"}}
    outcomes = [
        _outcome(
            sqs.send_message_batch,
            QueueUrl=url,
            Entries=[
                {"Id": "a", "MessageBody": "one", **group},
                {"Id": "b", "MessageBody": "two", "MessageAttributes": text, **group},
                {"Id": "c", "MessageBody": "three", **group},
            ],
        ),
        _outcome(
            sqs.send_message_batch,
            QueueUrl=url,
            Entries=[{"Id": "same", "MessageBody": "x", **group}] * 2,
        ),
        _outcome(
            sqs.send_message_batch,
            QueueUrl=url + "-gone",
            Entries=[{"Id": "a", "MessageBody": "x"}],
        ),
        _outcome(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11),
    ]
    received = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=2, MessageSystemAttributeNames=["All"]
    )
    outcomes.append(_normal(received))
    handles = [m["ReceiptHandle"] for m in received["Messages"]]
    outcomes.append(
        _outcome(
            sqs.delete_message_batch,
            QueueUrl=url,
            Entries=[
                {"Id": "ok", "ReceiptHandle": handles[0]},
                {"Id": "bad", "ReceiptHandle": "not-a-handle"},
            ],
        )
    )
    outcomes.append(_outcome(sqs.delete_message, QueueUrl=url, ReceiptHandle="not-a-handle"))
    outcomes.append(_outcome(sqs.delete_message, QueueUrl=url, ReceiptHandle=handles[1]))
    outcomes.append(
        _outcome(
            sqs.receive_message,
            QueueUrl=url,
            AttributeNames=["ApproximateReceiveCount", "SenderId"],
            VisibilityTimeout=0,
        )
    )
    outcomes.append(_outcome(sqs.receive_message, QueueUrl=url, MessageAttributeNames=["All"]))
    sqs.purge_queue(QueueUrl=url)
    outcomes.append(_outcome(sqs.receive_message, QueueUrl=url, WaitTimeSeconds=0))
    return outcomes


@pytest.mark.parametrize("fifo", [False, True])
def test_direct_sqs_paths_answer_as_moto_does(
    localcloud: Any, sqs: Any, fifo: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from localcloud.gateway.routes import Direct

    routes = localcloud.gateway.routes
    direct_sqs = {
        key: route for key, route in routes.items() if key[0] == "sqs" and isinstance(route, Direct)
    }
    assert len(direct_sqs) == 5
    answered: dict[str, int] = dict.fromkeys((operation for _, operation in direct_sqs), 0)

    def counted(operation: str, route: Direct) -> Direct:
        def run(body: bytes, region: str) -> bytes | None:
            answer = route.path(body, region)
            answered[operation] += answer is not None
            return answer

        return Direct(run, route.check)

    for key, route in direct_sqs.items():
        monkeypatch.setitem(routes, key, counted(key[1], route))
    direct = _sqs_conversation(sqs, fifo)
    assert all(answered[op] for op in answered if op != "SendMessage"), answered
    for key in direct_sqs:
        monkeypatch.delitem(routes, key)
    through_moto = _sqs_conversation(sqs, fifo)
    assert direct == through_moto
    assert direct[0]["Successful"][1]["MD5OfMessageAttributes"]  # the conversation went far


SNS_VARYING = {
    "MessageId",
    "Timestamp",
    "TopicArn",
    "UnsubscribeURL",
    "SequenceNumber",
    "ReceiptHandle",
}


def _sns_normal(value: Any) -> Any:
    """An SNS answer or delivered envelope without what differs between any two runs."""
    if isinstance(value, dict):
        return {
            k: "<set>" if k in SNS_VARYING else _sns_normal(v)
            for k, v in value.items()
            if k not in ("ResponseMetadata", "MD5OfBody", "MD5OfMessageAttributes")
        }
    if isinstance(value, list):
        return [_sns_normal(v) for v in value]
    if isinstance(value, str) and value.startswith("{"):
        try:
            return _sns_normal(json.loads(value))
        except ValueError:
            return value
    return value


def _sns_outcome(call: Any, **kwargs: Any) -> Any:
    try:
        return _sns_normal(call(**kwargs))
    except ClientError as exc:
        return exc.response["Error"]["Code"], exc.response["Error"]["Message"]


def _receive_and_delete(sqs: Any, url: str, wait_s: int) -> list[Any]:
    batch: list[Any] = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=wait_s
    ).get("Messages", [])
    if batch:
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
            ],
        )
    return batch


def _sns_conversation(sns: Any, sqs: Any, fifo: bool) -> list[Any]:
    """Every case the direct SNS paths meet, valid and not, and what the subscriber received."""
    suffix = ".fifo" if fifo else ""
    attributes = {"FifoTopic": "true"} if fifo else {}
    topic = sns.create_topic(Name=f"conv-{uuid.uuid4().hex[:8]}{suffix}", Attributes=attributes)[
        "TopicArn"
    ]
    queue_attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    url = sqs.create_queue(
        QueueName=f"conv-{uuid.uuid4().hex[:8]}{suffix}", Attributes=queue_attributes
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    group = {"MessageGroupId": "g", "MessageDeduplicationId": "d"} if fifo else {}
    kinds = {
        "kind": {"DataType": "String", "StringValue": "k"},
        "n": {"DataType": "Number", "StringValue": "12.5"},
        "custom": {"DataType": "String.custom", "StringValue": "c"},
    }
    entries = [
        {"Id": "a", "Message": "one", **group},
        {"Id": "b", "Message": "two", "Subject": "s", "MessageAttributes": kinds, **group},
        {"Id": "c", "Message": "x" * 262_145, **group},
    ]
    outcomes = [
        _sns_outcome(sns.publish, TopicArn=topic, Message="plain", **group),
        _sns_outcome(
            sns.publish,
            TopicArn=topic,
            Message="m",
            Subject="hello",
            MessageAttributes=kinds,
            **group,
        ),
        _sns_outcome(
            sns.publish,
            TopicArn=topic,
            Message="m",
            MessageAttributes={"n": {"DataType": "Number", "StringValue": "ten"}},
            **group,
        ),
        _sns_outcome(
            sns.publish,
            TopicArn=topic,
            Message="m",
            MessageAttributes={"b": {"DataType": "Binary", "BinaryValue": b"\x00"}},
            **group,
        ),
        _sns_outcome(
            sns.publish,
            TopicArn=topic,
            Message="m",
            MessageAttributes={"e": {"DataType": "Text", "StringValue": "v"}},
            **group,
        ),
        _sns_outcome(sns.publish, TopicArn=topic, Message="m", Subject="s" * 101, **group),
        _sns_outcome(sns.publish, TopicArn=topic, Message="x" * 262_145, **group),
        _sns_outcome(sns.publish, TopicArn=topic + "-gone", Message="m"),
        _sns_outcome(sns.publish, TopicArn=topic, Message="no group id"),
        _sns_outcome(sns.publish, TopicArn=topic, Message="d", MessageDeduplicationId="d"),
        # Within the quota (the whole batch, with "c", is refused by it before either path).
        _sns_outcome(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=entries[:2]),
        _sns_outcome(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=entries),
        _sns_outcome(
            sns.publish_batch,
            TopicArn=topic,
            PublishBatchRequestEntries=[{"Id": "same", "Message": "m", **group}] * 2,
        ),
        _sns_outcome(
            sns.publish_batch,
            TopicArn=topic,
            PublishBatchRequestEntries=[{"Id": str(i), "Message": "m", **group} for i in range(11)],
        ),
        _sns_outcome(
            sns.publish_batch,
            TopicArn=topic + "-gone",
            PublishBatchRequestEntries=[{"Id": "a", "Message": "m"}],
        ),
        _sns_outcome(
            sns.publish_batch,
            TopicArn=topic,
            PublishBatchRequestEntries=[{"Id": "nogroup", "Message": "m"}],
        ),
    ]
    received: list[Any] = []
    if not fifo:
        # A standard topic delivers after it answered (as on AWS): a last message marks the end.
        sns.publish(TopicArn=topic, Message="the end")
        deadline = time.monotonic() + 10
        while not any(json.loads(m["Body"])["Message"] == "the end" for m in received):
            assert time.monotonic() < deadline, "the conversation's deliveries did not arrive"
            received += _receive_and_delete(sqs, url, wait_s=1)
        received = [m for m in received if json.loads(m["Body"])["Message"] != "the end"]
    while batch := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages", []):
        received += batch
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
            ],
        )
    outcomes.append(sorted((_sns_normal(m) for m in received), key=json.dumps))
    return outcomes


@pytest.mark.parametrize("fifo", [False, True])
def test_direct_sns_paths_answer_as_moto_does(
    localcloud: Any, sqs: Any, fifo: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from localcloud.gateway.routes import Check, DirectQuery, Validated

    sns = localcloud.client("sns")
    routes = localcloud.gateway.routes
    direct_sns = {key: route for key, route in routes.items() if isinstance(route, DirectQuery)}
    assert set(direct_sns) == {("sns", "Publish"), ("sns", "PublishBatch")}
    answered = dict.fromkeys((operation for _, operation in direct_sns), 0)

    def counted(operation: str, path: Any, check: Check | None) -> DirectQuery:
        def run(form: Any, region: str, request_id: str) -> bytes | None:
            answer = path(form, region, request_id)
            answered[operation] += answer is not None
            return answer

        return DirectQuery(run, check)

    for key, route in direct_sns.items():
        monkeypatch.setitem(routes, key, counted(key[1], route.path, route.check))
    direct = _sns_conversation(sns, sqs, fifo)
    assert answered["Publish"] >= 2 and answered["PublishBatch"] >= 1, answered
    # moto's path, with the same quotas checked first
    for key, route in direct_sns.items():
        assert route.check is not None
        monkeypatch.setitem(routes, key, Validated(route.check))
    through_moto = _sns_conversation(sns, sqs, fifo)
    assert direct == through_moto
    # the conversation delivered what it published (a FIFO queue keeps one per deduplication id)
    assert len(direct[-1]) >= (1 if fifo else 4)
