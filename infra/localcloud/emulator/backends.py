"""The engine's one door into moto's state: reads return views, writes take plain values.

moto's in-process backends hold the local cloud's state. The engine reads and changes it here,
directly rather than over HTTP (same process, no serialisation, no botocore per-call cost), and
never sees a moto object: what it reads comes back as a view (views.py), and what moto refuses
comes back as a ``ServiceError`` with the AWS error code.
"""

from __future__ import annotations

import functools
import re
import threading
import time
import weakref
from collections import deque
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.apigateway.models import apigateway_backends
from moto.apigatewayv2.models import apigatewayv2_backends
from moto.awslambda.models import lambda_backends
from moto.cognitoidp.models import cognitoidp_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.events.models import events_backends
from moto.kinesis.models import kinesis_backends
from moto.logs.exceptions import ResourceNotFoundException
from moto.logs.models import logs_backends
from moto.moto_api._internal.models import moto_api_backend
from moto.scheduler.models import scheduler_backends
from moto.sns.models import sns_backends
from moto.sqs.exceptions import QueueDoesNotExist
from moto.sqs.models import sqs_backends
from moto.utilities.utils import load_resource

from localcloud.arns import Arn, function_name, parse_arn
from localcloud.emulator import sqs_queues
from localcloud.emulator.apigw_views import (
    ApiKeysView,
    ApiView,
    api_keys_from_moto,
    http_api_from_moto,
    rest_api_from_moto,
)
from localcloud.emulator.kinesis_views import KinesisRecordView, ShardRead, ShardView
from localcloud.emulator.sqs_moves import (
    MoveFailedError,
    dead_letter_sources,
    move_one,
    queue_exists,
    ready_count,
)
from localcloud.emulator.views import (
    AliasView,
    FunctionView,
    MappingView,
    QueuedMessage,
    RuleView,
    ScheduledRuleView,
    ScheduleView,
    StreamRead,
    StreamRecordView,
)
from localcloud.errors import LocalCloudError

ACCOUNT_ID: str = DEFAULT_ACCOUNT_ID

__all__ = [
    "ACCOUNT_ID",
    "Arn",
    "MoveFailedError",
    "ServiceError",
    "dead_letter_sources",
    "move_one",
    "parse_arn",
    "queue_exists",
    "ready_count",
]


