"""Request validators: what AWS refuses that moto accepts, checked on the request before moto runs.

Each validator reads the AWS request shape (stable across moto releases), not moto's internals,
and raises a ``LocalCloudError`` whose class names the AWS error; nothing is created first. They
are rows of the route table (routes.py, ``Validated``, or the ``check`` of a ``Direct`` row): the
request then goes on to moto.

- Lambda CreateFunction, UpdateFunctionCode, UpdateFunctionConfiguration and the event source
  mappings: every member within its model's constraints (model.py, constraints.py); a code zip
  that unzips (code_zip.py); a mapping's ``FilterCriteria`` compiles in the filter-criteria
  dialect of the pattern engine; a mapping on a DynamoDB stream: a starting position streams
  have, a record age AWS accepts, an on-failure destination that is a queue or a topic, and no
  setting the local cloud does not run (tumbling windows, parallelization above 1).
- Lambda CreateAlias and UpdateAlias: the model's constraints, then a ``RoutingConfig`` as
  Lambda refuses it (engine/alias_routing.py): one additional version, not the alias's own, not
  with $LATEST, and published (the only validators here that ask the emulator's state, through
  emulator/backends.py: the alias's current version and the function's versions).
- EventBridge PutRule, PutTargets, CreateEventBus: the model's constraints (names, lengths,
  enums); a schedule AWS can run, on the default bus only; every target's Input, InputPath
  and InputTransformer.
- SQS CreateQueue and SetQueueAttributes: the queue name for its type, every attribute known to
  that type and within its range, the type itself unchanged; SendMessage(Batch): a body with
  only the characters SQS allows, a delay within 0 to 900 s, well-formed FIFO ids;
  ReceiveMessage and ChangeMessageVisibility: a visibility timeout within 0 to 12 hours.
- SNS Subscribe: a protocol SNS has, an endpoint of that protocol, and a ``FilterPolicy`` that
  compiles as SNS would (moto creates the subscription before it validates; AWS refuses both at
  once); SetSubscriptionAttributes: the filter policy; Publish: a target, a message, a subject
  of one printable line, and the payload, attributes included, within SNS's size limit
  (localcloud/quotas.py; moto counts the characters of the message alone); PublishBatch: the
  batch's total size.

Each refusal is worded as the service's API reference or its own answers word it; where the
text is modelled on a sibling's (SNS's "Lambda endpoint ARN" after its "SQS endpoint ARN"), the
comment says so.

SQS takes both its JSON protocol (boto3) and its older query protocol (other SDKs, aws-cli v1):
its validators read either (``_sqs``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from localcloud import quotas
from localcloud.emulator import backends
from localcloud.engine.alias_routing import check_routing
from localcloud.gateway import code_zip, constraints, wellformed
from localcloud.gateway.errors import (
    BatchRequestTooLongError,
    ConstraintError,
    InvalidAttributeNameError,
    InvalidAttributeValueError,
    InvalidMessageContentsError,
    InvalidParameterError,
    InvalidParameterValueError,
    MissingParameterError,
    ParameterValueError,
    SerializationError,
)
from localcloud.gateway.request import AwsRequest
from localcloud.routing import schedule_expressions
from localcloud.routing.errors import RoutingError
from localcloud.routing.patterns import compile_filter_criteria, compile_filter_policy
from localcloud.routing.transform import validate_target_input

# moto models an EventBridge archive as a managed rule of this prefix, with its own targets.
ARCHIVE_RULE_PREFIX = "Events-Archive-"


def _json(request: AwsRequest) -> dict[str, Any]:
    try:
        document = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise SerializationError(f"Could not parse request body into json: {exc}") from exc
    if not isinstance(document, dict):
        raise SerializationError(constraints.unexpected(document, "structure"))
    return document


def event_source_mapping(request: AwsRequest) -> None:
    """A mapping being created or updated: its model's constraints, then its FilterCriteria."""
    wellformed.check(request)
    criteria = _json(request).get("FilterCriteria") or {}
    filters = criteria.get("Filters") if isinstance(criteria, dict) else None
    for item in filters or []:
        pattern = item.get("Pattern", "") if isinstance(item, dict) else ""
        try:
            compile_filter_criteria(pattern)
        except RoutingError as exc:
            raise InvalidParameterValueError(f"Invalid filter pattern definition. {exc}") from exc
    _check_stream_mapping(request.operation, _json(request))
    _check_kinesis_mapping(request.operation, _json(request))


