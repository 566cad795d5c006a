"""The local cloud's own view of moto's objects: frozen dataclasses made at the seam.

The engine and the routing never read a moto object: what they need of a function, an event
source mapping, a queued message, an SNS subscription, an EventBridge rule or a replay is copied
here, once, into a typed value. A moto upgrade that renames an attribute breaks one ``from_moto``
function (and tests/unit/emulator/test_moto_surface.py says which), not the engine.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The tag the deployer puts on a function whose code is a local folder (run in place, no zip).
CODE_PATH_TAG = "localcloud:code-path"
# The tag naming the public layers (Powertools) a function uses, installed into its build.
PUBLIC_LAYERS_TAG = "localcloud:public-layers"


@dataclass(frozen=True)
class FunctionView:
    """A Lambda function's configuration and code, as an execution environment needs them."""

    name: str
    arn: str  # unqualified
    handler: str
    runtime: str | None
    timeout: float
    memory_size: int
    environment: Mapping[str, str]
    code_path_tag: str | None
    public_layers_tag: str | None
    code_zip: bytes
    code_digest: str | None
    layer_arns: tuple[str, ...]
    reserved_concurrency: int | None
    region: str
    account_id: str
    event_invoke_config: Mapping[str, Any]
    dead_letter_target: str | None
    # LoggingConfig as the API shows it: LogFormat, ApplicationLogLevel, SystemLogLevel, LogGroup.
    logging_config: Mapping[str, str] = field(default_factory=dict)
    # "$LATEST", or the number of the published version this view is (its code and
    # configuration are that version's own: published versions are immutable).
    version: str = "$LATEST"

    @classmethod
    def from_moto(cls, fn: Any) -> FunctionView:
        configs = getattr(fn, "event_invoke_config", None) or []
        dead_letter = getattr(fn, "localcloud_dead_letter_config", None) or {}
        logging_config = getattr(fn, "localcloud_logging_config", None) or {}
        return cls(
            name=fn.function_name,
            arn=":".join(fn.function_arn.split(":")[:7]),
            handler=fn.handler or "",
            runtime=fn.run_time or None,
            timeout=float(fn.timeout or 3),
            memory_size=int(fn.memory_size or 128),
            environment=dict(fn.environment_vars or {}),
            code_path_tag=(fn.tags or {}).get(CODE_PATH_TAG),
            public_layers_tag=(fn.tags or {}).get(PUBLIC_LAYERS_TAG),
            code_zip=getattr(fn, "code_bytes", b"") or b"",
            code_digest=getattr(fn, "code_digest", None),
            layer_arns=tuple(layer["Arn"] for layer in getattr(fn, "layers", None) or []),
            reserved_concurrency=(
                int(fn.reserved_concurrency) if fn.reserved_concurrency is not None else None
            ),
            region=fn.region,
            account_id=fn.account_id,
            event_invoke_config=dict(configs[0].config) if configs else {},
            dead_letter_target=dead_letter.get("TargetArn") or None,
            logging_config=dict(logging_config),
            version=str(getattr(fn, "version", None) or "$LATEST"),
        )


@dataclass(frozen=True)
class AliasView:
    """A Lambda alias: the version it points at and the share of invocations another one gets."""

    name: str
    function_version: str
    # AdditionalVersionWeights: {version: weight 0.0-1.0}; empty when the alias has one version.
    weights: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_moto(cls, alias: Any) -> AliasView:
        routing = getattr(alias, "routing_config", None) or {}
        weights = routing.get("AdditionalVersionWeights") or {}
        return cls(
            name=alias.name,
            function_version=str(alias.function_version),
            weights={str(version): float(weight) for version, weight in weights.items()},
        )


