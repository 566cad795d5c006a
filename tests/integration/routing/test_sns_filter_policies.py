"""SNS subscription filter policies through Subscribe + Publish to SQS subscriptions.

Messages and policies follow the examples of the SNS developer guide (subscription filter
policies): a store's order event with `store`, `event`, `customer_interests` (String.Array) and
`price_usd` (Number), as message attributes or as a JSON body. Whether a message passed is read
from the subscription's queue; the trace store says when SNS has decided, so a filtered-out
message is asserted without waiting out a timeout.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from routing_it_support import Queue, drain, receive, wait_until

pytestmark = pytest.mark.integration

# The SNS developer guide's example message, as attributes and as a body.
ATTRIBUTES: dict[str, dict[str, str]] = {
    "store": {"DataType": "String", "StringValue": "example_corp"},
    "event": {"DataType": "String", "StringValue": "order_placed"},
    "customer_interests": {
        "DataType": "String.Array",
        "StringValue": json.dumps(["soccer", "rugby", "hockey"]),
    },
    "price_usd": {"DataType": "Number", "StringValue": "210.75"},
    "source_ip": {"DataType": "String", "StringValue": "10.0.0.42"},
}
BODY: dict[str, Any] = {
    "store": "example_corp",
    "event": "order_placed",
    "customer_interests": ["soccer", "rugby", "hockey"],
    "price_usd": 210.75,
    "source_ip": "10.0.0.42",
    "order": {"status": "placed", "shipping": {"country": "DE"}},
    "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}],
}

ATTRIBUTE_CASES: list[tuple[str, dict[str, Any], bool]] = [
    (
        "doc-example-all-keys",
        {
            "store": ["example_corp"],
            "event": [{"anything-but": "order_cancelled"}],
            "customer_interests": ["rugby", "football", "baseball"],
            "price_usd": [{"numeric": [">=", 100]}],
        },
        True,
    ),
    ("exact", {"store": ["example_corp"]}, True),
    ("exact-other-value", {"store": ["other_corp"]}, False),
    ("exact-is-case-sensitive", {"store": ["Example_Corp"]}, False),
    ("prefix", {"event": [{"prefix": "order_"}]}, True),
    ("prefix-miss", {"event": [{"prefix": "refund_"}]}, False),
    ("suffix", {"event": [{"suffix": "_placed"}]}, True),
    ("suffix-miss", {"event": [{"suffix": "_cancelled"}]}, False),
    ("equals-ignore-case", {"store": [{"equals-ignore-case": "EXAMPLE_corp"}]}, True),
    ("equals-ignore-case-miss", {"store": [{"equals-ignore-case": "example"}]}, False),
    ("anything-but-list", {"event": [{"anything-but": ["order_cancelled", "refund"]}]}, True),
    ("anything-but-list-hit", {"event": [{"anything-but": ["order_placed", "x"]}]}, False),
    ("anything-but-number", {"price_usd": [{"anything-but": [100, 500]}]}, True),
    ("anything-but-prefix", {"event": [{"anything-but": {"prefix": "refund_"}}]}, True),
    ("anything-but-prefix-hit", {"event": [{"anything-but": {"prefix": "order_"}}]}, False),
    ("anything-but-suffix", {"event": [{"anything-but": {"suffix": "_cancelled"}}]}, True),
    ("anything-but-suffix-hit", {"event": [{"anything-but": {"suffix": "_placed"}}]}, False),
    ("numeric-range", {"price_usd": [{"numeric": [">", 0, "<=", 300]}]}, True),
    ("numeric-range-miss", {"price_usd": [{"numeric": [">", 0, "<=", 150]}]}, False),
    ("numeric-equals", {"price_usd": [{"numeric": ["=", 210.75]}]}, True),
    ("numeric-exact-value", {"price_usd": [210.75]}, True),
    ("exists-true", {"store": [{"exists": True}]}, True),
    ("exists-true-missing", {"encrypted": [{"exists": True}]}, False),
    ("exists-false-missing", {"encrypted": [{"exists": False}]}, True),
    ("exists-false-present", {"store": [{"exists": False}]}, False),
    ("cidr", {"source_ip": [{"cidr": "10.0.0.0/24"}]}, True),
    ("cidr-miss", {"source_ip": [{"cidr": "10.0.1.0/24"}]}, False),
    (
        "or-second-branch",
        {
            "store": ["example_corp"],
            "$or": [{"event": ["order_cancelled"]}, {"price_usd": [{"numeric": [">", 200]}]}],
        },
        True,
    ),
    (
        "or-no-branch",
        {
            "$or": [{"event": ["order_cancelled"]}, {"price_usd": [{"numeric": ["<", 200]}]}],
        },
        False,
    ),
    ("string-array-any-element", {"customer_interests": ["hockey", "golf"]}, True),
    ("string-array-no-element", {"customer_interests": ["golf", "tennis"]}, False),
    ("string-array-prefix", {"customer_interests": [{"prefix": "rug"}]}, True),
    # A key the message lacks fails the policy, whatever the operator (but exists: false).
    ("missing-key-fails", {"encrypted": ["false"]}, False),
    ("anything-but-missing-key-fails", {"encrypted": [{"anything-but": ["true"]}]}, False),
    ("all-keys-must-match", {"store": ["example_corp"], "event": ["order_cancelled"]}, False),
]

BODY_CASES: list[tuple[str, dict[str, Any], bool]] = [
    (
        "doc-example-all-keys",
        {
            "store": ["example_corp"],
            "event": [{"anything-but": "order_cancelled"}],
            "customer_interests": ["rugby", "football", "baseball"],
            "price_usd": [{"numeric": [">=", 100]}],
        },
        True,
    ),
    ("exact", {"store": ["example_corp"]}, True),
    ("prefix", {"event": [{"prefix": "order_"}]}, True),
    ("suffix-miss", {"event": [{"suffix": "_shipped"}]}, False),
    ("equals-ignore-case", {"event": [{"equals-ignore-case": "ORDER_PLACED"}]}, True),
    ("anything-but-list", {"store": [{"anything-but": ["a", "b"]}]}, True),
    ("anything-but-prefix-hit", {"store": [{"anything-but": {"prefix": "example"}}]}, False),
    ("numeric", {"price_usd": [{"numeric": [">=", 200, "<", 211]}]}, True),
    ("numeric-miss", {"price_usd": [{"numeric": ["<", 100]}]}, False),
    ("exists-false-missing", {"coupon": [{"exists": False}]}, True),
    ("cidr", {"source_ip": [{"cidr": "10.0.0.0/8"}]}, True),
    ("array-value-any-element", {"customer_interests": ["rugby"]}, True),
    ("nested-property", {"order": {"shipping": {"country": ["DE", "FR"]}}}, True),
    ("nested-property-miss", {"order": {"shipping": {"country": ["US"]}}}, False),
    ("nested-missing-key-fails", {"order": {"gift": [{"anything-but": "yes"}]}}, False),
    ("object-inside-array", {"lines": {"sku": ["B-7"]}}, True),
    ("object-inside-array-numeric", {"lines": {"qty": [{"numeric": [">", 1]}]}}, True),
    ("object-inside-array-miss", {"lines": {"sku": ["C-9"]}}, False),
    (
        "or-nested",
        {"$or": [{"order": {"status": ["cancelled"]}}, {"store": ["example_corp"]}]},
        True,
    ),
]


@pytest.fixture
def subscribe(
    sns: Any, make_topic: Callable[..., str], make_queue: Callable[..., Queue]
) -> Callable[..., tuple[str, str, Queue]]:
    """Factory: a topic and an SQS subscription with the given attributes; (topic, sub, queue)."""

    def make(**attributes: str) -> tuple[str, str, Queue]:
        topic, queue = make_topic(), make_queue()
        arn = sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=queue.arn,
            Attributes=attributes,
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
        return topic, str(arn), queue

    return make


def delivered(localcloud: Any, sqs: Any, subscription: str, queue: Queue) -> list[dict[str, Any]]:
    """The messages the subscription delivered for the last publish (after SNS decided)."""
    wait_until(
        lambda: localcloud.traces.find(
            lambda h: h.resource == subscription and h.kind in ("filter", "deliver")
        ),
        what=f"SNS to decide on {subscription}",
    )
    if localcloud.traces.find(lambda h: h.resource == subscription and h.kind == "deliver"):
        return receive(sqs, queue.url, 1, timeout=5)
    return drain(sqs, queue.url)


@pytest.mark.parametrize(
    ("policy", "passes"),
    [case[1:] for case in ATTRIBUTE_CASES],
    ids=[case[0] for case in ATTRIBUTE_CASES],
)
def test_attribute_policy(
    sns: Any,
    sqs: Any,
    localcloud: Any,
    subscribe: Callable[..., tuple[str, str, Queue]],
    policy: dict[str, Any],
    passes: bool,
) -> None:
    topic, subscription, queue = subscribe(
        FilterPolicy=json.dumps(policy), RawMessageDelivery="true"
    )
    sns.publish(TopicArn=topic, Message="order 42", MessageAttributes=ATTRIBUTES)
    messages = delivered(localcloud, sqs, subscription, queue)
    assert [m["Body"] for m in messages] == (["order 42"] if passes else [])


@pytest.mark.parametrize(
    ("policy", "passes"), [case[1:] for case in BODY_CASES], ids=[case[0] for case in BODY_CASES]
)
def test_body_policy(
    sns: Any,
    sqs: Any,
    localcloud: Any,
    subscribe: Callable[..., tuple[str, str, Queue]],
    policy: dict[str, Any],
    passes: bool,
) -> None:
    topic, subscription, queue = subscribe(
        FilterPolicy=json.dumps(policy),
        FilterPolicyScope="MessageBody",
        RawMessageDelivery="true",
    )
    sns.publish(TopicArn=topic, Message=json.dumps(BODY))
    messages = delivered(localcloud, sqs, subscription, queue)
    assert [json.loads(m["Body"]) for m in messages] == ([BODY] if passes else [])


def test_numeric_condition_does_not_match_a_string_attribute(
    sns: Any, sqs: Any, localcloud: Any, subscribe: Callable[..., tuple[str, str, Queue]]
) -> None:
    topic, subscription, queue = subscribe(
        FilterPolicy=json.dumps({"price_usd": [{"numeric": [">", 100]}]}),
        RawMessageDelivery="true",
    )
    as_string = {"price_usd": {"DataType": "String", "StringValue": "210.75"}}
    sns.publish(TopicArn=topic, Message="as string", MessageAttributes=as_string)
    assert delivered(localcloud, sqs, subscription, queue) == []
    as_number = {"price_usd": {"DataType": "Number", "StringValue": "210.75"}}
    sns.publish(TopicArn=topic, Message="as number", MessageAttributes=as_number)
    wait_until(
        lambda: localcloud.traces.find(
            lambda h: h.resource == subscription and h.kind == "deliver"
        ),
        what="the Number attribute to pass",
    )
    assert [m["Body"] for m in receive(sqs, queue.url)] == ["as number"]


def test_body_policy_drops_a_body_that_is_not_json(
    sns: Any, sqs: Any, localcloud: Any, subscribe: Callable[..., tuple[str, str, Queue]]
) -> None:
    topic, subscription, queue = subscribe(
        FilterPolicy=json.dumps({"store": [{"exists": False}]}),
        FilterPolicyScope="MessageBody",
        RawMessageDelivery="true",
    )
    sns.publish(TopicArn=topic, Message="plain text")
    assert delivered(localcloud, sqs, subscription, queue) == []


INVALID_POLICIES = [
    ("value-not-array", {"store": "example_corp"}, "MessageAttributes"),
    ("unknown-operator", {"store": [{"contains": "x"}]}, "MessageAttributes"),
    ("numeric-bad-operand", {"price_usd": [{"numeric": [">", "cheap"]}]}, "MessageAttributes"),
    ("nested-in-attribute-scope", {"order": {"status": ["placed"]}}, "MessageAttributes"),
    ("exists-not-boolean", {"store": [{"exists": "yes"}]}, "MessageBody"),
    ("bad-cidr", {"source_ip": [{"cidr": "10.0.0.0/99"}]}, "MessageBody"),
    ("or-one-branch", {"$or": [{"store": ["a"]}]}, "MessageBody"),
    ("too-many-keys", {f"k{i}": ["v"] for i in range(6)}, "MessageAttributes"),
]


@pytest.mark.parametrize(
    ("policy", "scope"),
    [case[1:] for case in INVALID_POLICIES],
    ids=[case[0] for case in INVALID_POLICIES],
)
def test_invalid_policy_is_rejected_at_subscribe(
    sns: Any,
    make_topic: Callable[..., str],
    make_queue: Callable[..., Queue],
    policy: dict[str, Any],
    scope: str,
) -> None:
    topic, queue = make_topic(), make_queue()
    with pytest.raises(ClientError) as caught:
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=queue.arn,
            Attributes={"FilterPolicy": json.dumps(policy), "FilterPolicyScope": scope},
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameter"
    assert caught.value.response["Error"]["Message"].startswith("Invalid parameter: ")
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


@pytest.mark.parametrize(
    ("policy", "scope"),
    [case[1:] for case in INVALID_POLICIES],
    ids=[case[0] for case in INVALID_POLICIES],
)
def test_invalid_policy_is_rejected_at_set_subscription_attributes(
    sns: Any,
    subscribe: Callable[..., tuple[str, str, Queue]],
    policy: dict[str, Any],
    scope: str,
) -> None:
    good = json.dumps({"store": ["example_corp"]})
    _, subscription, _ = subscribe(FilterPolicy=good, FilterPolicyScope=scope)
    with pytest.raises(ClientError) as caught:
        sns.set_subscription_attributes(
            SubscriptionArn=subscription,
            AttributeName="FilterPolicy",
            AttributeValue=json.dumps(policy),
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameter"
    kept = sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]
    assert json.loads(kept["FilterPolicy"]) == {"store": ["example_corp"]}


def test_policy_changed_by_set_subscription_attributes_applies(
    sns: Any, sqs: Any, localcloud: Any, subscribe: Callable[..., tuple[str, str, Queue]]
) -> None:
    topic, subscription, queue = subscribe(
        FilterPolicy=json.dumps({"store": ["other_corp"]}), RawMessageDelivery="true"
    )
    sns.set_subscription_attributes(
        SubscriptionArn=subscription,
        AttributeName="FilterPolicy",
        AttributeValue=json.dumps({"store": ["example_corp"]}),
    )
    sns.publish(TopicArn=topic, Message="after change", MessageAttributes=ATTRIBUTES)
    assert [m["Body"] for m in delivered(localcloud, sqs, subscription, queue)] == ["after change"]


def test_raw_delivery_sends_body_and_attributes_as_sqs_attributes(
    sns: Any, sqs: Any, localcloud: Any, subscribe: Callable[..., tuple[str, str, Queue]]
) -> None:
    topic, subscription, queue = subscribe(RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message="raw body", MessageAttributes=ATTRIBUTES)
    (message,) = delivered(localcloud, sqs, subscription, queue)
    assert message["Body"] == "raw body"
    attributes = message["MessageAttributes"]
    assert attributes["store"] == {"DataType": "String", "StringValue": "example_corp"}
    assert attributes["price_usd"] == {"DataType": "Number", "StringValue": "210.75"}
    assert attributes["customer_interests"]["DataType"] == "String.Array"
    assert json.loads(attributes["customer_interests"]["StringValue"]) == [
        "soccer",
        "rugby",
        "hockey",
    ]


def test_envelope_delivery_wraps_the_message(
    sns: Any, sqs: Any, localcloud: Any, subscribe: Callable[..., tuple[str, str, Queue]]
) -> None:
    topic, subscription, queue = subscribe(RawMessageDelivery="false")
    message_id = sns.publish(
        TopicArn=topic, Message="wrapped", Subject="Order", MessageAttributes=ATTRIBUTES
    )["MessageId"]
    (message,) = delivered(localcloud, sqs, subscription, queue)
    assert "MessageAttributes" not in message  # attributes travel inside the envelope
    envelope = json.loads(message["Body"])
    assert set(envelope) == {
        "Type",
        "MessageId",
        "TopicArn",
        "Subject",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "UnsubscribeURL",
        "MessageAttributes",
    }
    assert envelope["Type"] == "Notification"
    assert envelope["MessageId"] == message_id
    assert envelope["TopicArn"] == topic
    assert envelope["Message"] == "wrapped"
    assert envelope["Subject"] == "Order"
    assert envelope["SignatureVersion"] == "1"
    assert envelope["Timestamp"].endswith("Z")
    assert subscription in envelope["UnsubscribeURL"]
    assert envelope["MessageAttributes"]["store"] == {"Type": "String", "Value": "example_corp"}
    assert envelope["MessageAttributes"]["price_usd"] == {"Type": "Number", "Value": "210.75"}


def test_policy_that_is_not_json_is_rejected(
    sns: Any,
    make_topic: Callable[..., str],
    make_queue: Callable[..., Queue],
    subscribe: Callable[..., tuple[str, str, Queue]],
) -> None:
    topic, queue = make_topic(), make_queue()
    with pytest.raises(ClientError) as at_subscribe:
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=queue.arn,
            Attributes={"FilterPolicy": "{not json"},
        )
    _, subscription, _ = subscribe()
    with pytest.raises(ClientError) as at_set:
        sns.set_subscription_attributes(
            SubscriptionArn=subscription, AttributeName="FilterPolicy", AttributeValue="[1"
        )
    assert at_subscribe.value.response["Error"]["Code"] == "InvalidParameter"
    assert at_set.value.response["Error"]["Code"] == "InvalidParameter"
