"""Request validators: what AWS refuses that moto accepts, checked on the request before moto runs.

Each validator reads the AWS request shape (stable across moto releases), not moto's internals,
and raises a ``LocalCloudError`` whose class names the AWS error; nothing is created first. They
are rows of the route table (routes.py, ``Validated``): the request then goes on to moto.

- Lambda CreateEventSourceMapping / UpdateEventSourceMapping: every ``FilterCriteria`` pattern
  compiles in the filter-criteria dialect of the pattern engine.
- EventBridge PutTargets: every target's Input, InputPath and InputTransformer is one AWS takes.
- SNS Subscribe and SetSubscriptionAttributes: a ``FilterPolicy`` compiles as SNS would (moto
  creates the subscription before it validates; AWS refuses both at once).
- SNS Publish and PublishBatch: the payload, attributes included, within SNS's size limit
  (localcloud/quotas.py); moto counts the characters of the message alone, and not a batch's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from localcloud import quotas
from localcloud.gateway.errors import (
    BatchRequestTooLongError,
    InvalidParameterValueError,
    SerializationError,
    SnsInvalidParameterError,
)
from localcloud.gateway.request import AwsRequest
from localcloud.routing.errors import RoutingError
from localcloud.routing.patterns import compile_filter_criteria, compile_filter_policy
from localcloud.routing.transform import validate_target_input

# moto models an EventBridge archive as a managed rule of this prefix, with its own targets.
ARCHIVE_RULE_PREFIX = "Events-Archive-"


def _json(request: AwsRequest) -> dict[str, Any]:
    try:
        document = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise SerializationError(f"the request body is not JSON: {exc}") from exc
    return document if isinstance(document, dict) else {}


def event_source_mapping(request: AwsRequest) -> None:
    """FilterCriteria of a mapping being created or updated."""
    criteria = _json(request).get("FilterCriteria") or {}
    filters = criteria.get("Filters") if isinstance(criteria, dict) else None
    for item in filters or []:
        pattern = item.get("Pattern", "") if isinstance(item, dict) else ""
        try:
            compile_filter_criteria(pattern)
        except RoutingError as exc:
            raise InvalidParameterValueError(f"Invalid filter pattern definition. {exc}") from exc


def put_targets(request: AwsRequest) -> None:
    """The input shaping of every target."""
    document = _json(request)
    if str(document.get("Rule", "")).startswith(ARCHIVE_RULE_PREFIX):
        return
    for target in document.get("Targets") or []:
        if isinstance(target, dict):
            validate_target_input(target)


def subscribe(request: AwsRequest) -> None:
    """A filter policy given with the subscription, in its scope."""
    attributes = _entries(request.form or {}, "Attributes")
    if attributes.get("FilterPolicy"):
        compile_filter_policy(
            attributes["FilterPolicy"], attributes.get("FilterPolicyScope") or "MessageAttributes"
        )


def set_subscription_attributes(request: AwsRequest) -> None:
    """A new filter policy: it must be one SNS takes in some scope (moto then checks the scope)."""
    form = request.form or {}
    if _first(form, "AttributeName") == "FilterPolicy" and _first(form, "AttributeValue"):
        # The body grammar accepts the most; the subscription's own scope is checked by moto,
        # through the pattern engine as well (moto_patches/sns.py).
        compile_filter_policy(_first(form, "AttributeValue"), "MessageBody")


def publish(request: AwsRequest) -> None:
    """A message within SNS's payload limit, its attributes counted."""
    form = request.form or {}
    if _sns_size(form, "") > quotas.SNS_MESSAGE_BYTES:
        raise SnsInvalidParameterError("Message too long")


def publish_batch(request: AwsRequest) -> None:
    """A batch whose messages together stay within SNS's payload limit."""
    form = request.form or {}
    prefix = "PublishBatchRequestEntries.member."
    members = {field[len(prefix) :].split(".", 1)[0] for field in form if field.startswith(prefix)}
    total = sum(_sns_size(form, f"{prefix}{member}.") for member in members)
    if total > quotas.SNS_MESSAGE_BYTES:
        raise BatchRequestTooLongError(
            "The length of all the messages put together is more than the limit."
        )


def _sns_size(form: Mapping[str, list[str]], prefix: str) -> int:
    """The payload of the message whose fields start with ``prefix``, as SNS counts it."""
    attributes = f"{prefix}MessageAttributes.entry."
    parts = [
        value
        for field, values in form.items()
        if field.startswith(attributes)
        and field.rsplit(".", 1)[-1] in ("Name", "DataType", "StringValue", "BinaryValue")
        for value in values
    ]
    return quotas.sns_message_size(_first(form, f"{prefix}Message"), parts)


def _first(form: Mapping[str, list[str]], key: str) -> str:
    return (form.get(key) or [""])[0]


def _entries(form: Mapping[str, list[str]], name: str) -> dict[str, str]:
    """A query-protocol map (``Name.entry.N.key`` / ``Name.entry.N.value``) as a dict."""
    prefix = f"{name}.entry."
    keys: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, items in form.items():
        if not field.startswith(prefix) or not items:
            continue
        index, _, part = field[len(prefix) :].partition(".")
        (keys if part == "key" else values if part == "value" else {})[index] = items[0]
    return {key: values.get(index, "") for index, key in keys.items()}