# DynamoDB stream settings the stream source (engine/sources/dynamodb.py) does not run.
_STREAM_UNSUPPORTED = {
    "TumblingWindowInSeconds": 0,
    "ParallelizationFactor": 1,
}


def _check_stream_mapping(operation: str, document: Mapping[str, Any]) -> None:
    """A DynamoDB stream mapping's settings (on create: the source ARN says it is one)."""
    source = str(document.get("EventSourceArn") or "")
    is_stream = ":dynamodb:" in source and "/stream/" in source
    if operation == "CreateEventSourceMapping" and not is_stream:
        return
    if is_stream:
        position = document.get("StartingPosition")
        if position not in ("TRIM_HORIZON", "LATEST"):
            raise InvalidParameterValueError(
                f"StartingPosition {position!r} is not valid for a DynamoDB stream; "
                "use TRIM_HORIZON or LATEST"
            )
    age = document.get("MaximumRecordAgeInSeconds")
    if isinstance(age, int) and age != -1 and not 60 <= age <= 604800:
        raise InvalidParameterValueError(
            f"MaximumRecordAgeInSeconds {age} is not valid: use -1 (no limit) or 60 to 604800"
        )
    for name, neutral in _STREAM_UNSUPPORTED.items():
        value = document.get(name)
        if is_stream and value not in (None, neutral):
            raise InvalidParameterValueError(
                f"{name} {value} is not supported by the local cloud's DynamoDB stream mappings; "
                f"remove it (or set {neutral}) to run the mapping locally"
            )
    destinations = document.get("DestinationConfig") or {}
    failure = str((destinations.get("OnFailure") or {}).get("Destination") or "")
    if is_stream and failure and failure.split(":")[2:3] not in (["sqs"], ["sns"]):
        raise InvalidParameterValueError(
            f"The OnFailure destination {failure} is not valid for a DynamoDB stream: "
            "use an SQS queue or an SNS topic"
        )


def _check_kinesis_mapping(operation: str, document: Mapping[str, Any]) -> None:
    """A Kinesis stream mapping's settings: what AWS refuses, and what the local Kinesis source
    (engine/sources/kinesis.py) does not run. An update names no source: the settings no local
    stream source runs are refused whatever the mapping reads."""
    source = str(document.get("EventSourceArn") or "")
    is_kinesis = source.startswith("arn:") and source.split(":")[2:3] == ["kinesis"]
    if operation == "CreateEventSourceMapping" and not is_kinesis:
        return
    if is_kinesis:
        if ":stream/" not in source or "/consumer/" in source:
            raise InvalidParameterValueError(
                f"{source} is not a Kinesis data stream ARN; a mapping reads a stream "
                "(arn:aws:kinesis:<region>:<account>:stream/<name>); stream consumers (enhanced "
                "fan-out) are not supported locally"
            )
        position = document.get("StartingPosition")
        if position == "AT_TIMESTAMP" and document.get("StartingPositionTimestamp") is None:
            raise InvalidParameterValueError(
                "StartingPositionTimestamp is required with StartingPosition AT_TIMESTAMP"
            )
        if position not in ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"):
            raise InvalidParameterValueError(
                f"StartingPosition {position!r} is not valid for a Kinesis stream; "
                "use TRIM_HORIZON, LATEST or AT_TIMESTAMP"
            )
        destinations = document.get("DestinationConfig") or {}
        failure = str((destinations.get("OnFailure") or {}).get("Destination") or "")
        if failure and failure.split(":")[2:3] not in (["sqs"], ["sns"]):
            raise InvalidParameterValueError(
                f"The OnFailure destination {failure} is not supported for a Kinesis stream "
                "mapping locally: use an SQS queue or an SNS topic"
            )
        age = document.get("MaximumRecordAgeInSeconds")
        if isinstance(age, int) and age != -1 and not 60 <= age <= 604800:
            raise InvalidParameterValueError(
                f"MaximumRecordAgeInSeconds {age} is not valid: use -1 (no limit) or 60 to 604800"
            )
    for name, neutral in _STREAM_UNSUPPORTED.items():
        value = document.get(name)
        if value not in (None, neutral):
            raise InvalidParameterValueError(
                f"{name} {value} is not supported by the local cloud's Kinesis and DynamoDB "
                f"stream mappings; remove it (or set {neutral}) to run the mapping locally"
            )


