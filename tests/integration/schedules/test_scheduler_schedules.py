"""EventBridge Scheduler schedules through boto3 on the local cloud: a one-time at() deleted
after it completes, cron in a time zone, a flexible window, the target's Input verbatim to a
queue or a bus, a failed delivery to the schedule's dead-letter queue with Scheduler's
attributes, a disabled schedule, and what CreateSchedule refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from schedules_support import Queue, nothing_arrives, receive, unique

from localcloud.admin_client import AdminClient
from localcloud.pytest_plugin import TraceProbe

pytestmark = pytest.mark.integration

ROLE = "arn:aws:iam::123456789012:role/scheduler"


def listed(admin: AdminClient, name: str) -> dict[str, Any]:
    return next(s for s in admin.schedules()["schedules"] if s["name"] == name)


def test_a_one_time_schedule_fires_once_and_is_deleted(
    sqs: Any,
    scheduler: Any,
    clock: AdminClient,
    traces: TraceProbe,
    make_queue: Callable[..., Queue],
    make_schedule: Callable[..., str],
) -> None:
    queue = make_queue()
    clock.move_clock(now="2027-04-01T11:59:58Z")
    name = make_schedule(
        "at(2027-04-01T12:00:00)",
        {"Arn": queue.arn, "Input": '{"once": true}'},
        ActionAfterCompletion="DELETE",
    )
    assert json.loads(receive(sqs, queue.url)[0]["Body"]) == {"once": True}
    fired = traces.wait_for(lambda: traces.hops("schedule fired", f"default/{name}"))
    assert fired[0].detail["scheduled_time"] == "2027-04-01T12:00:00Z"
    traces.wait_for(lambda: _gone(scheduler, name), message=f"{name} to be deleted")
    clock.move_clock(advance_s=86400)
    nothing_arrives(sqs, queue.url, 1)


def _gone(scheduler: Any, name: str) -> bool:
    try:
        scheduler.get_schedule(Name=name)
    except scheduler.exceptions.ResourceNotFoundException:
        return True
    return False


def test_cron_in_a_time_zone_fires_at_local_time(
    sqs: Any,
    clock: AdminClient,
    traces: TraceProbe,
    make_queue: Callable[..., Queue],
    make_schedule: Callable[..., str],
) -> None:
    queue = make_queue()
    # 09:00 in New York on 2027-03-01 (EST) is 14:00 UTC
    clock.move_clock(now="2027-03-01T13:59:58Z")
    name = make_schedule(
        "cron(0 9 * * ? *)",
        {"Arn": queue.arn, "Input": "good morning"},
        ScheduleExpressionTimezone="America/New_York",
    )
    assert listed(clock, name)["next"] == "2027-03-01T14:00:00Z"
    assert receive(sqs, queue.url)[0]["Body"] == "good morning"
    hop = traces.wait_for(lambda: traces.hops("schedule fired", f"default/{name}"))[0]
    assert hop.detail["scheduled_time"] == "2027-03-01T14:00:00Z"
    assert hop.detail["timezone"] == "America/New_York"
    assert listed(clock, name)["next"] == "2027-03-02T14:00:00Z"


def test_a_flexible_window_fires_within_the_window(
    sqs: Any,
    clock: AdminClient,
    make_queue: Callable[..., Queue],
    make_schedule: Callable[..., str],
) -> None:
    queue = make_queue()
    clock.move_clock(now="2027-05-03T09:59:00Z")
    make_schedule(
        "cron(0 10 * * ? *)",
        {"Arn": queue.arn, "Input": "{}"},
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5},
    )
    nothing_arrives(sqs, queue.url, 1)
    clock.move_clock(advance_s=60 + 5 * 60)  # past 10:05, the window's end
    assert len(receive(sqs, queue.url)) == 1
    nothing_arrives(sqs, queue.url, 1)


def test_a_bus_target_gets_the_input_as_detail(
    sqs: Any,
    events: Any,
    admin: AdminClient,
    make_queue: Callable[..., Queue],
    make_schedule: Callable[..., str],
) -> None:
    queue = make_queue()
    source = unique("it.scheduler")
    rule = unique("sched-bus-rule")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": queue.arn}])
    try:
        name = make_schedule(
            "rate(1 day)",
            {
                "Arn": "arn:aws:events:us-east-1:123456789012:event-bus/default",
                "Input": '{"report": "daily"}',
                "EventBridgeParameters": {"DetailType": "Tick", "Source": source},
            },
        )
        admin.run_schedule(name)
        event = json.loads(receive(sqs, queue.url)[0]["Body"])
        assert (event["source"], event["detail-type"]) == (source, "Tick")
        assert event["detail"] == {"report": "daily"}
    finally:
        events.remove_targets(Rule=rule, Ids=["q"])
        events.delete_rule(Name=rule)


def test_a_failed_delivery_goes_to_the_dead_letter_queue(
    sqs: Any,
    admin: AdminClient,
    make_queue: Callable[..., Queue],
    make_schedule: Callable[..., str],
) -> None:
    dlq = make_queue("sched-dlq")
    gone = "arn:aws:sqs:us-east-1:123456789012:" + unique("no-such-queue")
    name = make_schedule(
        "rate(1 hour)",
        {
            "Arn": gone,
            "Input": '{"lost": false}',
            "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 600},
            "DeadLetterConfig": {"Arn": dlq.arn},
        },
    )
    admin.run_schedule(name)
    message = receive(sqs, dlq.url)[0]
    assert message["Body"] == '{"lost": false}'
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert (
        attributes["SCHEDULE_ARN"]
        == f"arn:aws:scheduler:us-east-1:123456789012:schedule/default/{name}"
    )
    assert attributes["TARGET_ARN"] == gone
    assert attributes["ERROR_CODE"]
    assert "no-such-queue" in attributes["ERROR_MESSAGE"]
    # a missing target is not retried (no retry can fix it)
    assert attributes["RETRY_ATTEMPTS"] == "0"
    assert "EXHAUSTED_RETRY_CONDITION" not in attributes
    assert attributes["IS_PAYLOAD_TRUNCATED"] == "false"
    assert {"EXECUTION_ID", "SCHEDULED_TIME"} <= set(attributes)


def test_a_disabled_schedule_does_not_fire(
    sqs: Any,
    scheduler: Any,
    clock: AdminClient,
    make_queue: Callable[..., Queue],
    make_schedule: Callable[..., str],
) -> None:
    queue = make_queue()
    name = make_schedule("rate(1 minute)", {"Arn": queue.arn, "Input": "tick"}, State="DISABLED")
    clock.move_clock(advance_s=120)
    nothing_arrives(sqs, queue.url, 1.5)
    scheduler.update_schedule(
        Name=name,
        ScheduleExpression="rate(1 minute)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": queue.arn, "RoleArn": ROLE, "Input": "tick"},
        State="ENABLED",
    )
    clock.move_clock(advance_s=61)
    assert receive(sqs, queue.url)[0]["Body"] == "tick"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"ScheduleExpression": "cron(0 0 * * * *)"},
            "Invalid Schedule Expression cron(0 0 * * * *).",
        ),
        ({"ScheduleExpression": "rate(1 minutes)"}, "Invalid Schedule Expression rate(1 minutes)."),
        ({"ScheduleExpressionTimezone": "Mars/Olympus"}, "Invalid timezone Mars/Olympus."),
        ({"FlexibleTimeWindow": {"Mode": "FLEXIBLE"}}, "MaximumWindowInMinutes is required"),
        (
            {"Target": {"Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", "RoleArn": ROLE}},
            "universal targets",
        ),
    ],
)
def test_create_schedule_refuses(scheduler: Any, settings: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {
        "Name": unique("refused"),
        "ScheduleExpression": "rate(1 hour)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": "arn:aws:sqs:us-east-1:123456789012:q", "RoleArn": ROLE},
        **settings,
    }
    with pytest.raises(ClientError) as raised:
        scheduler.create_schedule(**arguments)
    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert message in error["Message"]


def test_a_schedule_in_a_missing_group_is_not_found(scheduler: Any) -> None:
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException, match="no-such-group"):
        scheduler.create_schedule(
            Name=unique("orphan"),
            GroupName="no-such-group",
            ScheduleExpression="rate(1 hour)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": "arn:aws:sqs:us-east-1:123456789012:q", "RoleArn": ROLE},
        )
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.delete_schedule_group(Name="no-such-group")


def test_an_sns_target_gets_the_input_as_message(
    sqs: Any,
    localcloud: Any,
    admin: AdminClient,
    make_queue: Callable[..., Queue],
    make_schedule: Callable[..., str],
) -> None:
    sns = localcloud.client("sns")
    queue = make_queue()
    topic = sns.create_topic(Name=unique("sched-topic"))["TopicArn"]
    try:
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=queue.arn,
            Attributes={"RawMessageDelivery": "true"},
        )
        name = make_schedule("rate(1 day)", {"Arn": topic, "Input": '{"digest": 1}'})
        admin.run_schedule(name)
        assert receive(sqs, queue.url)[0]["Body"] == '{"digest": 1}'
    finally:
        sns.delete_topic(TopicArn=topic)
