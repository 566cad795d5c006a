"""The engine's one door into moto's state: reads return views, writes take plain values.

moto's in-process backends hold the local cloud's state. The engine reads and changes it here,
directly rather than over HTTP (same process, no serialisation, no botocore per-call cost), and
never sees a moto object: what it reads comes back as a view (views.py), and what moto refuses
comes back as a ``ServiceError`` with the AWS error code.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.events.models import events_backends
from moto.logs.models import logs_backends
from moto.sns.models import sns_backends
from moto.sqs.exceptions import QueueDoesNotExist
from moto.sqs.models import sqs_backends

from localcloud.arns import Arn, function_name, parse_arn
from localcloud.emulator.views import FunctionView, QueuedMessage, RuleView
from localcloud.errors import LocalCloudError

ACCOUNT_ID: str = DEFAULT_ACCOUNT_ID

__all__ = ["ACCOUNT_ID", "Arn", "ServiceError", "parse_arn"]


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
_SERIALIZED = {"dynamodb": threading.Lock()}


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
    try:
        fn = lambda_backend(region, account).get_function(function_name(name_or_arn))
    except Exception:  # moto's UnknownFunctionException, or a region it has no backend for
        return None
    return FunctionView.from_moto(fn)


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


def visibility_timeout(queue_arn: str) -> int:
    backend, name = _queue(queue_arn)
    return int(backend.get_queue(name).visibility_timeout)


def receive(queue_arn: str, count: int, wait_s: float, visibility_s: int) -> list[QueuedMessage]:
    """Up to ``count`` messages with every attribute, long-polling up to ``wait_s``."""
    backend, name = _queue(queue_arn)
    try:
        # "All": moto drops the message attributes not asked for.
        received = backend.receive_message(name, count, wait_s, visibility_s, ["All"])
    except QueueDoesNotExist as exc:  # deleted while we waited
        raise ServiceError.of(exc, missing=True) from exc
    return [QueuedMessage.from_moto(m) for m in received]


def delete_messages(queue_arn: str, receipt_handles: Sequence[str]) -> list[ServiceError]:
    """Delete each message (one queue lookup for all); what moto refused, one error each."""
    backend, name = _queue(queue_arn)
    refused = []
    for handle in receipt_handles:
        try:
            backend.delete_message(name, handle)
        except Exception as exc:
            refused.append(ServiceError.of(exc))
    return refused


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
    backend, name = _queue(queue_arn)
    system = (
        {"AWSTraceHeader": {"DataType": "String", "StringValue": trace_header}}
        if trace_header
        else None
    )
    try:
        backend.send_message(
            name,
            body,
            message_attributes={k: dict(v) for k, v in (attributes or {}).items()} or None,
            group_id=group_id,
            deduplication_id=deduplication_id,
            validate_group_id=False,
            system_attributes=system,
        )
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


# -- CloudWatch Logs ------------------------------------------------------------------------------
_log_streams: set[tuple[str, str, str, str]] = set()
_logs_lock = threading.Lock()


def put_log_lines(region: str, account: str, group: str, stream: str, lines: Sequence[str]) -> None:
    """Append lines to a log stream, creating the group and stream on first use."""
    backend: Any = logs_backends[account][region]
    key = (account, region, group, stream)
    now = int(time.time() * 1000)
    with _logs_lock:
        if key not in _log_streams:
            if group not in backend.groups:
                backend.create_log_group(group, {})
            if stream not in backend.groups[group].streams:
                backend.create_log_stream(group, stream)
            _log_streams.add(key)
        try:
            backend.put_log_events(
                group, stream, [{"timestamp": now, "message": line} for line in lines]
            )
        except Exception:  # the group was deleted under us: recreate it next time
            _log_streams.discard(key)
