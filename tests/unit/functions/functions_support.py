"""Helpers for the user service's unit tests: sample events, a Lambda context, moto resources."""

from __future__ import annotations

import importlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import yaml

ROOT = Path(__file__).resolve().parents[3]
EVENTS = ROOT / "events"

SOURCES = ("users.service", "users.importer", "users.screening")

# Modules whose functools.cache'd wiring must not leak from one test (and moto account) to the next.
WIRED_MODULES = (
    "users_api.app",
    "welcome_email.app",
    "user_directory.app",
    "audit_log.app",
    "signup_stats.app",
    "screening.app",
    "outbox_relay.app",
    "signup_report.app",
)


def load_event(folder: str, case: str) -> dict[str, Any]:
    """The sample event ``events/<folder>/<case>.json``."""
    loaded: dict[str, Any] = json.loads((EVENTS / folder / f"{case}.json").read_text())
    return loaded


def forget_cached_wiring() -> None:
    """Drop every cached boto3 client and every handler's cached service object."""
    from shared import clients

    clients.reset()
    for name in WIRED_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if callable(value) and hasattr(value, "cache_clear"):
                value.cache_clear()


@dataclass
class FakeLambdaContext:
    """The attributes of the Python runtime's context object that Powertools reads."""

    function_name: str = "users-unit-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:users-unit-test"
    log_group_name: str = "/aws/lambda/users-unit-test"
    log_stream_name: str = "2026/11/30/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        """Time left in this invocation."""
        return 10_000


def unique(prefix: str) -> str:
    """A resource name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class AwsResources:
    """Factories for the resources of infra/template.yaml, inside a moto account."""

    def __init__(self) -> None:
        self.dynamodb = boto3.client("dynamodb")
        self.sqs = boto3.client("sqs")
        self.sns = boto3.client("sns")
        self.events = boto3.client("events")
        self.s3 = boto3.client("s3")
        self.ses = boto3.client("ses")

    def table(self, key: str) -> str:
        """A pay-per-request table with string hash key ``key``; returns its name."""
        name = unique("table")
        self.dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        return name

    def outbox_table(self) -> str:
        """A table shaped like OutboxTable (pk, version; stream NEW_IMAGE); returns its name."""
        name = unique("outbox")
        self.dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "version", "AttributeType": "N"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "version", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        return name

    def stream_event(self, table: str) -> dict[str, Any]:
        """The table's stream records, read from moto's shard, as Lambda's event.

        (moto's mock of the DynamoDB Streams API does not answer this botocore's requests.)
        """
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        region = self.dynamodb.meta.region_name
        description = self.dynamodb.describe_table(TableName=table)["Table"]
        shard = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].get_table(table).stream_shard
        records = []
        for item in shard.items:
            record = json.loads(json.dumps(item.to_json(), default=lambda t: t.timestamp()))
            record["eventSourceARN"] = description["LatestStreamArn"]
            records.append(record)
        return {"Records": records}

    def queue(self) -> tuple[str, str]:
        """A standard queue; returns its URL and ARN."""
        url = self.sqs.create_queue(QueueName=unique("queue"))["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    def drain(self, url: str) -> list[dict[str, Any]]:
        """Every message now in the queue at ``url``, with its attributes."""
        messages: list[Any] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
            ).get("Messages", [])
            if not batch:
                return messages
            messages.extend(batch)

    def topic_with_queue(self) -> tuple[str, str]:
        """A topic with one raw-delivery queue subscribed; returns topic ARN and queue URL."""
        topic_arn = self.sns.create_topic(Name=unique("topic"))["TopicArn"]
        url, arn = self.queue()
        self.sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"RawMessageDelivery": "true"},
        )
        return topic_arn, url

    def bus_with_queue(self, name: str = "users") -> str:
        """Bus ``name`` with a rule sending every event to a queue; returns the queue URL."""
        self.events.create_event_bus(Name=name)
        url, arn = self.queue()
        rule = unique("rule")
        self.events.put_rule(
            Name=rule, EventBusName=name, EventPattern=json.dumps({"source": list(SOURCES)})
        )
        self.events.put_targets(Rule=rule, EventBusName=name, Targets=[{"Id": "q", "Arn": arn}])
        return url

    def bus_events(self, url: str) -> list[dict[str, Any]]:
        """The EventBridge events a ``bus_with_queue`` queue received."""
        return [json.loads(message["Body"]) for message in self.drain(url)]

    def bucket(self) -> str:
        """A bucket; returns its name."""
        name = unique("bucket")
        self.s3.create_bucket(Bucket=name)
        return name

    def sender(self, address: str = "welcome@example.com") -> str:
        """A verified SES sender identity."""
        self.ses.verify_email_identity(EmailAddress=address)
        return address

    def emails_sent(self) -> int:
        """How many e-mails SES accepted in this account."""
        return int(self.ses.get_send_quota()["SentLast24Hours"])


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !GetAtt, ...) as plain values."""


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    assert isinstance(node, yaml.MappingNode)
    return loader.construct_mapping(node)


_CfnLoader.add_multi_constructor("!", _construct_tagged)


def template() -> dict[str, Any]:
    """infra/template.yaml as data, intrinsic tags reduced to their arguments."""
    loaded: dict[str, Any] = yaml.load(
        (ROOT / "infra" / "template.yaml").read_text(), Loader=_CfnLoader
    )
    return loaded