class ServiceError(LocalCloudError):
    """moto refused a change; ``code`` is the AWS error code, ``missing`` a resource not found."""

    def __init__(self, code: str, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.missing = missing

    @classmethod
    def of(cls, exc: Exception, missing: bool = False) -> ServiceError:
        code = getattr(exc, "code", None) or type(exc).__name__
        return cls(str(code), str(getattr(exc, "message", None) or exc), missing)


# -- raw backends (for the emulator's own modules only) -------------------------------------------
def lambda_backend(region: str, account: str = ACCOUNT_ID) -> Any:
    return lambda_backends[account][region]


def sqs_backend(region: str, account: str = ACCOUNT_ID) -> Any:
    return sqs_backends[account][region]


def sns_backend(region: str, account: str = ACCOUNT_ID) -> Any:
    return sns_backends[account][region]


def events_backend(region: str, account: str = ACCOUNT_ID) -> Any:
    return events_backends[account][region]


# moto's DynamoDB is not thread-safe (TransactWriteItems deep-copies tables other threads are
# changing): every call into it takes this service's turn.
_SERIALIZED = {"dynamodb": threading.Lock(), "kinesis": threading.Lock()}


def serialized(service: str) -> AbstractContextManager[Any]:
    """Hold the service's lock if moto needs its calls taken one at a time, else nothing."""
    return _SERIALIZED.get(service) or _UNSERIALIZED


_UNSERIALIZED = nullcontext()


# -- Lambda ---------------------------------------------------------------------------------------
def function(name_or_arn: str, region: str) -> FunctionView | None:
    """The function's view, or None when it does not exist."""
    account = ACCOUNT_ID
    if name_or_arn.startswith("arn:"):
        try:
            arn = parse_arn(name_or_arn)
        except ValueError:
            return None
        region, account = arn.region, arn.account
    # A qualified ARN (`...:function:name:1` or `:alias`) names a published version, whose
    # code and configuration are its own; an alias resolves to its version.
    parts = name_or_arn.split(":") if name_or_arn.startswith("arn:") else []
    qualifier = parts[7] if len(parts) > 7 and parts[7] != "$LATEST" else None
    try:
        backend = lambda_backend(region, account)
        fn = backend.get_function(function_name(name_or_arn), qualifier)
    except Exception:  # moto's UnknownFunctionException, or a region it has no backend for
        return None
    return FunctionView.from_moto(fn)


def alias(name_or_arn: str, region: str) -> AliasView | None:
    """The alias a qualified name or ARN names (``fn:live``), or None: no alias by that name.

    ``function`` already resolves an alias to its main version; this is what else the alias
    says (its weighted routing), read per invocation so an UpdateAlias applies to the next one.
    """
    account = ACCOUNT_ID
    if name_or_arn.startswith("arn:"):
        try:
            arn = parse_arn(name_or_arn)
        except ValueError:
            return None
        region, account = arn.region, arn.account
        parts = name_or_arn.split(":")
        name, qualifier = function_name(name_or_arn), parts[7] if len(parts) > 7 else ""
    else:
        name, _, qualifier = name_or_arn.partition(":")
    if not qualifier or qualifier.isdigit() or qualifier == "$LATEST":
        return None
    try:
        found = lambda_backend(region, account).get_alias(qualifier, name)
    except Exception:  # moto's UnknownAliasException or UnknownFunctionException
        return None
    return AliasView.from_moto(found)


def reserved_concurrency(name_or_arn: str, region: str) -> int | None:
    """The function's reserved concurrency, shared by all its versions and aliases.

    A version's own object is a copy of $LATEST made when it was published, so its setting is
    read from the unqualified function, as Lambda keeps it there.
    """
    account = ACCOUNT_ID
    if name_or_arn.startswith("arn:"):
        try:
            arn = parse_arn(name_or_arn)
        except ValueError:
            return None
        region, account = arn.region, arn.account
    name = function_name(name_or_arn).partition(":")[0]
    try:
        fn = lambda_backend(region, account).get_function(name)
    except Exception:  # deleted meanwhile, or a region moto has no backend for
        return None
    value = fn.reserved_concurrency
    return int(value) if value is not None else None


def mappings() -> list[MappingView]:
    """Every event source mapping in every account and region (to resume after a restore)."""
    return [
        MappingView.from_moto(esm)
        for regions in lambda_backends.values()
        for backend in list(regions.values())
        for esm in list(backend._event_source_mappings.values())
    ]


def layer_zip(arn: str, region: str, account: str) -> bytes | None:
    """The zip of a layer version held here, or None."""
    layer = lambda_backend(region, account).layers_versions_by_arn(arn)
    content = getattr(layer, "code_bytes", None) if layer else None
    return content or None


# -- SQS ------------------------------------------------------------------------------------------
def _queue(queue_arn: str) -> tuple[Any, str]:
    arn = parse_arn(queue_arn)
    backend = sqs_backend(arn.region, arn.account)
    try:
        backend.get_queue(arn.resource)
    except QueueDoesNotExist as exc:
        raise ServiceError.of(exc, missing=True) from exc
    return backend, arn.resource


def _queue_object(queue_arn: str) -> Any:
    """moto's queue; ServiceError(missing=True) when there is none by that ARN."""
    arn = parse_arn(queue_arn)
    try:
        return sqs_backend(arn.region, arn.account).get_queue(arn.resource)
    except QueueDoesNotExist as exc:
        raise ServiceError.of(exc, missing=True) from exc


def visibility_timeout(queue_arn: str) -> int:
    return int(_queue_object(queue_arn).visibility_timeout)


def receive(queue_arn: str, count: int, wait_s: float, visibility_s: int) -> list[QueuedMessage]:
    """Up to ``count`` messages with every attribute, long-polling up to ``wait_s``."""
    # Each view is made from moto's message under the queue's lock, as moto's receive makes
    # its copy: the copy is skipped (2.4 us a message).
    return sqs_queues.receive(
        _queue_object(queue_arn), count, wait_s, visibility_s, QueuedMessage.from_moto
    )


def delete_messages(queue_arn: str, receipt_handles: Sequence[str]) -> list[ServiceError]:
    """Delete each message (one queue lookup and one hold of its lock for all); what moto
    refused, one error each."""
    refused = sqs_queues.delete_messages(_queue_object(queue_arn), receipt_handles)
    return [ServiceError.of(exc) for exc in refused]


def release_message(queue_arn: str, receipt_handle: str) -> None:
    """Make a received message visible again at once."""
    backend, name = _queue(queue_arn)
    try:
        backend.change_message_visibility(name, receipt_handle, 0)
    except Exception as exc:
        raise ServiceError.of(exc) from exc


def send_message(
    queue_arn: str,
    body: str,
    *,
    attributes: Mapping[str, Mapping[str, str]] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    trace_header: str | None = None,
) -> None:
    """Send as an AWS service does (no MessageGroupId check against the queue's type)."""
    arn = parse_arn(queue_arn)
    backend = sqs_backend(arn.region, arn.account)
    system = (
        {"AWSTraceHeader": {"DataType": "String", "StringValue": trace_header}}
        if trace_header
        else None
    )
    try:
        backend.send_message(
            arn.resource,
            body,
            message_attributes={k: dict(v) for k, v in (attributes or {}).items()} or None,
            group_id=group_id,
            deduplication_id=deduplication_id,
            validate_group_id=False,
            system_attributes=system,
        )
    except QueueDoesNotExist as exc:  # moto looks the queue up first, before any other check
        raise ServiceError.of(exc, missing=True) from exc
    except Exception as exc:  # moto raises its own RESTError subclasses
        raise ServiceError.of(exc) from exc


# -- SNS ------------------------------------------------------------------------------------------
def publish(
    topic_arn: str,
    message: str,
    *,
    subject: str | None = None,
    attributes: Mapping[str, str] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
) -> None:
    """Publish string attributes to a topic (its subscriptions are delivered through the hooks)."""
    arn = parse_arn(topic_arn)
    try:
        sns_backend(arn.region, arn.account).publish(
            message,
            arn=topic_arn,
            subject=subject,
            message_attributes={
                k: {"Type": "String", "Value": v} for k, v in (attributes or {}).items()
            },
            group_id=group_id,
            deduplication_id=deduplication_id,
        )
    except Exception as exc:
        raise ServiceError.of(exc) from exc


# -- EventBridge ----------------------------------------------------------------------------------
_archives_lock = threading.Lock()


def unsubscribe(subscription_arn: str) -> bool:
    """Delete an SNS subscription; False when there is none by that ARN (or it is no ARN)."""
    try:
        arn = parse_arn(subscription_arn)
        backend = sns_backend(arn.region, arn.account)
    except (ValueError, KeyError):
        return False
    if subscription_arn not in backend.subscriptions:
        return False
    backend.unsubscribe(subscription_arn)
    return True


def bus_exists(region: str, account: str, bus: str) -> bool:
    return bus in events_backend(region, account).event_buses


def bus_rules(region: str, account: str, bus: str) -> list[RuleView] | None:
    """The rules of a bus (archive rules included), or None when the bus does not exist."""
    event_bus = events_backend(region, account).event_buses.get(bus)
    if event_bus is None:
        return None
    return [RuleView.from_moto(rule) for rule in list(event_bus.rules.values())]


def archive_event(region: str, account: str, archive: str, event: Mapping[str, Any]) -> bool:
    """Keep ``event`` in an enabled archive; False when there is no such archive."""
    held = events_backend(region, account).archives.get(archive)
    if held is None or held.state != "ENABLED":
        return False
    with _archives_lock:
        held.events.append(dict(event))
    return True


def archived_events(archive: Any) -> list[Any]:
    """A consistent copy of what an archive holds (archive_event may be appending)."""
    with _archives_lock:
        return list(archive.events)


# -- schedules (EventBridge rules with a ScheduleExpression, EventBridge Scheduler) ---------------
def scheduled_rules() -> list[ScheduledRuleView]:
    """Every rule with a schedule, on every bus of every account and region."""
    return [
        ScheduledRuleView.from_moto(rule)
        for regions in list(events_backends.values())
        for backend in list(regions.values())
        for bus in list(backend.event_buses.values())
        for rule in list(bus.rules.values())
        if rule.scheduled_expression
    ]


def scheduled_rule(region: str, account: str, bus: str, name: str) -> ScheduledRuleView | None:
    """The rule as it is now; None when it, its bus or its schedule is gone."""
    event_bus = events_backend(region, account).event_buses.get(bus)
    rule = event_bus.rules.get(name) if event_bus is not None else None
    if rule is None or not rule.scheduled_expression:
        return None
    return ScheduledRuleView.from_moto(rule)


def schedules() -> list[ScheduleView]:
    """Every EventBridge Scheduler schedule of every group, account and region."""
    return [
        ScheduleView.from_moto(schedule, region, account)
        for account, regions in list(scheduler_backends.items())
        for region, backend in list(regions.items())
        for group in list(backend.schedule_groups.values())
        for schedule in list(group.schedules.values())
    ]


def schedule(region: str, account: str, group: str, name: str) -> ScheduleView | None:
    """The schedule as it is now; None when it or its group is gone."""
    held = scheduler_backends[account][region].schedule_groups.get(group)
    found = held.schedules.get(name) if held is not None else None
    return ScheduleView.from_moto(found, region, account) if found is not None else None


def delete_schedule(region: str, account: str, group: str, name: str) -> None:
    """Remove a one-time schedule that completed (ActionAfterCompletion DELETE)."""
    held = scheduler_backends[account][region].schedule_groups.get(group)
    if held is not None:
        held.schedules.pop(name, None)


# -- CloudWatch Logs ------------------------------------------------------------------------------
_logs_lock = threading.Lock()
# Each event a bounded group keeps counts its text plus this: about what moto holds per event
# besides the text (an object with two timestamps and an id; measured at 200 to 260 bytes).
LOG_EVENT_OVERHEAD = 200


@dataclass
class _GroupUse:
    """What the engine wrote to one log group, oldest first, to drop the oldest past a bound."""

    group: weakref.ref[Any]  # moto's LogGroup: a reset or DeleteLogGroup replaces it
    size: int = 0
    batches: deque[tuple[str, int, int]] = field(default_factory=deque)  # stream, events, size


_log_use: dict[tuple[str, str, str], _GroupUse] = {}


def put_log_lines(
    region: str,
    account: str,
    group: str,
    stream: str,
    lines: Sequence[str],
    max_bytes: int | None = None,
) -> None:
    """Append lines to a log stream, creating the group and stream on first use.

    With ``max_bytes``, the group keeps what the engine wrote to it up to that size (an event
    counting its text plus LOG_EVENT_OVERHEAD): the oldest events go first, a whole earlier
    write at a time, and a stream left with none goes too. The newest write always stays.
    """
    backend: Any = logs_backends[account][region]
    now = int(time.time() * 1000)
    with _logs_lock:
        # Looked up every time: a reset or a DeleteLogGroup may have removed either.
        if group not in backend.groups:
            backend.create_log_group(group, {})
        held = backend.groups[group]
        if stream not in held.streams:
            backend.create_log_stream(group, stream)
        try:
            # The group's own put: the backend's first checks each timestamp against the clock
            # (14 days back, 2 hours ahead, in order), which ``now`` passes (~12 us a write).
            held.put_log_events(stream, [{"timestamp": now, "message": line} for line in lines])
        except ResourceNotFoundException:  # deleted through the API since the lookup
            return
        if max_bytes is not None:
            _bound_group(held, (account, region, group), stream, lines, max_bytes)


def _bound_group(
    held: Any, key: tuple[str, str, str], stream: str, lines: Sequence[str], max_bytes: int
) -> None:
    use = _log_use.get(key)
    if use is None or use.group() is not held:
        use = _log_use[key] = _GroupUse(weakref.ref(held))
    size = sum(len(line) + LOG_EVENT_OVERHEAD for line in lines)
    use.batches.append((stream, len(lines), size))
    use.size += size
    while use.size > max_bytes and len(use.batches) > 1:
        name, count, dropped = use.batches.popleft()
        use.size -= dropped
        log_stream = held.streams.get(name)
        if log_stream is None:  # deleted through the API meanwhile
            continue
        gone = log_stream.events[:count]
        del log_stream.events[:count]
        log_stream.stored_bytes -= sum(len(event.message) for event in gone)
        if not log_stream.events and name != stream:
            del held.streams[name]


def put_log_event(log_group_arn: str, stream: str, message: str) -> None:
    """One event in a new stream ``stream`` of an existing log group (a delivery to a target).

    ServiceError(missing=True) when the group does not exist: a target's group is not created
    on delivery, as on AWS.
    """
    arn = parse_arn(log_group_arn)
    # log-group:NAME, or log-group:NAME:* as IAM policies and some consoles write it
    group = arn.resource.removeprefix("log-group:").removesuffix(":*")
    backend: Any = logs_backends[arn.account][arn.region]
    if group not in backend.groups:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The specified log group does not exist: {group}",
            missing=True,
        )
    try:
        backend.create_log_stream(group, stream)
        backend.put_log_events(
            group, stream, [{"timestamp": int(time.time() * 1000), "message": message}]
        )
    except Exception as exc:  # deleted under us, or moto refused the event
        raise ServiceError(
            type(exc).__name__, str(exc), missing=group not in backend.groups
        ) from exc


