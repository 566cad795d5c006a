"""What EventBridge targets receive, through PutRule + PutTargets + PutEvents on the local cloud:
Input, InputPath, InputTransformer (JSON and string templates, reserved variables), SQS FIFO
with a message group, SNS, another bus, a Lambda function, and a dead-letter queue for a target
that no longer exists.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from routing_it_support import Queue, drain, receive, rule_target, unique

pytestmark = pytest.mark.integration

DETAIL = {"order": 7, "customer": {"name": "Ada", "tier": "gold"}, "items": ["book", "pen"]}


def put(events: Any, bus: str, detail: dict[str, Any] | None = None) -> str:
    response = events.put_events(
        Entries=[
            {
                "EventBusName": bus,
                "Source": "it.orders",
                "DetailType": "OrderPlaced",
                "Detail": json.dumps(DETAIL if detail is None else detail),
            }
        ]
    )
    assert response["FailedEntryCount"] == 0, response
    return str(response["Entries"][0]["EventId"])


ORDERS = {"source": ["it.orders"]}


def test_input_replaces_the_event(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> None:
    bus, queue = make_bus(), make_queue()
    rule_target(events, bus, ORDERS, {"Id": "t", "Arn": queue.arn, "Input": '{"fixed": true}'})
    put(events, bus)
    assert json.loads(receive(sqs, queue.url)[0]["Body"]) == {"fixed": True}


def test_input_path_selects_part_of_the_event(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> None:
    bus, queue = make_bus(), make_queue()
    rule_target(events, bus, ORDERS, {"Id": "t", "Arn": queue.arn, "InputPath": "$.detail"})
    put(events, bus)
    assert json.loads(receive(sqs, queue.url)[0]["Body"]) == DETAIL


def test_input_transformer_json_template_with_reserved_variables(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> None:
    bus, queue, rule = make_bus(), make_queue(), unique("it-rule")
    transformer = {
        "InputPathsMap": {
            "order": "$.detail.order",
            "customer": "$.detail.customer",
            "name": "$.detail.customer.name",
            "source": "$.source",
        },
        "InputTemplate": (
            '{"order": <order>, "customer": <customer>, "greeting": "Hello <name>",'
            ' "source": "<source>", "rule": "<aws.events.rule-name>",'
            ' "rule_arn": "<aws.events.rule-arn>", "event": <aws.events.event.json>}'
        ),
    }
    rule_arn = rule_target(
        events,
        bus,
        ORDERS,
        {"Id": "t", "Arn": queue.arn, "InputTransformer": transformer},
        rule=rule,
    )
    event_id = put(events, bus)
    body = json.loads(receive(sqs, queue.url)[0]["Body"])
    assert body["order"] == 7
    assert body["customer"] == DETAIL["customer"]
    assert body["greeting"] == "Hello Ada"
    assert body["source"] == "it.orders"
    assert body["rule"] == rule
    assert body["rule_arn"] == rule_arn
    assert body["event"]["id"] == event_id
    assert body["event"]["detail"] == DETAIL


def test_input_transformer_string_template(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> None:
    bus, queue = make_bus(), make_queue()
    transformer = {
        "InputPathsMap": {"name": "$.detail.customer.name", "order": "$.detail.order"},
        "InputTemplate": '"<name> placed order <order> (<aws.events.rule-name>)"',
    }
    rule = unique("it-rule")
    rule_target(
        events,
        bus,
        ORDERS,
        {"Id": "t", "Arn": queue.arn, "InputTransformer": transformer},
        rule=rule,
    )
    put(events, bus)
    body = receive(sqs, queue.url)[0]["Body"]
    assert body == f'"Ada placed order 7 ({rule})"'


def test_fifo_queue_target_gets_the_message_group(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> None:
    bus, queue = make_bus(), make_queue(fifo=True, content_dedup=True)
    rule_target(
        events,
        bus,
        ORDERS,
        {"Id": "t", "Arn": queue.arn, "SqsParameters": {"MessageGroupId": "orders-7"}},
    )
    first, second = put(events, bus, {"n": 1}), put(events, bus, {"n": 2})
    messages = receive(sqs, queue.url, 2)
    assert [json.loads(m["Body"])["id"] for m in messages] == [first, second]
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"orders-7"}


def test_a_fifo_queue_without_content_deduplication_gets_nothing(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> None:
    # AWS: a FIFO queue target must deduplicate by content; EventBridge sends no id of its own
    bus, queue, dlq = make_bus(), make_queue(fifo=True), make_queue()
    target = {
        "Id": "t",
        "Arn": queue.arn,
        "SqsParameters": {"MessageGroupId": "orders-7"},
        "DeadLetterConfig": {"Arn": dlq.arn},
    }
    rule_target(events, bus, ORDERS, target)

    event_id = put(events, bus)

    assert json.loads(receive(sqs, dlq.url)[0]["Body"])["id"] == event_id
    assert drain(sqs, queue.url) == []


def test_sns_topic_target(
    events: Any,
    sns: Any,
    sqs: Any,
    make_bus: Callable[..., str],
    make_queue: Callable[..., Queue],
    make_topic: Callable[..., str],
) -> None:
    bus, queue, topic = make_bus(), make_queue(), make_topic()
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue.arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    rule_target(events, bus, ORDERS, {"Id": "t", "Arn": topic})
    event_id = put(events, bus)
    event = json.loads(receive(sqs, queue.url)[0]["Body"])
    assert (event["id"], event["detail"]) == (event_id, DETAIL)


def test_bus_to_bus_target(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> None:
    first, second, queue = make_bus(), make_bus(), make_queue()
    second_arn = events.describe_event_bus(Name=second)["Arn"]
    rule_target(events, first, ORDERS, {"Id": "bus", "Arn": second_arn})
    rule_target(events, second, {"detail": {"order": [7]}}, {"Id": "q", "Arn": queue.arn})
    put(events, first)
    event = json.loads(receive(sqs, queue.url)[0]["Body"])
    assert (event["source"], event["detail"]) == ("it.orders", DETAIL)


def test_missing_queue_target_goes_to_the_dead_letter_queue(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> None:
    # GIVEN a rule whose SQS target was deleted, with a dead-letter queue on the target
    bus, gone, dlq = make_bus(), make_queue(), make_queue("it-dlq")
    rule_arn = rule_target(
        events,
        bus,
        ORDERS,
        {"Id": "t", "Arn": gone.arn, "DeadLetterConfig": {"Arn": dlq.arn}},
    )
    sqs.delete_queue(QueueUrl=gone.url)
    # WHEN an event matches
    event_id = put(events, bus)
    # THEN the event lands in the DLQ, with why (a missing target is not retried)
    (message,) = receive(sqs, dlq.url)
    assert json.loads(message["Body"])["id"] == event_id
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert attributes["RULE_ARN"] == rule_arn
    assert attributes["TARGET_ARN"] == gone.arn
    assert attributes["ERROR_CODE"]
    assert attributes["ERROR_MESSAGE"]


HANDLER = """
import json, os
import boto3