@dataclass(frozen=True)
class MappingView:
    """An event source mapping's settings."""

    uuid: str
    source_arn: str
    function_arn: str
    enabled: bool
    batch_size: int
    batching_window_s: float
    report_batch_item_failures: bool
    filter_patterns: tuple[str, ...]
    maximum_concurrency: int | None
    # Stream sources (DynamoDB Streams) only; -1 means no limit, as Lambda has it.
    starting_position: str | None = None
    bisect_on_error: bool = False
    maximum_retry_attempts: int = -1
    maximum_record_age_s: int = -1
    on_failure_arn: str | None = None
    # Where a stream mapping has read to (backends.checkpoint_mapping), kept with the state.
    position: int | None = None

    @property
    def source_service(self) -> str:
        return self.source_arn.split(":", 3)[2] if self.source_arn.count(":") >= 3 else ""

    @classmethod
    def from_moto(cls, esm: Any) -> MappingView:
        filters = (esm.filter_criteria or {}).get("Filters") or []
        maximum = (esm.scaling_config or {}).get("MaximumConcurrency")
        return cls(
            uuid=esm.uuid,
            source_arn=esm.event_source_arn,
            function_arn=esm.function_arn,
            enabled=bool(esm.enabled),
            batch_size=int(esm.batch_size or 10),
            batching_window_s=float(esm.max_batch_window or 0),
            report_batch_item_failures=(
                "ReportBatchItemFailures" in (esm.function_response_types or [])
            ),
            filter_patterns=tuple(str(f.get("Pattern", "")) for f in filters),
            maximum_concurrency=int(maximum) if maximum else None,
            starting_position=esm.starting_position or None,
            bisect_on_error=bool(esm.bisect_on_error),
            maximum_retry_attempts=_limit(esm.max_retry_attempts),
            maximum_record_age_s=_limit(esm.max_record_age),
            on_failure_arn=((esm.destination_config or {}).get("OnFailure") or {}).get(
                "Destination"
            )
            or None,
            position=getattr(esm, "localcloud_position", None),
        )


def _limit(value: Any) -> int:
    """A mapping's retry or age limit: -1 (none) when unset."""
    return -1 if value is None or value == "" else int(value)


@dataclass(frozen=True)
class StreamRecordView:
    """One DynamoDB stream record as the table wrote it, with the trace of the write."""

    sequence_number: int
    event_id: str
    event_name: str  # INSERT, MODIFY or REMOVE
    view_type: str
    keys: Mapping[str, Any]
    new_image: Mapping[str, Any] | None
    old_image: Mapping[str, Any] | None
    size_bytes: int
    created: float  # epoch seconds, when the write happened
    trace_header: str | None = None
    user_identity: Mapping[str, str] | None = None

    @classmethod
    def from_moto(cls, record: Any) -> StreamRecordView:
        data = record.record
        change = data["dynamodb"]
        created = getattr(record, "localcloud_written", None)
        if created is None:
            stamp = change.get("ApproximateCreationDateTime")
            created = stamp.timestamp() if isinstance(stamp, datetime) else float(stamp or 0)
        return cls(
            sequence_number=int(change["SequenceNumber"]),
            event_id=str(data["eventID"]),
            event_name=str(data["eventName"]),
            view_type=str(change["StreamViewType"]),
            keys=dict(change["Keys"]),
            new_image=change.get("NewImage"),
            old_image=change.get("OldImage"),
            size_bytes=int(change.get("SizeBytes") or 0),
            created=float(created),
            trace_header=getattr(record, "localcloud_trace", None),
            user_identity=_lambda_identity(data.get("userIdentity")),
        )


def _lambda_identity(identity: Mapping[str, str] | None) -> dict[str, str] | None:
    """A record's userIdentity as Lambda's event spells it (the streams API capitalizes)."""
    if not identity:
        return None
    return {"type": identity["Type"], "principalId": identity["PrincipalId"]}


@dataclass(frozen=True)
class StreamRead:
    """Records read from a stream's shard, from a position on."""

    shard_id: str
    records: tuple[StreamRecordView, ...]
    # The position after the last record of the shard (where LATEST starts).
    end: int


