"""An SNS envelope's UnsubscribeURL points at the cloud that delivered it (its own host and
port, here an ephemeral one), not at a fixed localhost:4566."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engine_support import unique, wait_until

pytestmark = pytest.mark.integration


def test_the_unsubscribe_url_names_the_clouds_own_endpoint(localcloud: Any) -> None:
    sns = localcloud.client("sns")
    sqs = localcloud.client("sqs")
    url = sqs.create_queue(QueueName=unique("unsub"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    topic = sns.create_topic(Name=unique("unsub"))["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)[
        "SubscriptionArn"
    ]
    try:
        sns.publish(TopicArn=topic, Message="hello")
        [message] = wait_until(
            lambda: sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages"),
            message="the SNS envelope",
        )
    finally:
        sns.delete_topic(TopicArn=topic)
        sqs.delete_queue(QueueUrl=url)
    envelope = json.loads(message["Body"])

    assert not localcloud.endpoint_url.endswith(":4566")
    assert envelope["UnsubscribeURL"] == (
        f"{localcloud.endpoint_url}/?Action=Unsubscribe&SubscriptionArn={subscription}"
    )
