"""An SNS envelope's UnsubscribeURL points at the cloud that delivered it (its own host and
port, here an ephemeral one), not at a fixed localhost:4566; following it (an unsigned GET, as
any HTTP client or a browser's address bar sends it) unsubscribes and answers SNS's XML, but a
web page of another site cannot follow it for the user."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

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


NS = {"sns": "http://sns.amazonaws.com/doc/2010-03-31/"}


@pytest.fixture
def subscribed(localcloud: Any) -> Iterator[tuple[str, str, str]]:
    """A topic with a queue subscribed: (topic ARN, subscription ARN, the envelope's URL)."""
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
    sns.publish(TopicArn=topic, Message="hello")
    [message] = wait_until(
        lambda: sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages"),
        message="the SNS envelope",
    )
    yield topic, subscription, json.loads(message["Body"])["UnsubscribeURL"]
    sns.delete_topic(TopicArn=topic)
    sqs.delete_queue(QueueUrl=url)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, Any]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def _listed(localcloud: Any, topic: str) -> list[str]:
    subscriptions = localcloud.client("sns").list_subscriptions_by_topic(TopicArn=topic)
    return [s["SubscriptionArn"] for s in subscriptions["Subscriptions"]]


def test_following_the_unsubscribe_url_unsubscribes(
    localcloud: Any, subscribed: tuple[str, str, str]
) -> None:
    topic, subscription, link = subscribed
    assert _listed(localcloud, topic) == [subscription]

    status, body, headers = _get(link)

    assert status == 200, body
    root = ElementTree.fromstring(body)
    assert root.tag == f"{{{NS['sns']}}}UnsubscribeResponse"
    request_id = root.findtext("sns:ResponseMetadata/sns:RequestId", namespaces=NS)
    assert request_id and headers["x-amzn-RequestId"] == request_id
    assert _listed(localcloud, topic) == []

    # Followed again, the subscription is gone: SNS's error XML.
    status, body, _ = _get(link)
    assert status == 404
    error = ElementTree.fromstring(body)
    assert error.findtext("sns:Error/sns:Code", namespaces=NS) == "NotFound"
    assert error.findtext("sns:RequestId", namespaces=NS)


def test_a_web_page_cannot_follow_the_unsubscribe_url(
    localcloud: Any, subscribed: tuple[str, str, str]
) -> None:
    topic, subscription, link = subscribed
    # An <img src=link> on another site: no Origin, but the browser says where it comes from.
    status, body, _ = _get(link, {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
    assert status == 403
    assert b"AuthorizationError" in body
    # A fetch from a page of another origin: the browser policy refuses it first.
    status, _, _ = _get(link, {"Origin": "https://evil.example"})
    assert status == 403
    assert _listed(localcloud, topic) == [subscription]
    # Pasted into the address bar, the link works.
    status, _, _ = _get(link, {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"})
    assert status == 200
    assert _listed(localcloud, topic) == []
