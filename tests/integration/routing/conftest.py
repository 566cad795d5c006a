"""Fixtures for the routing integration tests: boto3 clients on the session's local cloud and
factories for uniquely named queues, buses and topics that are deleted after each test.

Conformance counts recorded with `report_count` are printed in pytest's terminal summary, so
`make test` shows them without `-s`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from botocore.exceptions import ClientError
from routing_it_support import COUNTS, Queue, unique


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for label, value in COUNTS.items():
        terminalreporter.write_line(f"{label}: {value}")


@pytest.fixture(scope="session")
def events(localcloud: Any) -> Any:
    return localcloud.client("events")


@pytest.fixture(scope="session")
def sqs(localcloud: Any) -> Any:
    return localcloud.client("sqs")


@pytest.fixture(scope="session")
def sns(localcloud: Any) -> Any:
    return localcloud.client("sns")


def _quietly(action: Callable[[], Any]) -> None:
    with contextlib.suppress(ClientError):
        action()


@pytest.fixture
def make_queue(sqs: Any) -> Iterator[Callable[..., Queue]]:
    """Factory: a new SQS queue (``fifo=True`` for FIFO, ``content_dedup=True`` deduplicating by
    content); deleted after the test."""
    urls: list[str] = []

    def make(prefix: str = "it-q", fifo: bool = False, content_dedup: bool = False) -> Queue:
        name = unique(prefix) + (".fifo" if fifo else "")
        attributes = {"FifoQueue": "true"} if fifo else {}
        if content_dedup:
            attributes["ContentBasedDeduplication"] = "true"
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        urls.append(url)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        return Queue(url, arn, name)

    yield make
    for url in urls:
        _quietly(partial(sqs.delete_queue, QueueUrl=url))


@pytest.fixture
def make_bus(events: Any) -> Iterator[Callable[..., str]]:
    """Factory: a new event bus; its rules (with their targets) and the bus go after the test."""
    names: list[str] = []

    def make(prefix: str = "it-bus") -> str:
        name = unique(prefix)
        events.create_event_bus(Name=name)
        names.append(name)
        return name

    yield make
    for bus in names:
        for rule in events.list_rules(EventBusName=bus).get("Rules", []):
            ids = [
                t["Id"]
                for t in events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
            ]
            if ids:
                events.remove_targets(Rule=rule["Name"], EventBusName=bus, Ids=ids)
            _quietly(partial(events.delete_rule, Name=rule["Name"], EventBusName=bus))
        _quietly(partial(events.delete_event_bus, Name=bus))


@pytest.fixture
def make_topic(sns: Any) -> Iterator[Callable[..., str]]:
    """Factory: a new SNS topic (ARN); deleted after the test."""
    arns: list[str] = []

    def make(prefix: str = "it-topic", fifo: bool = False) -> str:
        name = unique(prefix) + (".fifo" if fifo else "")
        attributes = {"FifoTopic": "true"} if fifo else {}
        arn = str(sns.create_topic(Name=name, Attributes=attributes)["TopicArn"])
        arns.append(arn)
        return arn

    yield make
    for arn in arns:
        _quietly(partial(sns.delete_topic, TopicArn=arn))