@dataclass(frozen=True)
class QueuedMessage:
    """One SQS message as received: the body, its ids and every attribute Lambda's record shows."""

    id: str
    receipt_handle: str
    body: str
    body_md5: str
    attributes_md5: str | None
    sent_timestamp: int
    first_receive_timestamp: int | None
    receive_count: int
    sender_id: str
    group_id: str | None
    deduplication_id: str | None
    sequence_number: str | None
    trace_header: str | None
    # name -> {"DataType", "StringValue" | "BinaryValue" (base64 text)}
    message_attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_moto(cls, message: Any) -> QueuedMessage:
        header = (message.system_attributes or {}).get("AWSTraceHeader")
        if isinstance(header, dict):
            header = header.get("StringValue")
        attributes: dict[str, dict[str, str]] = {}
        for name, value in (message.message_attributes or {}).items():
            item = {"DataType": str(value.get("DataType", "String"))}
            if "StringValue" in value:
                item["StringValue"] = str(value["StringValue"])
            if "BinaryValue" in value:
                binary = value["BinaryValue"]
                item["BinaryValue"] = (
                    binary if isinstance(binary, str) else base64.b64encode(binary).decode()
                )
            attributes[name] = item
        first = message.approximate_first_receive_timestamp
        # Every field set at once: the frozen __init__ sets each through object.__setattr__
        # (2.2 of this method's 5.4 us; a receive makes up to ten).
        view = object.__new__(cls)
        view.__dict__.update(
            id=message.id,
            receipt_handle=message.receipt_handle,
            body=message.body,
            body_md5=message.body_md5,
            attributes_md5=message.attribute_md5 if attributes else None,
            sent_timestamp=int(message.sent_timestamp),
            first_receive_timestamp=int(first) if first is not None else None,
            receive_count=int(message.approximate_receive_count),
            sender_id=message.sender_id,
            group_id=message.group_id or None,
            deduplication_id=message.deduplication_id or None,
            sequence_number=message.sequence_number or None,
            trace_header=header or None,
            message_attributes=attributes,
        )
        return view


@dataclass(frozen=True)
class SubscriptionView:
    """An SNS subscription: where its messages go and how."""

    arn: str
    topic_arn: str
    protocol: str
    endpoint: str
    raw_delivery: bool
    dead_letter_target: str | None

    @classmethod
    def from_moto(cls, subscription: Any) -> SubscriptionView:
        attributes = subscription.attributes or {}
        policy = attributes.get("RedrivePolicy")
        # Every field set at once, as QueuedMessage.from_moto does: one view per subscription
        # of every message published (the frozen __init__ was a third of this method).
        view = object.__new__(cls)
        view.__dict__.update(
            arn=subscription.arn,
            topic_arn=subscription.topic.arn,
            protocol=subscription.protocol,
            endpoint=subscription.endpoint,
            raw_delivery=str(attributes.get("RawMessageDelivery", "")).lower() == "true",
            dead_letter_target=json.loads(policy).get("deadLetterTargetArn") if policy else None,
        )
        return view


@dataclass(frozen=True)
class SnsPublication:
    """One message published to a topic, as each subscription receives it."""

    message: str
    message_id: str
    subject: str | None = None
    # name -> {"Type", "Value"}
    message_attributes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    group_id: str | None = None
    deduplication_id: str | None = None


@dataclass(frozen=True)
class RuleView:
    """An EventBridge rule with a pattern, and its targets."""

    name: str
    arn: str
    enabled: bool
    matches: Callable[[Mapping[str, Any]], bool]  # the rule's pattern (compiled by routing/)
    targets: tuple[Mapping[str, Any], ...]
    archive: str | None  # the archive an archive rule feeds (moto models archives as rules)

    @classmethod
    def from_moto(cls, rule: Any, archive_prefix: str = "Events-Archive-") -> RuleView:
        pattern = rule.event_pattern
        archive = (
            rule.name[len(archive_prefix) :]
            if rule.name.startswith(archive_prefix) and rule.managed_by
            else None
        )
        return cls(
            name=rule.name,
            arn=rule.arn,
            enabled=rule.state == "ENABLED" and pattern is not None and bool(pattern.dump()),
            matches=pattern.matches_event if pattern is not None else _never,
            targets=tuple(dict(t) for t in rule.targets),
            archive=archive,
        )


@dataclass(frozen=True)
class ScheduledRuleView:
    """An EventBridge rule with a ScheduleExpression, and its targets."""

    name: str
    arn: str
    bus: str
    region: str
    account: str
    expression: str
    enabled: bool
    targets: tuple[Mapping[str, Any], ...]

    @classmethod
    def from_moto(cls, rule: Any) -> ScheduledRuleView:
        return cls(
            name=rule.name,
            arn=rule.arn,
            bus=rule.event_bus_name,
            region=rule.region_name,
            account=rule.account_id,
            expression=rule.scheduled_expression,
            enabled=rule.state == "ENABLED",
            targets=tuple(dict(t) for t in rule.targets),
        )

    def as_rule(self) -> RuleView:
        """The rule as EventBridge delivery takes it (a schedule matches no put event)."""
        return RuleView(self.name, self.arn, self.enabled, _never, self.targets, None)