def handler(event, context):
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=os.environ["OUT_QUEUE"], MessageBody=json.dumps(event))
    return {"ok": True}
"""


def test_lambda_target_is_invoked_with_the_event(
    localcloud: Any,
    events: Any,
    sqs: Any,
    make_bus: Callable[..., str],
    make_queue: Callable[..., Queue],
) -> None:
    iam, lam = localcloud.client("iam"), localcloud.client("lambda")
    bus, out = make_bus(), make_queue("it-fn-out")
    role = iam.create_role(
        RoleName=unique("it-role"),
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                    }
                ],
            }
        ),
    )["Role"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", HANDLER)
    name = unique("it-fn")
    function = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": archive.getvalue()},
        Timeout=10,
        Environment={"Variables": {"OUT_QUEUE": out.url}},
    )
    try:
        rule_target(events, bus, ORDERS, {"Id": "fn", "Arn": function["FunctionArn"]})
        event_id = put(events, bus)
        event = json.loads(receive(sqs, out.url, timeout=30)[0]["Body"])
        assert (event["id"], event["detail"]) == (event_id, DETAIL)
    finally:
        lam.delete_function(FunctionName=name)
        iam.delete_role(RoleName=role["RoleName"])


def test_a_log_group_target_receives_each_event_in_a_stream_of_its_own(
    localcloud: Any, events: Any, make_bus: Callable[..., str]
) -> None:
    # GIVEN a rule whose target is a CloudWatch Logs log group
    logs = localcloud.client("logs")
    bus, group = make_bus(), f"/aws/events/{unique('it-group')}"
    logs.create_log_group(logGroupName=group)
    arn = f"arn:aws:logs:{localcloud.region}:{localcloud.account}:log-group:{group}"
    rule_target(events, bus, ORDERS, {"Id": "logs", "Arn": arn})

    # WHEN two events are put
    first, second = put(events, bus, {"n": 1}), put(events, bus, {"n": 2})

    # THEN the group holds both, whole, by the time PutEvents returns, one stream each
    logged = logs.filter_log_events(logGroupName=group)["events"]
    bodies = sorted((json.loads(e["message"]) for e in logged), key=lambda e: e["detail"]["n"])
    assert [(b["id"], b["detail"]) for b in bodies] == [(first, {"n": 1}), (second, {"n": 2})]
    assert len({e["logStreamName"] for e in logged}) == 2


def test_a_missing_log_group_is_a_delivery_failure_not_a_new_group(
    localcloud: Any,
    events: Any,
    sqs: Any,
    make_bus: Callable[..., str],
    make_queue: Callable[..., Queue],
) -> None:
    logs = localcloud.client("logs")
    bus, dlq, group = make_bus(), make_queue(), unique("it-no-group")
    arn = f"arn:aws:logs:{localcloud.region}:{localcloud.account}:log-group:{group}"
    rule_target(
        events, bus, ORDERS, {"Id": "logs", "Arn": arn, "DeadLetterConfig": {"Arn": dlq.arn}}
    )

    event_id = put(events, bus)

    assert json.loads(receive(sqs, dlq.url)[0]["Body"])["id"] == event_id
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []
