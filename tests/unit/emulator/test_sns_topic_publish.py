"""The patched Topic.publish hands the engine what moto's own Topic.publish would, call for call.

moto's Topic.publish (kept from before the patches) and the patched one run on the same topic,
each after the same seed: the hooks and moto's own deliveries (other protocols) must see the same
calls in the same order, with equal views and publications, and the message ids and the topic's
sent notifications must match.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws
from moto.moto_api._internal import mock_random
from moto.sns import models as sns_models

from localcloud import afterward
from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.emulator.moto_patches import sns as sns_patches

REGION = "us-east-1"
QUEUE = f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT}:q"
FUNCTION = f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT}:function:f"


class RecordingHooks:
    """The hooks the SNS patches call, writing each call down."""

    def __init__(self, calls: list[tuple[Any, ...]]) -> None:
        self.calls = calls

    def sns_deliver(self, subscription: Any, publication: Any, context: Any) -> None:
        self.calls.append(("deliver", subscription, publication, context))

    def sns_filtered(self, subscription: Any, context: Any) -> None:
        self.calls.append(("filtered", subscription, context))


class Published:
    """The calls written down, and moto's own Topic.publish (as it was before the patches)."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.moto_topic_publish = sns_models.Topic.publish


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> Iterator[Published]:
    """Every hook call and moto delivery, with the SNS patches applied under mock_aws."""
    held = Published()
    recorded = held.calls

    def moto_delivery(self: Any, message: str, message_id: str, **kwargs: Any) -> None:
        recorded.append(("moto", self.arn, message, message_id, kwargs))

    # What the patch keeps as moto's own delivery (email, http...): written down instead.
    monkeypatch.setattr(sns_models.Subscription, "publish", moto_delivery)
    with mock_aws():
        group = sns_patches.patches(RecordingHooks(recorded))  # type: ignore[arg-type]
        group.apply()
        try:
            yield held
        finally:
            group.undo()


def topic_with_subscriptions() -> Any:
    backend = sns_models.sns_backends[DEFAULT_ACCOUNT][REGION]
    topic = backend.create_topic("fanout", {})
    backend.subscribe(topic.arn, QUEUE, "sqs")
    backend.subscribe(topic.arn, FUNCTION, "lambda")
    backend.subscribe(topic.arn, "someone@example.com", "email")
    raw = backend.subscribe(topic.arn, QUEUE + "-raw", "sqs")
    backend.set_subscription_attributes(raw.arn, "RawMessageDelivery", "true")
    picky = backend.subscribe(topic.arn, QUEUE + "-picky", "sqs")
    backend.set_subscription_attributes(picky.arn, "FilterPolicy", '{"kind": ["wanted"]}')
    backend.subscribe(backend.create_topic("other", {}).arn, QUEUE + "-other", "sqs")
    return topic


CASES: list[tuple[str, dict[str, Any]]] = [
    ("plain", {"message": "hello"}),
    ("subject", {"message": "hello", "subject": "greeting"}),
    (
        "attributes the filter wants",
        {"message": "m", "message_attributes": {"kind": {"Type": "String", "Value": "wanted"}}},
    ),
    (
        "attributes the filter refuses",
        {"message": "m", "message_attributes": {"kind": {"Type": "String", "Value": "other"}}},
    ),
    (
        "a message per protocol",
        {
            "message": json.dumps({"default": "d", "sqs": "for queues", "lambda": "for fns"}),
            "message_structure": "json",
        },
    ),
]


@pytest.mark.parametrize(("case", "kwargs"), CASES, ids=[c[0] for c in CASES])
def test_patched_topic_publish_makes_the_calls_motos_makes(
    published: Published, case: str, kwargs: dict[str, Any]
) -> None:
    topic = topic_with_subscriptions()
    calls = published.calls

    mock_random.seed(11)
    expected_id = published.moto_topic_publish(topic, **kwargs)
    expected, expected_sent = list(calls), list(topic.sent_notifications)
    calls.clear()
    topic.sent_notifications.clear()
    mock_random.seed(11)
    got_id = topic.publish(**kwargs)

    assert got_id == expected_id
    assert calls == expected
    assert topic.sent_notifications == expected_sent
    assert [c[0] for c in calls].count("deliver") >= 2


def engine_only_topic() -> Any:
    """A standard topic whose subscriptions are all the engine's (its deliveries are deferred)."""
    backend = sns_models.sns_backends[DEFAULT_ACCOUNT][REGION]
    topic = backend.create_topic("engine-only", {})
    backend.subscribe(topic.arn, QUEUE, "sqs")
    backend.subscribe(topic.arn, FUNCTION, "lambda")
    raw = backend.subscribe(topic.arn, QUEUE + "-raw", "sqs")
    backend.set_subscription_attributes(raw.arn, "RawMessageDelivery", "true")
    picky = backend.subscribe(topic.arn, QUEUE + "-picky", "sqs")
    backend.set_subscription_attributes(picky.arn, "FilterPolicy", '{"kind": ["wanted"]}')
    return topic


@pytest.mark.parametrize(("case", "kwargs"), CASES, ids=[c[0] for c in CASES])
def test_an_engine_only_topic_makes_the_calls_motos_makes(
    published: Published, case: str, kwargs: dict[str, Any]
) -> None:
    topic = engine_only_topic()
    calls = published.calls

    mock_random.seed(11)
    expected_id = published.moto_topic_publish(topic, **kwargs)
    expected, expected_sent = list(calls), list(topic.sent_notifications)
    calls.clear()
    topic.sent_notifications.clear()
    mock_random.seed(11)
    got_id = topic.publish(**kwargs)

    assert got_id == expected_id
    assert calls == expected
    assert topic.sent_notifications == expected_sent
    assert [c[0] for c in calls].count("deliver") >= 2


def test_an_engine_only_topic_hands_its_messages_over_after_the_answer(
    published: Published,
) -> None:
    topic = engine_only_topic()
    calls = published.calls
    pending = afterward.collect()
    try:
        topic.publish("first")
        topic.publish("second", message_attributes={"kind": {"Type": "String", "Value": "wanted"}})
        assert calls == []  # nothing before the answer
        assert [sent[1] for sent in topic.sent_notifications] == ["first", "second"]
    finally:
        afterward.run(pending)
    delivered = [(c[1].endpoint, c[2].message) for c in calls if c[0] == "deliver"]
    assert delivered == [
        (QUEUE, "first"),
        (FUNCTION, "first"),
        (QUEUE + "-raw", "first"),
        (QUEUE, "second"),
        (FUNCTION, "second"),
        (QUEUE + "-raw", "second"),
        (QUEUE + "-picky", "second"),
    ]
    assert [c[0] for c in calls].count("filtered") == 1


def test_a_fifo_topic_hands_its_messages_over_before_the_answer(published: Published) -> None:
    backend = sns_models.sns_backends[DEFAULT_ACCOUNT][REGION]
    topic = backend.create_topic("ordered.fifo", {"FifoTopic": "true"})
    backend.subscribe(topic.arn, QUEUE + ".fifo", "sqs")
    pending = afterward.collect()
    try:
        topic.publish("m", group_id="g", deduplication_id="d")
        assert [c[0] for c in published.calls] == ["deliver"]
    finally:
        afterward.run(pending)
