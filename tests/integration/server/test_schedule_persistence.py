"""`up --state DIR`: rules' schedules and EventBridge Scheduler schedules fire again after a
restart that restored them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from localcloud.admin_client import AdminClient

pytestmark = pytest.mark.integration


def test_schedules_resume_after_a_restore(start_cloud: Any, tmp_path: Path) -> None:
    first = start_cloud("--state", str(tmp_path))
    sqs: Any = first.client("sqs")
    url = sqs.create_queue(QueueName="ticks")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events: Any = first.client("events")
    events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="every-minute", Targets=[{"Id": "q", "Arn": arn}])
    scheduler: Any = first.client("scheduler")
    scheduler.create_schedule(
        Name="hourly",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": arn, "RoleArn": "arn:aws:iam::123456789012:role/r", "Input": "hourly"},
    )
    first.stop()

    second = start_cloud("--state", str(tmp_path))
    admin = AdminClient(second.url)
    listed = {s["name"]: s for s in admin.schedules()["schedules"]}
    assert listed["every-minute"]["next"] and listed["hourly"]["next"]
    admin.move_clock(advance_s=3601)
    sqs = second.client("sqs")
    bodies: list[str] = []
    deadline = time.monotonic() + 10
    while len(bodies) < 2 and time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        bodies += [m["Body"] for m in got.get("Messages", [])]
    assert "hourly" in bodies
    assert any('"Scheduled Event"' in body for body in bodies)