# -- DynamoDB Streams ------------------------------------------------------------------------------
_streams_changed = threading.Condition()
_streams_version = 0


def streams_changed() -> None:
    """A table's stream got records (called by the moto patch): wake the stream readers."""
    global _streams_version
    with _streams_changed:
        _streams_version += 1
        _streams_changed.notify_all()


def streams_version() -> int:
    return _streams_version


def wait_streams(seen: int, timeout: float) -> int:
    """Wait until some stream got records after version ``seen`` (or ``timeout``); the version."""
    with _streams_changed:
        _streams_changed.wait_for(lambda: _streams_version != seen, timeout)
        return _streams_version


def _stream_shard(stream_arn: str) -> Any:
    """The shard of the table's current stream named by ``stream_arn``; ServiceError if gone."""
    try:
        arn = parse_arn(stream_arn)
        table_name, _, label = arn.resource.removeprefix("table/").partition("/stream/")
        table = dynamodb_backends[arn.account][arn.region].tables.get(table_name)
    except (ValueError, KeyError) as exc:
        raise ServiceError("ResourceNotFoundException", f"no stream {stream_arn}", True) from exc
    if table is None or table.stream_shard is None or table.latest_stream_label != label:
        raise ServiceError(
            "ResourceNotFoundException", f"Requested resource not found: {stream_arn}", True
        )
    return table.stream_shard


