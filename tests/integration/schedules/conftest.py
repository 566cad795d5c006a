"""Fixtures for the schedules' integration tests: boto3 clients on the session's local cloud,
queues deleted after each test, and the schedules' test clock, put back to the real time after
each test that moves it."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from schedules_support import Queue, unique

from localcloud.admin_client import AdminClient


@pytest.fixture(scope="session")
def events(localcloud: Any) -> Any:
    return localcloud.client("events")


@pytest.fixture(scope="session")
def scheduler(localcloud: Any) -> Any:
    return localcloud.client("scheduler")


@pytest.fixture(scope="session")
def sqs(localcloud: Any) -> Any:
    return localcloud.client("sqs")


@pytest.fixture(scope="session")
def admin(localcloud: Any) -> AdminClient:
    return AdminClient(localcloud.endpoint_url)


@pytest.fixture
def clock(admin: AdminClient) -> Iterator[AdminClient]:
    """The admin client, for moving the schedules' clock; the real time again afterwards."""
    yield admin
    admin.move_clock(now=time.time())


@pytest.fixture
def make_queue(sqs: Any) -> Iterator[Callable[..., Queue]]:
    urls: list[str] = []

    def make(prefix: str = "sched-q") -> Queue:
        name = unique(prefix)
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        urls.append(url)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        return Queue(url, arn, name)

    yield make
    for url in urls:
        with contextlib.suppress(ClientError):
            sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def make_rule(events: Any) -> Iterator[Callable[..., str]]:
    """Factory: a rule on the default bus with a schedule and targets; returns its name."""
    names: list[str] = []

    def make(expression: str, targets: list[dict[str, Any]], state: str = "ENABLED") -> str:
        name = unique("sched-rule")
        events.put_rule(Name=name, ScheduleExpression=expression, State=state)
        if targets:
            events.put_targets(Rule=name, Targets=targets)
        names.append(name)
        return name

    yield make
    for name in names:
        with contextlib.suppress(ClientError):
            ids = [t["Id"] for t in events.list_targets_by_rule(Rule=name)["Targets"]]
            if ids:
                events.remove_targets(Rule=name, Ids=ids)
            events.delete_rule(Name=name)


@pytest.fixture
def make_schedule(scheduler: Any) -> Iterator[Callable[..., str]]:
    """Factory: an EventBridge Scheduler schedule in the default group; returns its name."""
    names: list[str] = []

    def make(expression: str, target: dict[str, Any], **settings: Any) -> str:
        name = unique("sched")
        settings.setdefault("FlexibleTimeWindow", {"Mode": "OFF"})
        target = {"RoleArn": "arn:aws:iam::123456789012:role/scheduler", **target}
        scheduler.create_schedule(
            Name=name, ScheduleExpression=expression, Target=target, **settings
        )
        names.append(name)
        return name

    yield make
    for name in names:
        with contextlib.suppress(ClientError):
            scheduler.delete_schedule(Name=name)