def put_targets(request: AwsRequest) -> None:
    """The model's constraints (ids, ARNs, at most 100 targets), then every target's input."""
    wellformed.check(request)
    document = _json(request)
    if str(document.get("Rule", "")).startswith(ARCHIVE_RULE_PREFIX):
        return
    for target in document.get("Targets") or []:
        if isinstance(target, dict):
            validate_target_input(target)


def subscribe(request: AwsRequest) -> None:
    """A protocol SNS has, an endpoint of that protocol, a filter policy in its scope."""
    form = request.form or {}
    _subscription_endpoint(
        _first(form, "TopicArn"), _first(form, "Protocol"), _first(form, "Endpoint")
    )
    attributes = _entries(form, "Attributes")
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


def publish_batch(request: AwsRequest) -> None:
    """A batch whose messages together stay within SNS's payload limit."""
    if _batch_size(request.form or {}) > quotas.SNS_MESSAGE_BYTES:
        raise BatchRequestTooLongError(
            "The length of all the messages put together is more than the limit."
        )


SNS_SIZE_PARTS = ("Name", "DataType", "StringValue", "BinaryValue")


def _batch_size(form: Mapping[str, list[str]]) -> int:
    """The payload of a PublishBatch's messages together: each member's ``_sns_size``, summed
    in one pass over the form (a field belongs to one member) rather than one per member."""
    prefix = "PublishBatchRequestEntries.member."
    total = 0
    for field, values in form.items():
        if not field.startswith(prefix):
            continue
        rest = field[len(prefix) :].partition(".")[2]
        attribute = rest.startswith("MessageAttributes.entry.")
        if rest == "Message":
            total += quotas.utf8_size(values[0]) if values else 0
        elif attribute and field.rsplit(".", 1)[-1] in SNS_SIZE_PARTS:
            total += sum(quotas.utf8_size(value) for value in values)
    return total