# Set while expired items are deleted: their REMOVE records name DynamoDB's TTL as the remover.
_ttl_removal = threading.local()
# As the streams API shows it (the Lambda event spells the keys type and principalId).
TTL_IDENTITY = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}


def ttl_removal() -> bool:
    """Whether the delete in progress on this thread is a TTL expiry (read by the patches)."""
    return bool(getattr(_ttl_removal, "active", False))


def expire_items(now: float) -> int:
    """Delete the items whose TTL attribute (a number of epoch seconds) is before ``now``, in
    every table with TTL enabled, as DynamoDB's TTL does; how many were deleted."""
    deleted = 0
    with serialized("dynamodb"):
        for regions in list(dynamodb_backends.values()):
            for backend in list(regions.values()):
                for table in list(backend.tables.values()):
                    deleted += _expire_table(table, now)
    return deleted


def _expire_table(table: Any, now: float) -> int:
    ttl = table.ttl or {}
    attribute = ttl.get("AttributeName")
    if ttl.get("TimeToLiveStatus") != "ENABLED" or not attribute:
        return 0
    expired = []
    for item in table.all_items():
        value = item.attrs.get(attribute)
        if value is None or value.type != "N":
            continue  # AWS ignores items without the attribute or with a non-number
        try:
            expired_at = float(value.value)
        except ValueError:
            continue
        if expired_at < now:
            expired.append(item)
    _ttl_removal.active = True
    try:
        for item in expired:
            table.delete_item(item.hash_key, item.range_key)
    finally:
        _ttl_removal.active = False
    return len(expired)


