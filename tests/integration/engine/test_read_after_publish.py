"""A client that publishes and then receives (another client, another connection) finds what the
acknowledged publish delivered: deliveries run after the answer, and a receive waits for them."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from engine_support import unique

from localcloud import afterward

ROUNDS = 40


def test_a_receive_right_after_publish_batch_finds_the_delivery(localcloud: Any) -> None:
    sns, sqs = localcloud.client("sns"), localcloud.client("sqs")
    topic = sns.create_topic(Name=unique("read-after"))["TopicArn"]
    url = sqs.create_queue(QueueName=unique("read-after"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)

    for n in range(ROUNDS):
        sns.publish_batch(
            TopicArn=topic, PublishBatchRequestEntries=[{"Id": "a", "Message": f"m{n}"}]
        )
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", [])
        assert [json.loads(m["Body"])["Message"] for m in messages] == [f"m{n}"], n
        sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])


def test_a_receive_right_after_put_events_finds_the_delivery(localcloud: Any) -> None:
    events, sqs = localcloud.client("events"), localcloud.client("sqs")
    url = sqs.create_queue(QueueName=unique("read-after-bus"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    rule = unique("read-after")
    source = unique("read.after")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    try:
        for n in range(ROUNDS):
            events.put_events(
                Entries=[{"Source": source, "DetailType": "t", "Detail": json.dumps({"n": n})}]
            )
            messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", [])
            assert [json.loads(m["Body"])["detail"]["n"] for m in messages] == [n], n
            sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    finally:
        events.remove_targets(Rule=rule, Ids=["q"])
        events.delete_rule(Name=rule)


def test_a_receive_waits_for_a_slow_acknowledged_delivery(localcloud: Any) -> None:
    """The deferred work is made slow on purpose (it runs in this process, as the cloud does): a
    receive sent after its answer still finds what it delivers."""
    sqs = localcloud.client("sqs")
    url = sqs.create_queue(QueueName=unique("read-after-slow"))["QueueUrl"]

    def slow_delivery() -> None:
        time.sleep(0.3)
        sqs.send_message(QueueUrl=url, MessageBody="late")

    pending = afterward.collect()
    afterward.later(slow_delivery)
    afterward.acknowledge(pending)  # as the server does just before it answers
    worker = threading.Thread(target=afterward.run, args=(pending,))
    worker.start()
    try:
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", [])
    finally:
        worker.join(5.0)

    assert [m["Body"] for m in messages] == ["late"]
