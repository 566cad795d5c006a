"""tests/localstack/template.yaml deployed to a real LocalStack with `--target localstack`.

One stack per module, in order: the first deploy, each resource checked through describe and list
calls, a redeploy that changes nothing, messages flowing SNS -> SQS (filter policy, raw delivery)
and EventBridge -> SQS (input transformer, FIFO target), an update in place, a removal, and the
deletion of the whole stack.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from localstack_support import TEMPLATE, Stack, body, outputs_of, receive, run_deploy

from localcloud.deploy import load_stack_state

pytestmark = pytest.mark.localstack

Aws = Callable[[str], Any]

EVERY_RESOURCE = {
    "DeadLetterQueue",
    "WorkQueue",
    "OrderedQueue",
    "EventsQueue",
    "AuditQueue",
    "QueuePolicy",
    "Topic",
    "QueueSubscription",
    "Bus",
    "Rule",
    "Bucket",
    "EventsRole",
}
UPDATE = ("--param", "FilterColour=blue", "--param", "PatternSource=app.orders")
QUIET_SECONDS = 2.0  # how long a queue must stay empty to count as "nothing more was delivered"


def _queue_attributes(aws: Aws, url: str) -> dict[str, str]:
    response = aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    return dict(response["Attributes"])


def _subscription(aws: Aws, stack: Stack) -> dict[str, str]:
    subs = aws("sns").list_subscriptions_by_topic(TopicArn=stack.outputs["TopicArn"])
    assert len(subs["Subscriptions"]) == 1, subs["Subscriptions"]
    arn = subs["Subscriptions"][0]["SubscriptionArn"]
    return dict(aws("sns").get_subscription_attributes(SubscriptionArn=arn)["Attributes"])


def _rule(aws: Aws, stack: Stack) -> dict[str, Any]:
    rules = aws("events").list_rules(EventBusName=stack.outputs["BusName"])["Rules"]
    assert [r["Arn"] for r in rules] == [stack.outputs["RuleArn"]]
    return dict(rules[0])


def _publish(aws: Aws, stack: Stack, colour: str | None) -> str:
    text = f"hello {colour} {uuid.uuid4().hex[:6]}"
    attributes = {"colour": {"DataType": "String", "StringValue": colour}} if colour else {}
    aws("sns").publish(
        TopicArn=stack.outputs["TopicArn"], Message=text, MessageAttributes=attributes
    )
    return text


def _put_event(aws: Aws, stack: Stack, source: str, user: str) -> None:
    response = aws("events").put_events(
        Entries=[
            {
                "EventBusName": stack.outputs["BusName"],
                "Source": source,
                "DetailType": "UserCreated",
                "Detail": json.dumps({"id": user, "email": f"{user}@example.com"}),
            }
        ]
    )
    assert response["FailedEntryCount"] == 0, response


def _gone(call: Callable[[], Any], *codes: str) -> bool:
    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"] in codes
    return False


# -- the first deploy and each resource ------------------------------------------------------------
def test_the_first_deploy_creates_every_resource(stack: Stack) -> None:
    assert set(stack.first.changes["created"]) == EVERY_RESOURCE
    assert not stack.first.changes["updated"] and not stack.first.changes["removed"]
    assert {"WorkQueueUrl", "TopicArn", "BusName", "BucketName", "RoleArn"} <= set(stack.outputs)


def test_the_queues_have_their_redrive_fifo_and_policy_settings(stack: Stack, aws: Aws) -> None:
    dlq = _queue_attributes(aws, stack.outputs["DeadLetterQueueUrl"])
    assert dlq["MessageRetentionPeriod"] == "1209600"
    assert dlq["QueueArn"] == stack.outputs["DeadLetterQueueArn"]

    work = _queue_attributes(aws, stack.outputs["WorkQueueUrl"])
    assert work["VisibilityTimeout"] == "45"
    redrive = json.loads(work["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == stack.outputs["DeadLetterQueueArn"]
    assert int(redrive["maxReceiveCount"]) == 3
    statement = json.loads(work["Policy"])["Statement"][0]
    assert statement["Action"] == "sqs:SendMessage"
    assert set(statement["Principal"]["Service"]) == {"sns.amazonaws.com", "events.amazonaws.com"}

    assert stack.outputs["OrderedQueueUrl"].endswith(".fifo")
    ordered = _queue_attributes(aws, stack.outputs["OrderedQueueUrl"])
    assert ordered["FifoQueue"] == "true" and ordered["ContentBasedDeduplication"] == "true"

    listed = aws("sqs").list_queues(MaxResults=1000).get("QueueUrls", [])
    for output in ("DeadLetterQueueUrl", "WorkQueueUrl", "OrderedQueueUrl", "EventsQueueUrl"):
        assert stack.outputs[output] in listed
    assert stack.outputs["AuditQueueUrl"] in listed


def test_the_topic_has_a_raw_filtered_sqs_subscription(stack: Stack, aws: Aws) -> None:
    topics = [t["TopicArn"] for t in aws("sns").list_topics()["Topics"]]
    assert stack.outputs["TopicArn"] in topics
    topic = aws("sns").get_topic_attributes(TopicArn=stack.outputs["TopicArn"])["Attributes"]
    assert topic["DisplayName"] == "localstack check"

    sub = _subscription(aws, stack)
    work_arn = _queue_attributes(aws, stack.outputs["WorkQueueUrl"])["QueueArn"]
    assert sub["Protocol"] == "sqs" and sub["Endpoint"] == work_arn
    assert sub["RawMessageDelivery"] == "true"
    assert sub["FilterPolicyScope"] == "MessageAttributes"
    assert json.loads(sub["FilterPolicy"]) == {"colour": ["red"]}


def test_the_bus_has_a_rule_with_a_transformed_and_a_fifo_target(stack: Stack, aws: Aws) -> None:
    events = aws("events")
    bus = events.describe_event_bus(Name=stack.outputs["BusName"])
    assert bus["Name"] == stack.outputs["BusName"] == f"{stack.name}-bus"

    rule = _rule(aws, stack)
    assert rule["State"] == "ENABLED"
    assert json.loads(rule["EventPattern"]) == {
        "source": ["app.users"],
        "detail-type": ["UserCreated"],
    }
    targets = {
        t["Id"]: t
        for t in events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus["Name"])["Targets"]
    }
    assert set(targets) == {"transformed", "ordered"}
    assert targets["transformed"]["Arn"] == stack.outputs["EventsQueueArn"]
    transformer = targets["transformed"]["InputTransformer"]
    assert transformer["InputPathsMap"] == {"user": "$.detail.id", "kind": "$.detail-type"}
    assert transformer["InputTemplate"] == (
        '{"user": <user>, "kind": <kind>, "via": "eventbridge"}'
    )
    assert targets["ordered"]["SqsParameters"] == {"MessageGroupId": "users"}


def test_the_bucket_is_versioned_and_tagged(stack: Stack, aws: Aws) -> None:
    s3 = aws("s3")
    name = stack.outputs["BucketName"]
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}
    assert tags["purpose"] == "localstack-check"


def test_the_role_trusts_eventbridge_and_may_send_to_the_queues(stack: Stack, aws: Aws) -> None:
    iam = aws("iam")
    role = iam.get_role(RoleName=stack.outputs["RoleName"])["Role"]
    assert role["Arn"] == stack.outputs["RoleArn"]
    trust = role["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}
    assert iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"] == ["send-to-queues"]
    policy = iam.get_role_policy(RoleName=role["RoleName"], PolicyName="send-to-queues")
    statement = policy["PolicyDocument"]["Statement"][0]
    assert statement["Action"] == "sqs:SendMessage"
    assert stack.outputs["EventsQueueArn"] in statement["Resource"]


# -- redeploy --------------------------------------------------------------------------------------
def test_a_redeploy_reports_no_changes(stack: Stack) -> None:
    again = run_deploy(stack.name, "--template", str(TEMPLATE))
    assert again.no_changes, again.stdout
    assert outputs_of(again) == stack.outputs


# -- messages flow ---------------------------------------------------------------------------------
def test_sns_delivers_only_matching_messages_raw_to_sqs(stack: Stack, aws: Aws) -> None:
    red = _publish(aws, stack, "red")
    _publish(aws, stack, "blue")
    _publish(aws, stack, None)

    got = receive(aws("sqs"), stack.outputs["WorkQueueUrl"], count=3, timeout=QUIET_SECONDS)

    assert [m["Body"] for m in got] == [red]  # raw: the message itself, not an SNS envelope
    assert got[0]["MessageAttributes"]["colour"]["StringValue"] == "red"


def test_eventbridge_delivers_transformed_events_and_fifo_copies(stack: Stack, aws: Aws) -> None:
    _put_event(aws, stack, "app.users", "u-1")
    _put_event(aws, stack, "app.orders", "u-2")  # no match

    transformed = receive(
        aws("sqs"), stack.outputs["EventsQueueUrl"], count=2, timeout=QUIET_SECONDS
    )
    ordered = receive(aws("sqs"), stack.outputs["OrderedQueueUrl"], count=2, timeout=QUIET_SECONDS)

    assert [body(m) for m in transformed] == [
        {"user": "u-1", "kind": "UserCreated", "via": "eventbridge"}
    ]
    assert len(ordered) == 1
    assert body(ordered[0])["detail"] == {"id": "u-1", "email": "u-1@example.com"}
    assert ordered[0]["Attributes"]["MessageGroupId"] == "users"


# -- update, removal, deletion ---------------------------------------------------------------------
def test_an_update_changes_the_filter_policy_and_the_pattern_in_place(
    stack: Stack, aws: Aws
) -> None:
    before_sub = _subscription(aws, stack)["SubscriptionArn"]
    before_rule = _rule(aws, stack)["Name"]

    update = run_deploy(stack.name, "--template", str(TEMPLATE), *UPDATE)

    assert set(update.changes["updated"]) == {"QueueSubscription", "Rule"}, update.stdout
    assert not update.changes["created"] and not update.changes["removed"]
    sub = _subscription(aws, stack)
    assert sub["SubscriptionArn"] == before_sub
    assert json.loads(sub["FilterPolicy"]) == {"colour": ["blue"]}
    rule = _rule(aws, stack)
    assert rule["Name"] == before_rule
    assert json.loads(rule["EventPattern"])["source"] == ["app.orders"]

    _publish(aws, stack, "red")
    blue = _publish(aws, stack, "blue")
    _put_event(aws, stack, "app.users", "u-3")
    _put_event(aws, stack, "app.orders", "u-4")
    got = receive(aws("sqs"), stack.outputs["WorkQueueUrl"], count=2, timeout=QUIET_SECONDS)
    events = receive(aws("sqs"), stack.outputs["EventsQueueUrl"], count=2, timeout=QUIET_SECONDS)
    assert [m["Body"] for m in got] == [blue]
    assert [body(m)["user"] for m in events] == ["u-4"]
    ordered = receive(aws("sqs"), stack.outputs["OrderedQueueUrl"], count=2, timeout=QUIET_SECONDS)
    assert [body(m)["detail"]["id"] for m in ordered] == ["u-4"]


def test_a_resource_no_longer_declared_is_deleted(stack: Stack, aws: Aws) -> None:
    audit_url = stack.outputs["AuditQueueUrl"]

    removal = run_deploy(
        stack.name, "--template", str(TEMPLATE), *UPDATE, "--param", "WithAudit=no"
    )

    assert removal.changes == {"created": [], "updated": [], "removed": ["AuditQueue"]}
    assert "AuditQueueUrl" not in outputs_of(removal)
    assert _gone(
        lambda: _queue_attributes(aws, audit_url),
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
    )


def test_deleting_the_stack_removes_every_resource_and_its_state(
    stack: Stack, aws: Aws, endpoint_url: str
) -> None:
    deletion = run_deploy(stack.name, "--delete")

    assert set(deletion.changes["removed"]) == EVERY_RESOURCE - {"AuditQueue"}
    out = stack.outputs
    for url in (out["WorkQueueUrl"], out["OrderedQueueUrl"], out["DeadLetterQueueUrl"]):
        assert _gone(
            lambda url=url: _queue_attributes(aws, url),
            "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist",
        )
    assert out["TopicArn"] not in [t["TopicArn"] for t in aws("sns").list_topics()["Topics"]]
    assert _gone(
        lambda: aws("events").describe_event_bus(Name=out["BusName"]), "ResourceNotFoundException"
    )
    assert _gone(lambda: aws("s3").head_bucket(Bucket=out["BucketName"]), "404", "NoSuchBucket")
    assert _gone(lambda: aws("iam").get_role(RoleName=out["RoleName"]), "NoSuchEntity")
    assert load_stack_state(endpoint_url, stack.name) is None