def checkpoint_mapping(function_arn: str, uuid: str, position: int) -> None:
    """Keep a stream mapping's position on the mapping itself, so a saved state (state.py)
    brings it back and a restarted cloud goes on from there, as Lambda's checkpoints do."""
    arn = parse_arn(function_arn)
    esm = lambda_backend(arn.region, arn.account).get_event_source_mapping(uuid)
    if esm is not None:
        esm.localcloud_position = position


def read_stream(stream_arn: str, position: int | None, limit: int) -> StreamRead:
    """Up to ``limit`` records from sequence number ``position`` on (None: TRIM_HORIZON)."""
    with serialized("dynamodb"):
        shard = _stream_shard(stream_arn)
        first = shard.starting_sequence_number
        start = max(0, (first if position is None else position) - first)
        items = shard.items[start : start + limit] if limit > 0 else []
        return StreamRead(
            shard_id=shard.id,
            records=tuple(StreamRecordView.from_moto(item) for item in items),
            end=first + len(shard.items),
        )


# -- Kinesis Data Streams -------------------------------------------------------------------------
# Writes wake the readers through the streams condition above (streams_changed, wait_streams).


def _kinesis_stream(stream_arn: str) -> Any:
    try:
        arn = parse_arn(stream_arn)
        name = arn.resource.removeprefix("stream/")
        stream = kinesis_backends[arn.account][arn.region].streams.get(name)
    except (ValueError, KeyError) as exc:
        raise ServiceError("ResourceNotFoundException", f"no stream {stream_arn}", True) from exc
    if stream is None or stream.arn != stream_arn:
        raise ServiceError(
            "ResourceNotFoundException", f"Stream {stream_arn} not found", missing=True
        )
    return stream