def _sns_size(form: Mapping[str, list[str]], prefix: str) -> int:
    """The payload of the message whose fields start with ``prefix``, as SNS counts it."""
    attributes = f"{prefix}MessageAttributes.entry."
    parts = [
        value
        for field, values in form.items()
        if field.startswith(attributes) and field.rsplit(".", 1)[-1] in SNS_SIZE_PARTS
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


# -- Lambda ------------------------------------------------------------------------------------
CODE_SOURCES = ("ZipFile", "S3Bucket", "ImageUri")
NO_CODE = "Please provide a source for function code."


def create_function(request: AwsRequest) -> None:
    """The model's constraints (name, runtime, handler, timeout, memory...), then the code zip."""
    wellformed.check(request)
    _check_code(_json(request).get("Code") or {})


def update_function_code(request: AwsRequest) -> None:
    """The model's constraints, then the new code zip."""
    wellformed.check(request)
    _check_code(_json(request))


def _check_code(code: Mapping[str, Any]) -> None:
    """Some code to run, and a zip that unzips (Lambda's words for each refusal)."""
    if all(code.get(source) is None for source in CODE_SOURCES):
        raise InvalidParameterValueError(NO_CODE)
    if code.get("ZipFile") is not None:
        code_zip.check(_base64(code["ZipFile"]))


def update_function_configuration(request: AwsRequest) -> None:
    """The model's constraints on every setting given."""
    wellformed.check(request)


def create_alias(request: AwsRequest) -> None:
    """The model's constraints, then the alias's RoutingConfig (weighted routing)."""
    wellformed.check(request)
    document = _json(request)
    _check_alias_routing(request, document, str(document.get("FunctionVersion") or ""))


def update_alias(request: AwsRequest) -> None:
    """As ``create_alias``; without a FunctionVersion the alias keeps (and is checked with) its
    current one."""
    wellformed.check(request)
    document = _json(request)
    version = document.get("FunctionVersion")
    if version is None and _routing_weights(document):
        named = f"{request.path_params['function']}:{request.path_params['alias']}"
        current = backends.alias(named, request.region)
        if current is None:
            return  # no such alias: moto answers ResourceNotFoundException
        version = current.function_version
    _check_alias_routing(request, document, str(version or ""))


def _routing_weights(document: Mapping[str, Any]) -> dict[str, float]:
    routing = document.get("RoutingConfig") or {}
    return dict(routing.get("AdditionalVersionWeights") or {})


def _check_alias_routing(request: AwsRequest, document: Mapping[str, Any], version: str) -> None:
    weights = _routing_weights(document)
    if not weights:
        return
    fn = backends.function(request.path_params["function"], request.region)
    if fn is None:
        return  # no such function: moto answers ResourceNotFoundException
    arn = fn.arn
    check_routing(
        arn,
        version,
        weights,
        lambda additional: backends.function(f"{arn}:{additional}", request.region) is not None,
    )


def _base64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise SerializationError(f"ZipFile must be base64 text, got {type(value).__name__}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidParameterValueError(f"{code_zip.UNZIP_FAILED} (not base64: {exc})") from exc


# -- EventBridge -------------------------------------------------------------------------------
BAD_SCHEDULE = "Parameter ScheduleExpression is not valid."
SCHEDULE_BUS = "ScheduleExpression is supported only on the default event bus."


def put_rule(request: AwsRequest) -> None:
    """The model's constraints (a name of [.-_A-Za-z0-9], 1 to 64 long...), then the schedule."""
    wellformed.check(request)
    document = _json(request)
    schedule = document.get("ScheduleExpression")
    if schedule:
        _check_schedule(str(schedule))
        bus = str(document.get("EventBusName") or "default")
        if bus.rsplit("/", 1)[-1] != "default":
            raise ConstraintError(SCHEDULE_BUS)


def create_event_bus(request: AwsRequest) -> None:
    """The model's constraints on the bus's name and settings."""
    wellformed.check(request)


def _check_schedule(expression: str) -> None:
    """A rate or cron expression as EventBridge documents them (routing/schedule_expressions.py).

    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
    """
    try:
        schedule_expressions.parse(expression)
    except schedule_expressions.ScheduleExpressionError as exc:
        raise ConstraintError(BAD_SCHEDULE) from exc


# -- SQS ---------------------------------------------------------------------------------------
# CreateQueue's attributes and their ranges, from its API reference:
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
SQS_RANGES = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1_024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
SQS_CHOICES = {
    "FifoQueue": ("true", "false"),
    "SqsManagedSseEnabled": ("true", "false"),
    "ContentBasedDeduplication": ("true", "false"),
    "DeduplicationScope": ("messageGroup", "queue"),
    "FifoThroughputLimit": ("perQueue", "perMessageGroupId"),
}
SQS_FREE = ("Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId")
SQS_FIFO_ONLY = ("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")
STANDARD_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
# SQS's wording for a name its queue type does not take (moto words the standard case the same).
BAD_QUEUE_NAME = (
    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
)
BAD_FIFO_NAME = (
    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
    "must end with .fifo suffix and be 1 to 80 in length."
)
MAX_VISIBILITY = 43_200
MAX_DELAY = 900
# MessageGroupId and MessageDeduplicationId: "alphanumeric characters and punctuation
# (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~)", up to 128 (SendMessage's API reference).
FIFO_ID = re.compile(r"[!-~]{1,128}")
# The characters a message may hold: https://www.w3.org/TR/REC-xml/#charsets, as SendMessage says.
MESSAGE_CHARACTERS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def create_queue(request: AwsRequest) -> None:
    """A name its queue type takes; every attribute known to that type and within its range."""
    name = _sqs(request, "QueueName")
    attributes = _sqs_attributes(request)
    fifo = attributes.get("FifoQueue", "").lower() == "true"
    _check_queue_attributes(attributes, fifo)
    if name and not (FIFO_NAME if fifo else STANDARD_NAME).fullmatch(name):
        raise ParameterValueError(BAD_FIFO_NAME if fifo else BAD_QUEUE_NAME)


def set_queue_attributes(request: AwsRequest) -> None:
    """Every attribute known to the queue's type and within its range; the type stays."""
    attributes = _sqs_attributes(request)
    if "FifoQueue" in attributes:
        # A queue's type is fixed when it is created.
        raise InvalidAttributeValueError(
            "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not "
            "supported."
        )
    # Only a FIFO queue's name ends in .fifo (CreateQueue sees to it).
    fifo = _sqs(request, "QueueUrl").rstrip("/").endswith(".fifo")
    _check_queue_attributes(attributes, fifo)


def send_message(request: AwsRequest) -> None:
    """A body with only the characters SQS allows, a delay of 0 to 900 s, well-formed FIFO ids."""
    params = _sqs_params(request)  # parsed once: SendMessage is a hot path
    _check_message_body(_text(params, "MessageBody"), "")
    delay = _text(params, "DelaySeconds")
    if delay and (not _whole(delay) or not 0 <= int(delay) <= MAX_DELAY):
        raise ParameterValueError(
            f"Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be "
            f">= 0 and <= {MAX_DELAY}."
        )
    for name in ("MessageGroupId", "MessageDeduplicationId"):
        _check_fifo_id(name, _text(params, name))


def send_message_batch(request: AwsRequest) -> None:
    """Every entry's body: present, and holding only the characters SQS allows."""
    for entry in _sqs_entries(request, "SendMessageBatchRequestEntry"):
        _check_message_body(entry.get("MessageBody"), entry.get("Id") or "?")
        for name in ("MessageGroupId", "MessageDeduplicationId"):
            _check_fifo_id(name, entry.get(name))


def receive_message(request: AwsRequest) -> None:
    """A visibility timeout, if given, within 0 to 12 hours."""
    _check_visibility(_sqs(request, "VisibilityTimeout"))


def change_message_visibility(request: AwsRequest) -> None:
    """A visibility timeout within 0 to 12 hours."""
    _check_visibility(_sqs(request, "VisibilityTimeout"))


def _check_queue_attributes(attributes: Mapping[str, str], fifo: bool) -> None:
    for name, value in attributes.items():
        known = name in SQS_RANGES or name in SQS_CHOICES or name in SQS_FREE
        if not known or (name in SQS_FIFO_ONLY and not fifo):
            raise InvalidAttributeNameError(f"Unknown Attribute {name}.")
        if name in SQS_RANGES:
            low, high = SQS_RANGES[name]
            if not _whole(value) or not low <= int(value) <= high:
                raise InvalidAttributeValueError(f"Invalid value for the parameter {name}.")
        elif (
            name in SQS_CHOICES
            and value not in SQS_CHOICES[name]
            and (value.lower() not in SQS_CHOICES[name])
        ):
            raise InvalidAttributeValueError(f"Invalid value for the parameter {name}.")
        elif name == "RedrivePolicy" and value:
            _check_redrive_policy(value)


def _check_redrive_policy(value: str) -> None:
    """SQS's own reasons for refusing a redrive policy."""
    opening = "Invalid value for the parameter RedrivePolicy. Reason: "
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise InvalidAttributeValueError(opening + "Redrive policy is not a valid JSON map.")
    for key in ("deadLetterTargetArn", "maxReceiveCount"):
        if key not in policy:
            raise InvalidAttributeValueError(
                opening + f"Redrive policy does not contain mandatory attribute: {key}."
            )
    count = str(policy["maxReceiveCount"])
    if not _whole(count) or not 1 <= int(count) <= 1000:
        raise InvalidAttributeValueError(
            opening + f"Invalid value for maxReceiveCount: {count}, valid values are from 1 to "
            "1000 both inclusive."
        )
    if not str(policy["deadLetterTargetArn"]).startswith("arn:"):
        raise InvalidAttributeValueError(opening + "Invalid value for deadLetterTargetArn.")


def _check_message_body(body: Any, entry: str) -> None:
    if body is None or body == "":
        where = f" in entry {entry}" if entry else ""
        raise MissingParameterError(f"The request must contain the parameter MessageBody{where}.")
    bad = MESSAGE_CHARACTERS.search(str(body))
    if bad:
        raise InvalidMessageContentsError(
            f"Invalid binary character '#x{ord(bad.group()):X}' was found in the message body, "
            "the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to "
            "#xFFFD | #x10000 to #x10FFFF"
        )


def _check_fifo_id(name: str, value: Any) -> None:
    """A message group or deduplication id: 1 to 128 letters, digits and punctuation."""
    if value is None or value == "":
        return
    if not isinstance(value, str) or not FIFO_ID.fullmatch(value):
        raise ParameterValueError(
            f"Value {value} for parameter {name} is invalid. Reason: {name} can only include "
            "alphanumeric and punctuation characters. 1 to 128 in length."
        )


def _check_visibility(value: Any) -> None:
    if value is None or value == "":
        return
    if not _whole(str(value)) or not 0 <= int(value) <= MAX_VISIBILITY:
        raise ParameterValueError(
            f"Value {value} for parameter VisibilityTimeout is invalid. Reason: Must be between "
            f"0 and {MAX_VISIBILITY}, if provided."
        )


def _whole(value: str) -> bool:
    return re.fullmatch(r"-?\d+", value.strip()) is not None


def _sqs(request: AwsRequest, name: str) -> str:
    """A top-level parameter of an SQS request in either protocol, as text ("" if absent)."""
    return _text(_sqs_params(request), name)


def _sqs_params(request: AwsRequest) -> Mapping[str, Any]:
    """An SQS request's top-level parameters, from its JSON body or its query form."""
    if request.form is not None:
        return {key: values[0] for key, values in request.form.items() if values}
    return _json(request)


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)


def _sqs_attributes(request: AwsRequest) -> dict[str, str]:
    """Queue attributes: JSON's ``Attributes`` map, or the query form's ``Attribute.N.*``."""
    if request.form is None:
        attributes = _json(request).get("Attributes")
        if not isinstance(attributes, dict):
            return {}
        # Names are compared without surrounding blanks, as moto (and its suite) compare them.
        return {
            str(k).strip(): v if isinstance(v, str) else json.dumps(v)
            for k, v in attributes.items()
        }
    return {
        entry["Name"].strip(): entry.get("Value", "")
        for entry in _numbered(request.form, "Attribute")
        if "Name" in entry
    }


def _sqs_entries(request: AwsRequest, query_name: str) -> list[dict[str, Any]]:
    """A batch's entries: JSON's ``Entries``, or the query form's ``<query_name>.N.*``."""
    if request.form is not None:
        return _numbered(request.form, query_name)
    entries = _json(request).get("Entries")
    return (
        [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []
    )


def _numbered(form: Mapping[str, list[str]], name: str) -> list[dict[str, Any]]:
    """A query-protocol list of structures (``Name.N.Field``) as dicts, in N's order."""
    items: dict[int, dict[str, Any]] = {}
    prefix = f"{name}."
    for field, values in form.items():
        if not field.startswith(prefix):
            continue
        index, _, part = field[len(prefix) :].partition(".")
        if index.isdigit() and part and values:
            items.setdefault(int(index), {})[part] = values[0]
    return [items[index] for index in sorted(items)]


# -- SNS ---------------------------------------------------------------------------------------
# Subscribe's protocols: https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html
SNS_PROTOCOLS = (
    "http",
    "https",
    "email",
    "email-json",
    "sms",
    "sqs",
    "application",
    "lambda",
    "firehose",
)
# A FIFO topic delivers to SQS queues only.
FIFO_PROTOCOLS = ("sqs",)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# Publish's Subject: "ASCII text that begins with a letter, number, or punctuation mark; must not
# include line breaks or control characters" (its API reference); the length moto checks.
SUBJECT = re.compile(r"[!-~][ -~]*")
# The protocols whose endpoint is an ARN of the service of the same name.
ARN_PROTOCOLS = {"sqs": "SQS", "lambda": "Lambda", "firehose": "Firehose"}


def _subscription_endpoint(topic: str, protocol: str, endpoint: str) -> None:
    """A protocol SNS has and an endpoint of that protocol, in SNS's words for each refusal."""
    if not protocol:
        return  # moto answers the missing parameter
    if protocol not in SNS_PROTOCOLS:
        raise InvalidParameterError(f"Amazon SNS does not support this protocol string: {protocol}")
    if topic.endswith(".fifo") and protocol not in FIFO_PROTOCOLS:
        raise InvalidParameterError(f"Invalid protocol type: {protocol}")
    if protocol in ("http", "https") and not endpoint.startswith(f"{protocol}://"):
        raise InvalidParameterError("Endpoint must match the specified protocol")
    if protocol in ("email", "email-json") and not EMAIL.fullmatch(endpoint):
        raise InvalidParameterError("Email address")
    label = ARN_PROTOCOLS.get(protocol)
    if protocol == "sqs" and not endpoint.startswith("arn:"):
        return  # moto refuses it in these words, once it has found the topic (NotFound first)
    if label and endpoint.split(":")[:1] + endpoint.split(":")[2:3] != ["arn", protocol]:
        # SNS's wording for SQS ("SQS endpoint ARN"), the same for the other ARN protocols.
        raise InvalidParameterError(f"{label} endpoint ARN")


def publish(request: AwsRequest) -> None:
    """Somewhere to publish to, a message that is not empty, a subject of one printable line."""
    form = request.form or {}
    if not any(_first(form, key) for key in ("TopicArn", "TargetArn", "PhoneNumber")):
        raise InvalidParameterError("TopicArn or TargetArn Reason: no value for required parameter")
    # The form drops blank values: an empty Message and none at all read the same.
    if not _first(form, "Message"):
        raise InvalidParameterError("Empty message")
    subject = _first(form, "Subject")
    if subject and not SUBJECT.fullmatch(subject):
        raise InvalidParameterError("Subject")
    if _sns_size(form, "") > quotas.SNS_MESSAGE_BYTES:  # attributes counted, as SNS does
        raise InvalidParameterError("Message too long")
