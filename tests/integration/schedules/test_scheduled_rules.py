"""EventBridge rules with a ScheduleExpression, through boto3 on the local cloud: they fire on
time (the schedules' test clock compresses the wait), with the Scheduled Event shape, through
the rule's targets; a disabled rule does not fire, a deleted one stops, a changed one is planned
again, and PutRule refuses an expression AWS refuses."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from botocore.exceptions import ClientError
from schedules_support import Queue, nothing_arrives, receive, unique

from localcloud.admin_client import AdminClient
from localcloud.pytest_plugin import TraceProbe

pytestmark = pytest.mark.integration


def listed(admin: AdminClient, name: str) -> dict[str, Any]:
    return next(s for s in admin.schedules()["schedules"] if s["name"] == name)


def test_a_rate_rule_fires_once_per_period(
    sqs: Any,
    clock: AdminClient,
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    make_rule("rate(1 minute)", [{"Id": "q", "Arn": queue.arn}])
    nothing_arrives(sqs, queue.url, 1)
    clock.move_clock(advance_s=61)
    first = receive(sqs, queue.url)
    clock.move_clock(advance_s=60)
    second = receive(sqs, queue.url)
    nothing_arrives(sqs, queue.url, 1)
    times = [json.loads(m["Body"])["time"] for m in first + second]
    assert len(times) == 2 and times[0] < times[1]


def test_a_cron_rule_fires_at_its_minute(
    sqs: Any,
    clock: AdminClient,
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    # GIVEN the clock two seconds before 09:00 UTC on Monday 2027-03-01
    clock.move_clock(now="2027-03-01T08:59:58Z")
    started = time.monotonic()
    name = make_rule("cron(0 9 ? * MON *)", [{"Id": "q", "Arn": queue.arn}])
    assert listed(clock, name)["next"] == "2027-03-01T09:00:00Z"
    # WHEN 09:00 comes THEN it fires then, not before, and plans the next Monday
    event = json.loads(receive(sqs, queue.url)[0]["Body"])
    assert time.monotonic() - started >= 1.0
    assert event["time"] == "2027-03-01T09:00:00Z"
    assert listed(clock, name)["next"] == "2027-03-08T09:00:00Z"


def test_a_disabled_rule_does_not_fire(
    sqs: Any,
    events: Any,
    clock: AdminClient,
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    name = make_rule("rate(1 minute)", [{"Id": "q", "Arn": queue.arn}], state="DISABLED")
    assert listed(clock, name)["next"] is None
    clock.move_clock(advance_s=120)
    nothing_arrives(sqs, queue.url, 1.5)
    # the same rule enabled does fire: the silence above was the state's doing
    events.enable_rule(Name=name)
    clock.move_clock(advance_s=61)
    assert receive(sqs, queue.url)


def test_a_deleted_rule_stops(
    sqs: Any,
    events: Any,
    clock: AdminClient,
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    name = make_rule("rate(1 minute)", [{"Id": "q", "Arn": queue.arn}])
    clock.move_clock(advance_s=61)
    assert receive(sqs, queue.url)
    events.remove_targets(Rule=name, Ids=["q"])
    events.delete_rule(Name=name)
    clock.move_clock(advance_s=61)
    nothing_arrives(sqs, queue.url, 1.5)
    assert all(s["name"] != name for s in clock.schedules()["schedules"])


def test_a_changed_schedule_is_planned_again(
    sqs: Any,
    events: Any,
    clock: AdminClient,
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    clock.move_clock(now="2027-03-02T10:00:00Z")
    name = make_rule("cron(0 9 ? * MON *)", [{"Id": "q", "Arn": queue.arn}])
    assert listed(clock, name)["next"] == "2027-03-08T09:00:00Z"
    events.put_rule(Name=name, ScheduleExpression="rate(5 minutes)")
    assert listed(clock, name)["next"] == "2027-03-02T10:05:00Z"
    clock.move_clock(advance_s=301)
    assert json.loads(receive(sqs, queue.url)[0]["Body"])["time"] == "2027-03-02T10:05:00Z"


def test_the_scheduled_event_is_powertools_eventbridge_model(
    sqs: Any,
    events: Any,
    admin: AdminClient,
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    name = make_rule("rate(1 day)", [{"Id": "q", "Arn": queue.arn}])
    arn = events.describe_rule(Name=name)["Arn"]
    admin.run_schedule(name)
    event = EventBridgeModel.model_validate_json(receive(sqs, queue.url)[0]["Body"])
    assert event.version == "0" and event.id
    assert event.detail_type == "Scheduled Event"
    assert event.source == "aws.events"
    assert event.account == "123456789012" and event.region == "us-east-1"
    assert event.resources == [arn]
    assert event.detail == {}


def test_a_target_input_transformer_applies(
    sqs: Any,
    admin: AdminClient,
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    transformer = {
        "InputPathsMap": {"kind": "$.detail-type", "rule": "$.resources[0]"},
        "InputTemplate": '{"kind": <kind>, "rule": <rule>, "name": "<aws.events.rule-name>"}',
    }
    name = make_rule(
        "rate(1 day)", [{"Id": "q", "Arn": queue.arn, "InputTransformer": transformer}]
    )
    admin.run_schedule(name)
    body = json.loads(receive(sqs, queue.url)[0]["Body"])
    assert body["kind"] == "Scheduled Event"
    assert body["rule"].endswith(f":rule/{name}") and body["name"] == name


def test_a_firing_roots_its_deliveries_in_the_trace(
    sqs: Any,
    admin: AdminClient,
    traces: TraceProbe,
    make_queue: Callable[..., Queue],
    make_rule: Callable[..., str],
) -> None:
    queue = make_queue()
    name = make_rule("rate(1 day)", [{"Id": "q", "Arn": queue.arn}])
    trace_id = admin.run_schedule(name)["trace_id"]
    receive(sqs, queue.url)
    path = traces.path(trace_id)
    assert path[0] == ("schedule fired", "events", name)
    assert ("deliver", "sqs", queue.arn) in path


@pytest.mark.parametrize(
    "expression",
    [
        "cron(7 20 * * 1-7 *)",
        "cron(0 12 * * ?)",
        "cron(0 0 ? * MON#6 *)",
        "rate(1 minutes)",
        "at(2027-01-01T00:00:00)",
    ],
)
def test_an_invalid_expression_is_refused(events: Any, expression: str) -> None:
    with pytest.raises(ClientError) as raised:
        events.put_rule(Name=unique("bad"), ScheduleExpression=expression)
    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == "Parameter ScheduleExpression is not valid."


def test_a_schedule_on_a_custom_bus_is_refused(events: Any) -> None:
    bus = unique("sched-bus")
    events.create_event_bus(Name=bus)
    try:
        with pytest.raises(ClientError) as raised:
            events.put_rule(Name=unique("r"), EventBusName=bus, ScheduleExpression="rate(1 hour)")
    finally:
        events.delete_event_bus(Name=bus)
    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == "ScheduleExpression is supported only on the default event bus."