def kinesis_stream_exists(stream_arn: str) -> bool:
    try:
        _kinesis_stream(stream_arn)
    except ServiceError:
        return False
    return True


def kinesis_shards(stream_arn: str) -> list[ShardView]:
    """The shards of a Kinesis stream, oldest first; ServiceError if the stream is gone."""
    with serialized("kinesis"):
        stream = _kinesis_stream(stream_arn)
        return [
            ShardView(
                shard_id=shard.shard_id,
                parents=tuple(p for p in (shard.parent, shard.adjacent_parent) if p),
                closed=not shard.is_open,
            )
            for shard in sorted(stream.shards.values(), key=lambda s: s.shard_id)
        ]


def read_kinesis_shard(
    stream_arn: str, shard_id: str, position: int | None, limit: int
) -> ShardRead:
    """Up to ``limit`` records of a shard from sequence number ``position`` on (None: the
    oldest, TRIM_HORIZON)."""
    with serialized("kinesis"):
        stream = _kinesis_stream(stream_arn)
        shard = stream.shards.get(shard_id)
        if shard is None:
            raise ServiceError(
                "ResourceNotFoundException", f"no shard {shard_id} in {stream_arn}", True
            )
        start = 0 if position is None else position
        records: list[KinesisRecordView] = []
        for number, record in shard.records.items():
            if len(records) >= limit:
                break
            if number >= start:
                records.append(KinesisRecordView.from_moto(record))
        return ShardRead(
            shard_id=shard_id, records=tuple(records), end=shard.get_max_sequence_number() + 1
        )


def kinesis_position_at(stream_arn: str, shard_id: str, at: float) -> int:
    """The position of a shard's first record that arrived at or after ``at`` (epoch seconds),
    or its end: where an ``AT_TIMESTAMP`` mapping starts reading the shard."""
    with serialized("kinesis"):
        shard = _kinesis_stream(stream_arn).shards.get(shard_id)
        if shard is None:
            raise ServiceError(
                "ResourceNotFoundException", f"no shard {shard_id} in {stream_arn}", True
            )
        for number, record in shard.records.items():
            if KinesisRecordView.from_moto(record).created >= at:
                return int(number)
        return int(shard.get_max_sequence_number()) + 1


def mapping_start_time(function_arn: str, uuid: str) -> float | None:
    """A mapping's StartingPositionTimestamp in epoch seconds (``AT_TIMESTAMP``), or None."""
    arn = parse_arn(function_arn)
    esm = lambda_backend(arn.region, arn.account).get_event_source_mapping(uuid)
    value = getattr(esm, "starting_position_timestamp", None) if esm is not None else None
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.timestamp()
    try:
        return float(value)
    except (TypeError, ValueError):
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def checkpoint_shard(function_arn: str, uuid: str, shard_id: str, position: int) -> None:
    """Keep where a Kinesis mapping has read a shard to on the mapping itself (as
    checkpoint_mapping does for one-shard streams), so a saved state brings it back."""
    arn = parse_arn(function_arn)
    esm = lambda_backend(arn.region, arn.account).get_event_source_mapping(uuid)
    if esm is not None:
        positions = dict(getattr(esm, "localcloud_shard_positions", None) or {})
        positions[shard_id] = position
        esm.localcloud_shard_positions = positions


