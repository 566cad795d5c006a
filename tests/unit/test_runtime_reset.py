"""Runtime's reset (what POST /moto-api/reset runs when moto's admin paths are on): the engine
lets go of what mirrors moto's resources, then moto forgets them. No network."""

from __future__ import annotations

from typing import Any

import boto3
from moto import mock_aws

from localcloud.engine.scheduler import Scheduler
from localcloud.runtime import Reset
from localcloud.trace import HopKind, TraceStore


class Recorder:
    def __init__(self, calls: list[Any], name: str) -> None:
        self.calls = calls
        self.name = name

    def close(self, timeout: float) -> None:
        self.calls.append((self.name, "close", timeout))

    def reset(self) -> None:
        self.calls.append((self.name, "reset"))


def test_a_reset_stops_pollers_timers_and_workers_and_forgets_every_resource() -> None:
    calls: list[Any] = []
    scheduler = Scheduler(1)
    scheduler.later(60, lambda: None)
    traces = TraceStore()
    traces.record(HopKind.PUBLISH, "sqs", "orders")
    reset = Reset(
        Recorder(calls, "sources"),  # type: ignore[arg-type]
        scheduler,
        Recorder(calls, "executor"),  # type: ignore[arg-type]
        traces,
    )
    try:
        with mock_aws():
            sqs = boto3.client("sqs", region_name="us-east-1")
            sqs.create_queue(QueueName="orders")

            reset()

            assert sqs.list_queues().get("QueueUrls", []) == []
    finally:
        scheduler.close()

    # pollers are told to stop without waiting for them (a receive ends within a second)
    assert calls == [("sources", "close", 0), ("executor", "reset")]
    assert scheduler.pending() == 0
    assert traces.traces() == []
