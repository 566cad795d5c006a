"""SNS refuses, with its InvalidParameter, the subscriptions and publishes AWS refuses and moto
5.2.5 would take (or fail on with a 500); nothing is created first."""

from __future__ import annotations

from typing import Any

import pytest
from refusal_support import refusal


def subscriptions(sns: Any, topic: str) -> list[Any]:
    return list(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"])


def test_a_protocol_sns_does_not_have_is_refused(sns: Any, topic: str) -> None:
    status, code, message = refusal(
        sns.subscribe, TopicArn=topic, Protocol="carrier-pigeon", Endpoint="loft"
    )
    assert (status, code) == (400, "InvalidParameter")
    assert message == (
        "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"
    )
    assert subscriptions(sns, topic) == []


@pytest.mark.parametrize(
    ("protocol", "endpoint"),
    [
        ("https", "http://example.com/hook"),
        ("http", "ftp://example.com/hook"),
        ("email", "not an address"),
        ("lambda", "my-function"),
        ("sqs", "arn:aws:sns:us-east-1:123456789012:not-a-queue"),
        ("sqs", "not-an-arn"),
    ],
)
def test_an_endpoint_of_another_protocol_is_refused(
    sns: Any, topic: str, protocol: str, endpoint: str
) -> None:
    status, code, _ = refusal(sns.subscribe, TopicArn=topic, Protocol=protocol, Endpoint=endpoint)
    assert (status, code) == (400, "InvalidParameter")
    assert subscriptions(sns, topic) == []


def test_a_subscription_to_an_unknown_topic_is_not_found_before_its_endpoint_is_read(
    sns: Any, topic: str
) -> None:
    status, code, message = refusal(
        sns.subscribe, TopicArn=topic + "-gone", Protocol="sqs", Endpoint="not-an-arn"
    )
    assert (status, code, message) == (404, "NotFound", "Topic does not exist")


def test_a_fifo_topic_refuses_a_lambda_subscription(sns: Any, fifo_topic: str) -> None:
    endpoint = "arn:aws:lambda:us-east-1:123456789012:function:f"
    status, code, message = refusal(
        sns.subscribe, TopicArn=fifo_topic, Protocol="lambda", Endpoint=endpoint
    )
    assert (status, code, message) == (
        400,
        "InvalidParameter",
        "Invalid parameter: Invalid protocol type: lambda",
    )


def test_publish_without_a_target_is_refused(sns: Any) -> None:
    status, code, message = refusal(sns.publish, Message="to nobody")
    assert (status, code) == (400, "InvalidParameter")
    assert "TopicArn or TargetArn" in message


def test_an_empty_message_is_refused(sns: Any, topic: str) -> None:
    status, code, message = refusal(sns.publish, TopicArn=topic, Message="")
    assert (status, code, message) == (400, "InvalidParameter", "Invalid parameter: Empty message")


def test_a_subject_of_two_lines_is_refused(sns: Any, topic: str) -> None:
    status, code, _ = refusal(sns.publish, TopicArn=topic, Message="m", Subject="one\ntwo")
    assert (status, code) == (400, "InvalidParameter")