def shard_checkpoints(function_arn: str, uuid: str) -> dict[str, int]:
    """Where a Kinesis mapping has read each shard to (checkpoint_shard), by shard id."""
    arn = parse_arn(function_arn)
    esm = lambda_backend(arn.region, arn.account).get_event_source_mapping(uuid)
    return dict(getattr(esm, "localcloud_shard_positions", None) or {}) if esm else {}


def function_role(function_arn: str) -> str | None:
    """The execution role of a function (a Kinesis event's invokeIdentityArn), or None."""
    try:
        arn = parse_arn(function_arn)
        fn = lambda_backend(arn.region, arn.account).get_function(function_name(function_arn))
    except Exception:  # moto's UnknownFunctionException, or a malformed ARN
        return None
    return str(fn.role) if getattr(fn, "role", None) else None


# -- S3 notification destinations -----------------------------------------------------------------
def destination_exists(arn: str) -> bool:
    """Whether the queue, topic or function an S3 notification configuration names exists."""
    try:
        parsed = parse_arn(arn)
    except ValueError:
        return False
    try:
        if parsed.service == "sqs":
            sqs_backend(parsed.region, parsed.account).get_queue(parsed.resource)
            return True
        if parsed.service == "sns":
            return arn in sns_backend(parsed.region, parsed.account).topics
    except Exception:  # moto's QueueDoesNotExist, or a region it has no backend for
        return False
    if parsed.service == "lambda":
        return function(arn, parsed.region) is not None
    return False


# -- API Gateway ----------------------------------------------------------------------------------
def api(api_id: str, region: str, account: str = ACCOUNT_ID) -> ApiView | None:
    """The REST or HTTP API ``api_id`` in ``region`` (then any region moto has made), or None."""
    for name, backend in _regions(apigatewayv2_backends, account, region):
        held = backend.apis.get(api_id)
        if held is not None and str(held.protocol_type).upper() == "HTTP":
            return http_api_from_moto(held, name, account)
    for name, backend in _regions(apigateway_backends, account, region):
        held = backend.apis.get(api_id)
        if held is not None:
            return rest_api_from_moto(held, name, account)
    return None


def api_keys(region: str, account: str = ACCOUNT_ID) -> ApiKeysView:
    """The REST API keys and usage plans of ``region`` (those an API there may admit)."""
    return api_keys_from_moto(apigateway_backends[account][region])


_COGNITO_ISSUER = re.compile(
    r"^https://cognito-idp\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/(?P<pool>[^/]+)$"
)


def cognito_signing_keys(issuer: str, account: str = ACCOUNT_ID) -> dict[str, Any] | None:
    """The JWKS that signs the tokens of the local Cognito user pool ``issuer`` names
    (``https://cognito-idp.{region}.amazonaws.com/{poolId}``), or None: no such pool here.
    moto signs every pool's tokens with one key it ships (its ``jwks-public.json``)."""
    match = _COGNITO_ISSUER.match(issuer.rstrip("/"))
    if match is None:
        return None
    pools = cognitoidp_backends[account][match["region"]].user_pools
    return _cognito_public_keys() if match["pool"] in pools else None


@functools.cache
def _cognito_public_keys() -> dict[str, Any]:
    return dict(load_resource("cognitoidp/resources/jwks-public.json"))


def _regions(backends: Any, account: str, region: str) -> list[tuple[str, Any]]:
    """``region``'s backend first, then those of every other region moto has made already."""
    held = backends[account]
    first = [(region, held[region])]
    # Iterating the account's dict lists the regions used so far without making new ones.
    return first + [(name, backend) for name, backend in list(held.items()) if name != region]


# -- all services ---------------------------------------------------------------------------------
def reset() -> None:
    """Forget every resource of every service, account and region, as moto's server's
    ``POST /moto-api/reset`` does, and what this module remembers about them."""
    with _logs_lock:
        _log_use.clear()
    moto_api_backend.reset()
