"""The moto surface the local cloud relies on, checked in one place.

A moto upgrade that renames, moves or re-signs anything the patches replace or call fails here,
with the precise list, instead of somewhere in the integration tests. Update the lists below
only together with the code that relies on them (emulator/moto_patches/, sqs_queues.py,
fastpath.py, backends.py, views.py).
"""

from __future__ import annotations

import inspect
from importlib.metadata import version
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.sqs import models as sqs_models
from moto.sqs.models import SQSBackend

from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.emulator import backends
from localcloud.emulator.moto_patches import MotoPatches
from localcloud.emulator.patching import Patch

PINNED_MOTO = "5.2.5"


class NoHooks:
    """Hooks that are never called: the patches are built, not applied."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"hook {name} called while building patches")


def all_patches() -> list[Patch]:
    return MotoPatches(NoHooks()).patches  # type: ignore[arg-type]


# Every patched target, by label: what the local cloud replaces inside moto.
PATCHED = {
    "moto.awslambda.models.LambdaBackend.create_event_source_mapping",
    "moto.awslambda.models.LambdaBackend.update_event_source_mapping",
    "moto.awslambda.models.LambdaBackend.delete_event_source_mapping",
    "moto.awslambda.models.LambdaBackend.create_function",
    "moto.awslambda.models.LambdaFunction.update_configuration",
    "moto.awslambda.models.LambdaFunction.get_configuration",
    "moto.events.models.EventPattern.load",
    "moto.events.models.Replay.replay_events",
    "moto.sns.models.FilterPolicyMatcher",
    "moto.sns.models.SNSBackend._validate_filter_policy",
    "moto.sns.models.Subscription.publish",
    "moto.sqs.models.Message.__new__",
    "moto.sqs.models.Queue._messages",
    "moto.sqs.models.Queue.messages",
    "moto.sqs.models.Queue.add_message",
    "moto.sqs.models.Queue.delete_message",
    "moto.sqs.models.Queue.wait_for_messages",
    "moto.sqs.models.Queue.approximate_number_of_messages",
    "moto.sqs.models.Queue.approximate_number_of_messages_not_visible",
    "moto.sqs.models.Queue.approximate_number_of_messages_delayed",
    "moto.sqs.models.SQSBackend.receive_message",
    "moto.sqs.models.SQSBackend.change_message_visibility",
    "moto.sqs.models.SQSBackend.send_message",
    "moto.backends.list_of_moto_modules",
    "moto.core.base_backend.BackendDict.__getitem__",
    "moto.core.base_backend.AccountSpecificBackend.__getitem__",
    "moto.dynamodb.models.dynamo_type.Item.__init__",
    "moto.core.utils.camelcase_to_underscores",
    "moto.core.responses.camelcase_to_underscores",
    "moto.sqs.models.camelcase_to_underscores",
    "moto.sns.models.camelcase_to_underscores",
    "moto.sns.responses.camelcase_to_underscores",
    "moto.sqs.models.unix_time",
    "moto.sqs.models.unix_time_millis",
    "moto.sqs.models.generate_receipt_handle",
    "moto.moto_server.werkzeug_app.DISABLE_GLOBAL_CORS",
    "moto.iam.models.get_account_id_from",
    "moto.iam.models.mark_account_as_visited",
    "moto.iam.models.IAMBackend._init_aws_policies",
    "moto.iam.models.IAMBackend._init_managed_policies",
    "moto.dynamodb.models.table.StreamShard.add",
    "moto.dynamodb.models.DynamoDBBackend.transact_write_items",
    "moto.dynamodb.models.table.Table.set_stream_specification",
    "moto.dynamodbstreams.models.DynamoDBStreamsBackend.get_shard_iterator",
    "moto.dynamodbstreams.models.DynamoDBStreamsBackend.get_records",
    "moto.events.models.EventsBackend.put_rule",
    "moto.events.models.EventsBackend.delete_rule",
    "moto.events.models.EventsBackend.enable_rule",
    "moto.events.models.EventsBackend.disable_rule",
    "moto.events.models.EventsBackend.delete_event_bus",
    "moto.scheduler.models.EventBridgeSchedulerBackend.create_schedule",
    "moto.scheduler.models.EventBridgeSchedulerBackend.update_schedule",
    "moto.scheduler.models.EventBridgeSchedulerBackend.delete_schedule",
    "moto.scheduler.models.EventBridgeSchedulerBackend.delete_schedule_group",
}

# The parameters of every moto callable the patches wrap or the emulator calls by keyword.
SIGNATURES: dict[str, tuple[Any, list[str]]] = {
    "LambdaBackend.create_event_source_mapping": (
        "moto.awslambda.models:LambdaBackend.create_event_source_mapping",
        ["self", "spec"],
    ),
    "LambdaBackend.update_event_source_mapping": (
        "moto.awslambda.models:LambdaBackend.update_event_source_mapping",
        ["self", "uuid", "spec"],
    ),
    "LambdaBackend.delete_event_source_mapping": (
        "moto.awslambda.models:LambdaBackend.delete_event_source_mapping",
        ["self", "uuid"],
    ),
    "LambdaBackend.create_function": (
        "moto.awslambda.models:LambdaBackend.create_function",
        ["self", "spec"],
    ),
    "LambdaFunction.update_configuration": (
        "moto.awslambda.models:LambdaFunction.update_configuration",
        ["self", "config_updates"],
    ),
    "Replay.replay_events": ("moto.events.models:Replay.replay_events", ["self", "archive"]),
    "EventPattern.__init__": (
        "moto.events.models:EventPattern.__init__",
        ["self", "raw_pattern", "pattern"],
    ),
    "Subscription.publish": (
        "moto.sns.models:Subscription.publish",
        [
            "self",
            "message",
            "message_id",
            "subject",
            "message_attributes",
            "group_id",
            "deduplication_id",
            "message_structure",
        ],
    ),
    "SNSBackend.publish": (
        "moto.sns.models:SNSBackend.publish",
        [
            "self",
            "message",
            "arn",
            "phone_number",
            "subject",
            "message_attributes",
            "group_id",
            "deduplication_id",
            "message_structure",
        ],
    ),
    "SNSBackend.publish_batch": (
        "moto.sns.models:SNSBackend.publish_batch",
        ["self", "topic_arn", "publish_batch_request_entries"],
    ),
    "SNSResponse._transform_message_attributes": (
        "moto.sns.responses:SNSResponse._transform_message_attributes",
        ["self", "message_attributes"],
    ),
    "Item.__init__": (
        "moto.dynamodb.models.dynamo_type:Item.__init__",
        ["self", "hash_key", "range_key", "attrs"],
    ),
    "AccountSpecificBackend.__getitem__": (
        "moto.core.base_backend:AccountSpecificBackend.__getitem__",
        ["self", "region_name"],
    ),
    "BackendDict.__getitem__": (
        "moto.core.base_backend:BackendDict.__getitem__",
        ["self", "account_id"],
    ),
    "SNSBackend.set_subscription_attributes": (
        "moto.sns.models:SNSBackend.set_subscription_attributes",
        ["self", "arn", "name", "value"],
    ),
    "SNSBackend._validate_filter_policy": (
        "moto.sns.models:SNSBackend._validate_filter_policy",
        ["self", "value", "scope"],
    ),
    "SQSBackend.send_message": (
        "moto.sqs.models:SQSBackend.send_message",
        [
            "self",
            "queue_name",
            "message_body",
            "message_attributes",
            "delay_seconds",
            "deduplication_id",
            "group_id",
            "system_attributes",
            "validate_group_id",
        ],
    ),
    "SQSBackend.receive_message": (
        "moto.sqs.models:SQSBackend.receive_message",
        [
            "self",
            "queue_name",
            "count",
            "wait_seconds_timeout",
            "visibility_timeout",
            "message_attribute_names",
        ],
    ),
    "SQSBackend.change_message_visibility": (
        "moto.sqs.models:SQSBackend.change_message_visibility",
        ["self", "queue_name", "receipt_handle", "visibility_timeout"],
    ),
    "SQSBackend.delete_message": (
        "moto.sqs.models:SQSBackend.delete_message",
        ["self", "queue_name", "receipt_handle"],
    ),
    "SQSBackend.send_message_batch": (
        "moto.sqs.models:SQSBackend.send_message_batch",
        ["self", "queue_name", "entries"],
    ),
    "SQSBackend.delete_message_batch": (
        "moto.sqs.models:SQSBackend.delete_message_batch",
        ["self", "queue_name", "receipts"],
    ),
    "Queue.add_message": ("moto.sqs.models:Queue.add_message", ["self", "message"]),
    "Queue.delete_message": ("moto.sqs.models:Queue.delete_message", ["self", "receipt_handle"]),
    "Queue.wait_for_messages": ("moto.sqs.models:Queue.wait_for_messages", ["self", "timeout"]),
    "DynamoDBBackend.put_item": (
        "moto.dynamodb.models:DynamoDBBackend.put_item",
        [
            "self",
            "table_name",
            "item_attrs",
            "expected",
            "condition_expression",
            "expression_attribute_names",
            "expression_attribute_values",
            "overwrite",
            "return_values_on_condition_check_failure",
        ],
    ),
    "LambdaBackend.layers_versions_by_arn": (
        "moto.awslambda.models:LambdaBackend.layers_versions_by_arn",
        ["self", "layer_version_arn"],
    ),
    "LogsBackend.put_log_events": (
        "moto.logs.models:LogsBackend.put_log_events",
        ["self", "log_group_name", "log_stream_name", "log_events"],
    ),
    "Message.validate_attribute_name": (
        "moto.sqs.models:Message.validate_attribute_name",
        ["name"],
    ),
    "get_account_id_from": ("moto.iam.models:get_account_id_from", ["access_key"]),
    "mark_account_as_visited": (
        "moto.iam.models:mark_account_as_visited",
        ["account_id", "access_key", "service", "region"],
    ),
    "IAMBackend._init_aws_policies": (
        "moto.iam.models:IAMBackend._init_aws_policies",
        ["self"],
    ),
    "IAMBackend._init_managed_policies": (
        "moto.iam.models:IAMBackend._init_managed_policies",
        ["self"],
    ),
    "MotoAPIBackend.reset": ("moto.moto_api._internal.models:MotoAPIBackend.reset", ["self"]),
    "StreamShard.add": ("moto.dynamodb.models.table:StreamShard.add", ["self", "old", "new"]),
    "StreamRecord.__init__": (
        "moto.dynamodb.models.table:StreamRecord.__init__",
        ["self", "table", "stream_type", "event_name", "old", "new", "seq"],
    ),
    "Table.set_stream_specification": (
        "moto.dynamodb.models.table:Table.set_stream_specification",
        ["self", "streams"],
    ),
    "DynamoDBStreamsBackend.get_shard_iterator": (
        "moto.dynamodbstreams.models:DynamoDBStreamsBackend.get_shard_iterator",
        ["self", "arn", "shard_id", "shard_iterator_type", "sequence_number"],
    ),
    "DynamoDBStreamsBackend.get_records": (
        "moto.dynamodbstreams.models:DynamoDBStreamsBackend.get_records",
        ["self", "iterator_arn", "limit"],
    ),
    "DynamoDBBackend.transact_write_items": (
        "moto.dynamodb.models:DynamoDBBackend.transact_write_items",
        ["self", "transact_items"],
    ),
}

# moto's private names the emulator reads or calls.
PRIVATE_NAMES = [
    ("moto.sqs.models", "_filter_message_attributes"),
    ("moto.sns.models:Subscription", "_parse_message_structure"),
    ("moto.sns.responses:SNSResponse", "_get_attributes"),
    ("moto.sns.responses:SNSResponse", "_transform_message_attributes"),
    ("moto.sns.models:SNSBackend", "_validate_filter_policy"),
    ("moto.dynamodbstreams.models:DynamoDBStreamsBackend", "_get_table_from_arn"),
]
# Set on every instance by moto's constructors (checked by making one).
INSTANCE_NAMES = {
    # the IAM patches copy AWS's managed policies per backend, replacing these containers
    "AWSManagedPolicy": ["tags", "versions", "attachment_count"],
    "Queue": ["_messages", "_messages_lock", "lambda_event_source_mappings", "fifo_queue"],
    "Subscription": ["_filter_policy_matcher", "attributes", "protocol", "endpoint", "arn"],
    # the stream patches and backends.read_stream read the table's shard and its records
    "Table": [
        "stream_shard",
        "latest_stream_label",
        "stream_specification",
        "region_name",
        "ttl",
    ],
    # backends.expire_items reads an item's TTL attribute and deletes it by its keys
    "Item": ["attrs", "hash_key", "range_key"],
    "StreamShard": ["items", "starting_sequence_number", "id", "table"],
    "StreamRecord": ["record"],
}


def resolve(path: str) -> Any:
    module_name, _, attribute = path.partition(":")
    target: Any = __import__(module_name, fromlist=["_"])
    for part in attribute.split(".") if attribute else []:
        target = getattr(target, part)
    return target


def test_moto_is_the_pinned_version() -> None:
    assert version("moto") == PINNED_MOTO, (
        f"moto {version('moto')} is installed; the surface below was checked for {PINNED_MOTO}. "
        "Re-check every list in this file against the new version, then update PINNED_MOTO "
        "and the pin in pyproject.toml together."
    )


def test_every_patch_target_exists_and_is_listed() -> None:
    patches = all_patches()
    labels = {p.label for p in patches}
    missing = sorted(
        p.label for p in patches if not p.shadows_instance and not hasattr(p.target, p.name)
    )
    assert missing == [], f"moto no longer has: {missing}"
    assert labels == PATCHED, (
        f"patched but not listed: {sorted(labels - PATCHED)}; "
        f"listed but not patched: {sorted(PATCHED - labels)}"
    )


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_every_signature_relied_on_keeps_its_parameter_names(name: str) -> None:
    path, expected = SIGNATURES[name]
    assert list(inspect.signature(resolve(path)).parameters) == expected


@pytest.mark.parametrize(("owner", "name"), PRIVATE_NAMES)
def test_every_private_name_used_exists(owner: str, name: str) -> None:
    assert hasattr(resolve(owner), name), f"{owner} has no {name} any more"


def test_moto_constructors_still_set_the_instance_attributes_relied_on() -> None:
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        sns = boto3.client("sns", region_name="us-east-1")
        url = sqs.create_queue(QueueName="surface")["QueueUrl"]
        topic = sns.create_topic(Name="surface")["TopicArn"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn["QueueArn"])[
            "SubscriptionArn"
        ]
        queue = backends.sqs_backend("us-east-1").get_queue("surface")
        held = backends.sns_backend("us-east-1").subscriptions[subscription]
        for instance, names in (
            (queue, INSTANCE_NAMES["Queue"]),
            (held, INSTANCE_NAMES["Subscription"]),
        ):
            absent = [n for n in names if not hasattr(instance, n)]
            assert absent == [], f"{type(instance).__name__} instances lack {absent}"
        # The store replaces the list moto's constructor sets on the instance.
        assert isinstance(vars(queue)["_messages"], list)


def test_aws_managed_policies_hold_the_attributes_the_copies_replace() -> None:
    from moto.iam.models import AWSManagedPolicy

    data = {
        "DefaultVersionId": "v1",
        "Path": "/",
        "Document": {"Version": "2012-10-17", "Statement": []},
        "CreateDate": "2020-01-01T00:00:00+00:00",
        "UpdateDate": "2020-01-01T00:00:00+00:00",
    }
    policy = AWSManagedPolicy.from_data("Surface", DEFAULT_ACCOUNT, "aws", data)

    absent = [n for n in INSTANCE_NAMES["AWSManagedPolicy"] if n not in vars(policy)]
    assert absent == [], f"AWSManagedPolicy instances lack {absent}"


def test_the_local_account_is_motos_default_account() -> None:
    assert backends.ACCOUNT_ID == DEFAULT_ACCOUNT


def test_the_classes_the_direct_paths_use_are_there() -> None:
    assert callable(DynamoDBBackend.get_table)
    assert callable(SQSBackend.get_queue)
    assert sqs_models.Message.__name__ == "Message"


def test_stream_shards_and_records_hold_what_the_stream_source_reads() -> None:
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName="surface",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        ddb.put_item(TableName="surface", Item={"pk": {"S": "k"}})
        table = DynamoDBBackend.get_table(
            dynamodb_backends[DEFAULT_ACCOUNT]["us-east-1"], "surface"
        )
        shard = table.stream_shard
        for instance, kind in (
            (table, "Table"),
            (shard, "StreamShard"),
            (shard.items[0], "StreamRecord"),
            (table.all_items()[0], "Item"),
        ):
            absent = [n for n in INSTANCE_NAMES[kind] if not hasattr(instance, n)]
            assert absent == [], f"{kind} instances lack {absent}"
        record = shard.items[0].record
        assert {"eventID", "eventName", "dynamodb"} <= set(record)
        assert {"Keys", "SequenceNumber", "StreamViewType", "NewImage"} <= set(record["dynamodb"])


def test_moto_rules_and_schedules_still_hold_what_the_schedule_views_read() -> None:
    """views.ScheduledRuleView and ScheduleView read these attributes (backends.py the maps)."""
    with mock_aws():
        events = boto3.client("events", region_name="us-east-1")
        scheduler = boto3.client("scheduler", region_name="us-east-1")
        events.put_rule(Name="tick", ScheduleExpression="rate(5 minutes)", State="DISABLED")
        events.put_targets(Rule="tick", Targets=[{"Id": "t", "Arn": "arn:aws:sqs:us-east-1:1:q"}])
        scheduler.create_schedule(
            Name="daily",
            ScheduleExpression="cron(0 9 * * ? *)",
            ScheduleExpressionTimezone="Europe/Paris",
            FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5},
            Target={"Arn": "arn:aws:sqs:us-east-1:1:q", "RoleArn": "arn:aws:iam::1:role/r"},
            ActionAfterCompletion="NONE",
        )
        (rule,) = backends.scheduled_rules()
        assert (rule.name, rule.bus, rule.expression, rule.enabled) == (
            "tick",
            "default",
            "rate(5 minutes)",
            False,
        )
        assert rule.targets[0]["Id"] == "t"
        (schedule,) = backends.schedules()
        assert (schedule.group, schedule.timezone, schedule.enabled) == (
            "default",
            "Europe/Paris",
            True,
        )
        assert schedule.flexible_window == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5}
        assert schedule.action_after_completion == "NONE"
        assert backends.schedule("us-east-1", DEFAULT_ACCOUNT, "default", "daily") == schedule
        backends.delete_schedule("us-east-1", DEFAULT_ACCOUNT, "default", "daily")
        assert backends.schedules() == []