@dataclass(frozen=True)
class ScheduleView:
    """An EventBridge Scheduler schedule (start and end as epoch seconds)."""

    name: str
    group: str
    arn: str
    region: str
    account: str
    expression: str
    timezone: str
    enabled: bool
    start: float | None
    end: float | None
    flexible_window: Mapping[str, Any]
    target: Mapping[str, Any]
    action_after_completion: str | None

    @classmethod
    def from_moto(cls, schedule: Any, region: str, account: str) -> ScheduleView:
        return cls(
            name=schedule.name,
            group=schedule.group_name,
            arn=schedule.arn,
            region=region,
            account=account,
            expression=schedule.schedule_expression,
            timezone=schedule.schedule_expression_timezone or "UTC",
            enabled=(schedule.state or "ENABLED") == "ENABLED",
            start=epoch(schedule.start_date) if schedule.start_date is not None else None,
            end=epoch(schedule.end_date) if schedule.end_date is not None else None,
            flexible_window=dict(schedule.flexible_time_window or {}),
            target=dict(schedule.target or {}),
            action_after_completion=schedule.action_after_completion,
        )


@dataclass(frozen=True)
class ReplayView:
    """A replay of an archive's time window to a bus."""

    name: str
    start: float
    end: float
    bus_arn: str
    filter_arns: tuple[str, ...]
    events: tuple[Mapping[str, Any], ...]

    @classmethod
    def from_moto(cls, replay: Any, events: list[Any]) -> ReplayView:
        destination = replay.destination or {}
        return cls(
            name=replay.name,
            start=epoch(replay.event_start_time),
            end=epoch(replay.event_end_time),
            bus_arn=destination["Arn"],
            filter_arns=tuple(destination.get("FilterArns") or ()),
            events=tuple(events),
        )


def _never(event: Mapping[str, Any]) -> bool:
    return False


def epoch(value: Any) -> float:
    """Epoch seconds of a number, a datetime or an ISO 8601 string."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


@dataclass(frozen=True, slots=True)
class MovedMessage:
    """One message a move task moved: its id, the queue it went to, and its trace header."""

    id: str
    destination_arn: str
    trace_header: str | None


@dataclass(frozen=True)
class ExecutionView:
    """A Step Functions execution: what its trace hops and its targets need of it."""

    arn: str
    name: str
    state_machine_arn: str
    state_machine_type: str  # STANDARD or EXPRESS
    status: str  # RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
    error: str | None = None
    cause: str | None = None


# -- S3 event notifications ------------------------------------------------------------------------
@dataclass(frozen=True)
class S3Destination:
    """One configuration of a bucket's notification configuration: where which events go.

    ``kind`` is ``lambda``, ``queue`` or ``topic``; ``events`` keep the ``s3:`` spelling
    (``s3:ObjectCreated:*``); ``prefix`` and ``suffix`` are the key filter's rules.
    """

    kind: str
    id: str
    arn: str
    events: tuple[str, ...]
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class S3NotificationConfig:
    """A bucket's notification configuration, as PutBucketNotificationConfiguration states it."""

    bucket: str
    region: str
    account_id: str
    destinations: tuple[S3Destination, ...]
    event_bridge: bool = False
    partition: str = "aws"


@dataclass(frozen=True)
class S3ObjectEvent:
    """Something happened to an object in a bucket that has notifications configured.

    ``event_name`` keeps the ``s3:`` spelling (``s3:ObjectCreated:Put``); ``size`` and ``etag``
    are None for removals; ``version_id`` is None in an unversioned bucket.
    """

    event_name: str
    config: S3NotificationConfig
    key: str
    size: int | None
    etag: str | None
    version_id: str | None
    at: float


@dataclass(frozen=True)
class SubscribedLogEvents:
    """Events just put into a log stream, for one of its group's subscription filters whose
    destination is a Lambda function (the filter's pattern not yet applied)."""

    region: str
    account_id: str
    log_group: str
    log_stream: str
    filter_name: str
    filter_pattern: str
    destination_arn: str
    # (moto's event number, timestamp in milliseconds, message), in the order put
    events: tuple[tuple[int, int, str], ...]
