"""SNS to Lambda subscriptions deliver the real SNS event."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engine_support import scan, unique, wait_until

pytestmark = pytest.mark.integration


def test_sns_subscription_delivers_the_sns_event_shape(
    localcloud: Any, lam: Any, make_function: Any, make_table: Any
) -> None:
    table = make_table()
    name = make_function("sink.event", env={"SINK_TABLE": table.name})
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    sns = localcloud.client("sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)["SubscriptionArn"]
    try:
        published = sns.publish(
            TopicArn=topic,
            Message="hello",
            Subject="greeting",
            MessageAttributes={"color": {"DataType": "String", "StringValue": "red"}},
        )

        [item] = wait_until(lambda: scan(table, "event"), message="the SNS event")
    finally:
        sns.delete_topic(TopicArn=topic)
    event = json.loads(item["event"])
    [record] = event["Records"]
    assert record["EventSource"] == "aws:sns"
    assert record["EventVersion"] == "1.0"
    assert record["EventSubscriptionArn"] == subscription
    message = record["Sns"]
    assert message["Type"] == "Notification"
    assert message["MessageId"] == published["MessageId"]
    assert message["TopicArn"] == topic
    assert message["Subject"] == "greeting"
    assert message["Message"] == "hello"
    assert message["Timestamp"]
    assert message["MessageAttributes"] == {"color": {"Type": "String", "Value": "red"}}
    for key in ("SignatureVersion", "Signature", "SigningCertUrl", "UnsubscribeUrl"):
        assert key in message, key
