"""Direct paths for the hottest plain calls, skipping moto's generic HTTP dispatch.

Handlers write to DynamoDB on every record, sources send to SQS and publish to SNS, consumers
receive and delete all the time, and moto's Flask dispatch, request parsing and response
rendering cost several times the work itself. A plain PutItem (no condition, no ReturnValues,
no capacity report), SendMessage, SendMessageBatch, ReceiveMessage (without message attributes
asked for), DeleteMessage, DeleteMessageBatch, and SNS Publish and PublishBatch to a topic
(string and number attributes, no MessageStructure) are applied straight to moto's backend with
moto's own validation. Anything else, or anything invalid, returns None before any state
changes and goes the ordinary way, which renders AWS's error. A flat item (strings, numbers,
booleans, nulls) is checked and stored in one pass with moto's rules, compared call for call
with moto's PutItem in tests/unit/emulator/test_fastpath_flat_put.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from moto.core.exceptions import ServiceException
from moto.dynamodb.limits import HASH_KEY_MAX_LENGTH, RANGE_KEY_MAX_LENGTH
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.responses import (
    validate_put_has_empty_attrs,
    validate_put_has_empty_keys,
    validate_put_has_gsi_keys_set_to_none,
)
from moto.sns.models import sns_backends
from moto.sns.responses import SNSResponse
from moto.sqs.models import Message, sqs_backends
from moto.sqs.responses import validate_message_attributes
from werkzeug.exceptions import HTTPException

from localcloud.emulator.backends import ACCOUNT_ID

PLAIN_PUT_KEYS = {"TableName", "Item"}
SEND_KEYS = {
    "QueueUrl",
    "MessageBody",
    "DelaySeconds",
    "MessageGroupId",
    "MessageDeduplicationId",
    "MessageAttributes",
    "MessageSystemAttributes",
}


def put_item(body: bytes, region: str) -> bytes | None:
    """The response body of a plain PutItem done directly, or None to take moto's path."""
    try:
        # Text, not bytes: json.loads skips guessing the encoding (2.3 -> 1.7 us); a body that
        # is not UTF-8 (a ValueError) is moto's to read.
        request = json.loads(body.decode())
    except ValueError:
        return None
    if not isinstance(request, dict) or set(request) - PLAIN_PUT_KEYS:
        return None
    if request.get("ReturnValues", "NONE") != "NONE":
        return None
    if _may_hold_binary(body) and _has_binary(request.get("Item")):
        return None  # moto's path decodes binary values (base64 on the wire) before storing
    try:
        backend: Any = dynamodb_backends[ACCOUNT_ID][region]
        name, item = request["TableName"], request["Item"]
        table = backend.get_table(name)
        if _put_flat_item(table, item):
            return b"{}"
        validate_put_has_empty_keys(item, table)
        validate_put_has_empty_attrs(item, table)
        validate_put_has_gsi_keys_set_to_none(item, table)
        # moto validates the item (key schema, types, size) before it stores anything.
        backend.put_item(
            name,
            item,
            expected=None,
            condition_expression=None,
            expression_attribute_names={},
            expression_attribute_values={},
            overwrite=True,
            return_values_on_condition_check_failure=None,
        )
    except Exception:  # moto's path validates again and renders the error as AWS does
        return None
    return b"{}"


# moto's item size limit (LimitedSizeDict): the sum of the names' and values' sizes.
ITEM_SIZE_LIMIT = 405_000
# The scalar types a flat item may hold, with the JSON type of their value.
FLAT_TYPES: Mapping[str, type] = {"S": str, "N": str, "BOOL": bool, "NULL": bool}


def _put_flat_item(table: Any, item: Any) -> bool:
    """Store a flat item (S, N, BOOL, NULL values) as moto's Table.put_item stores a plain put.

    False, with nothing changed, for any other item or table, or an item moto would refuse for
    a reason looked at here; moto's own checks that raise leave it unchanged as well. moto's
    path walks the item five times (empty keys, empty sets, types, key lengths, then its values
    and their sizes, as moto_patches/perf.py's Item.__init__ does) and makes every value through
    DynamoType's constructor; one pass does it all here, with moto's rules (the direct PutItem:
    21 -> 11 us uncontended, with the server's patches). The checks of
    validate_put_has_empty_keys/_attrs and of a secondary index's keys hold trivially for what
    is let through: no empty string, no set, no global index.
    """
    if table.global_indexes or not isinstance(item, dict):
        return False
    size = 0
    attrs = {}
    for name, value in item.items():
        if type(value) is not dict or len(value) != 1:
            return False
        [(kind, scalar)] = value.items()
        if type(scalar) is not FLAT_TYPES.get(kind) or scalar == "":
            return False
        if kind == "NULL" and scalar is not True:
            return False
        if kind == "N":
            table._validate_number_type(scalar)
        size += len(name.encode("utf-8")) + _flat_size(kind, scalar)
        attrs[name] = _flat_value(kind, scalar)
    hash_name, range_name = table.hash_key_attr, table.range_key_attr
    if size > ITEM_SIZE_LIMIT or hash_name not in item:
        return False
    hash_value = _key_value(attrs[hash_name], table.hash_key_type, HASH_KEY_MAX_LENGTH)
    if hash_value is None:
        return False
    range_value = None
    if range_name is not None:
        if range_name not in item:
            return False
        range_value = _key_value(attrs[range_name], table.range_key_type, RANGE_KEY_MAX_LENGTH)
        if range_value is None:
            return False
    # From here on as Table.put_item with overwrite=True and no expectation.
    current = table.get_item(hash_value, range_value)
    stored = Item(hash_value, range_value, {})
    dict.update(stored.attrs, attrs)
    if range_value:
        table.items[hash_value][range_value] = stored
    else:
        table.items[hash_value] = stored
    if table.stream_shard is not None:
        table.stream_shard.add(current, stored)
    return True


def _flat_value(kind: str, scalar: Any) -> DynamoType:
    """``DynamoType({kind: scalar})`` for a flat value, which its constructor stores as is
    (it converts only lists and maps): made directly, 0.13 us where the constructor takes 0.48;
    as moto does, the keys and the attributes are values of their own."""
    value = DynamoType.__new__(DynamoType)
    value.type = kind
    value.value = scalar
    return value


def _key_value(attribute: DynamoType, key_type: str, max_length: int) -> DynamoType | None:
    """A key's own value (a copy of its attribute's), or None when its type is not the key's
    or it is longer than a key may be (moto then refuses the put in its words)."""
    value = _flat_value(attribute.type, attribute.value)
    if value.type != key_type or _flat_size(value.type, value.value) > max_length:
        return None
    return value


def _flat_size(kind: str, scalar: Any) -> int:
    """A flat value's size as moto's DynamoType.size counts it: a number's text, a string's
    UTF-8 bytes, one byte for BOOL and NULL."""
    if kind == "N":
        return len(str(scalar))
    if kind == "S":
        return len(str(scalar).encode("utf-8"))
    return 1


BINARY_TYPES = frozenset({"B", "BS"})


def _may_hold_binary(body: bytes) -> bool:
    """False when the request's text cannot hold a B or BS type key: the walk of every value
    (``_has_binary``) is then skipped. A key spelled with escapes is looked at the slow way."""
    return b'"B"' in body or b'"BS"' in body or b"\\u" in body


def _has_binary(value: Any) -> bool:
    """Whether a DynamoDB item (or attribute value) holds a B or BS value at any depth."""
    if isinstance(value, dict):
        return any(key in BINARY_TYPES or _has_binary(child) for key, child in value.items())
    if isinstance(value, list):
        return any(_has_binary(child) for child in value)
    return False


def send_message(body: bytes, region: str) -> bytes | None:
    """The response body of a SendMessage done directly, or None to take moto's path."""
    try:
        request = json.loads(body)
    except ValueError:
        return None
    if not isinstance(request, dict) or set(request) - SEND_KEYS or "QueueUrl" not in request:
        return None
    attributes = {
        **request.get("MessageAttributes", {}),
        **request.get("MessageSystemAttributes", {}),
    }
    if any("StringValue" not in value for value in attributes.values()):
        return None  # binary values need moto's decoding
    name = str(request["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]
    try:
        _validate_attributes(request.get("MessageAttributes", {}))
        validate_message_attributes(request.get("MessageSystemAttributes") or {})
        backend: Any = sqs_backends[ACCOUNT_ID][region]
        queue = backend.get_queue(name)
        # moto validates the message (size, delay, FIFO ids) before it stores anything.
        message = backend.send_message(
            name,
            request["MessageBody"],
            message_attributes=request.get("MessageAttributes", {}),
            delay_seconds=request.get("DelaySeconds"),
            deduplication_id=request.get("MessageDeduplicationId"),
            group_id=request.get("MessageGroupId"),
            system_attributes=request.get("MessageSystemAttributes"),
        )
    except Exception:
        return None
    response = {"MD5OfMessageBody": message.body_md5, "MessageId": message.id}
    if message.message_attributes:
        response["MD5OfMessageAttributes"] = message.attribute_md5
    if queue.fifo_queue and message.sequence_number:
        response["SequenceNumber"] = message.sequence_number
    return json.dumps(response).encode()


def _validate_attributes(attributes: dict[str, Any]) -> None:
    """moto's checks of message attributes, the names included, before anything is stored.

    moto checks the names only while rendering the response, after the message is queued; here
    an invalid name takes moto's path, which renders AWS's InvalidParameterValue.
    """
    validate_message_attributes(attributes)
    for attribute in attributes:
        Message.validate_attribute_name(attribute)


BATCH_ENTRY_KEYS = (SEND_KEYS - {"QueueUrl"}) | {"Id"}
RECEIVE_KEYS = {
    "QueueUrl",
    "AttributeNames",
    "MessageSystemAttributeNames",
    "MaxNumberOfMessages",
    "WaitTimeSeconds",
    "VisibilityTimeout",
    "ReceiveRequestAttemptId",
    "MessageAttributeNames",
}
SYSTEM_ATTRIBUTES = (
    "AWSTraceHeader",
    "ApproximateFirstReceiveTimestamp",
    "ApproximateReceiveCount",
    "MessageDeduplicationId",
    "MessageGroupId",
    "SenderId",
    "SentTimestamp",
    "SequenceNumber",
)


def _sqs_request(body: bytes, keys: set[str], region: str) -> tuple[dict[str, Any], Any, str]:
    """The request, moto's SQS backend and the queue's name; ValueError when not for us."""
    request = json.loads(body)
    if not isinstance(request, dict) or set(request) - keys or "QueueUrl" not in request:
        raise ValueError("not a plain request")
    name = str(request["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]
    backend: Any = sqs_backends[ACCOUNT_ID][region]
    backend.get_queue(name)  # moto's path renders a missing queue
    return request, backend, name


def _sqs_batch(body: bytes, region: str) -> tuple[Any, str, list[Any]]:
    """A batch request's backend, queue name and 1 to 10 entries; ValueError otherwise."""
    request, backend, name = _sqs_request(body, {"QueueUrl", "Entries"}, region)
    entries = request.get("Entries")
    if not isinstance(entries, list) or not 1 <= len(entries) <= 10:
        raise ValueError("not a batch of 1 to 10 entries")
    return backend, name, entries


def _bounded(request: dict[str, Any], key: str, low: int, high: int, default: int) -> int:
    value = request.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{key} out of range")
    return value


def send_message_batch(body: bytes, region: str) -> bytes | None:
    """The response body of a SendMessageBatch done directly, or None to take moto's path."""
    try:
        backend, name, entries = _sqs_batch(body, region)
        prepared: dict[str, dict[str, Any]] = {}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or set(entry) - BATCH_ENTRY_KEYS:
                return None
            attributes = entry.get("MessageAttributes") or {}
            if any("StringValue" not in v for v in attributes.values()):
                return None  # binary values need moto's decoding
            _validate_attributes(attributes)
            prepared[str(index)] = {
                **entry,
                "MessageAttributes": attributes,
                "DelaySeconds": entry.get("DelaySeconds"),
            }
        queue = backend.get_queue(name)
        # moto validates every entry (ids, sizes, delays, FIFO ids) before it sends any.
        messages, failed = backend.send_message_batch(name, prepared)
    except Exception:
        return None
    successful = []
    for message in messages:
        item = {
            "Id": message.user_id,
            "MessageId": message.id,
            "MD5OfMessageBody": message.body_md5,
        }
        if message.message_attributes:
            item["MD5OfMessageAttributes"] = message.attribute_md5
        if queue.fifo_queue:
            item["SequenceNumber"] = message.sequence_number
        successful.append(item)
    return json.dumps({"Successful": successful, "Failed": failed}).encode()


def receive_message(body: bytes, region: str) -> bytes | None:
    """The response body of a ReceiveMessage done directly, or None to take moto's path."""
    try:
        request, backend, name = _sqs_request(body, RECEIVE_KEYS, region)
        if request.get("MessageAttributeNames"):
            return None  # moto renders message attributes (binary ones included)
        queue = backend.get_queue(name)
        count = _bounded(request, "MaxNumberOfMessages", 1, 10, 1)
        wait = _bounded(
            request, "WaitTimeSeconds", 0, 20, int(queue.receive_message_wait_time_seconds)
        )
        visibility = _bounded(
            request, "VisibilityTimeout", 0, 43_200, int(queue.visibility_timeout)
        )
        names = set(request.get("AttributeNames") or []) | set(
            request.get("MessageSystemAttributeNames") or []
        )
    except Exception:
        return None
    wanted = SYSTEM_ATTRIBUTES if "All" in names else [n for n in SYSTEM_ATTRIBUTES if n in names]
    rendered = []
    for message in backend.receive_message(name, count, wait, visibility, []):
        item: dict[str, Any] = {
            "MessageId": message.id,
            "ReceiptHandle": message.receipt_handle,
            "MD5OfBody": message.body_md5,
            "Body": message.body,
        }
        if wanted:
            item["Attributes"] = _system_attributes(message, wanted)
        rendered.append(item)
    return json.dumps({"Messages": rendered} if rendered else {}).encode()


def _system_attributes(message: Any, wanted: Any) -> dict[str, str]:
    trace_header = (message.system_attributes or {}).get("AWSTraceHeader") or {}
    values = {
        "AWSTraceHeader": trace_header.get("StringValue") if trace_header else None,
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "MessageDeduplicationId": message.deduplication_id,
        "MessageGroupId": message.group_id,
        "SenderId": message.sender_id,
        "SentTimestamp": str(message.sent_timestamp),
        "SequenceNumber": message.sequence_number,
    }
    return {name: values[name] for name in wanted if values[name] is not None}


def delete_message(body: bytes, region: str) -> bytes | None:
    """The response body of a DeleteMessage done directly, or None to take moto's path."""
    try:
        request, backend, name = _sqs_request(body, {"QueueUrl", "ReceiptHandle"}, region)
        backend.delete_message(name, str(request["ReceiptHandle"]))
    except Exception:  # an invalid handle changed nothing; moto's path renders the error
        return None
    return b"{}"


def delete_message_batch(body: bytes, region: str) -> bytes | None:
    """The response body of a DeleteMessageBatch done directly, or None to take moto's path."""
    try:
        backend, name, entries = _sqs_batch(body, region)
        handles = [entry["ReceiptHandle"] for entry in entries]
        if len(set(handles)) != len(handles) or any(
            set(e) - {"Id", "ReceiptHandle"} for e in entries
        ):
            return None
        # Each entry succeeds or fails on its own; nothing is left to validate as a whole.
        success, failed = backend.delete_message_batch(name, entries)
    except Exception:
        return None
    return json.dumps({"Successful": [{"Id": i} for i in success], "Failed": failed}).encode()


# -- SNS (query protocol: a parsed form in, moto's XML out) ---------------------------------------
Form = Mapping[str, list[str]]
SNS_XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/"
PUBLISH_FIELDS = frozenset({"Message", "Subject", "MessageGroupId", "MessageDeduplicationId"})
PUBLISH_FORM = PUBLISH_FIELDS | {"Action", "Version", "TopicArn"}
BATCH_ENTRY = PUBLISH_FIELDS | {"Id"}
ATTRIBUTE_KEY = re.compile(
    r"^MessageAttributes\.entry\.(\d+)\.(Name|Value\.DataType|Value\.StringValue)$"
)
BATCH_KEY = re.compile(r"^PublishBatchRequestEntries\.member\.(\d+)\.(.+)$")
# moto's attribute validation and conversion (DataType -> Type, StringValue -> Value); the
# method reads nothing of the instance.
_sns_response = SNSResponse()


class NotDirect(Exception):
    """The request is one the direct path leaves to moto (unusual or invalid)."""


def _fields(
    form: Form, allowed: frozenset[str]
) -> tuple[dict[str, str], dict[int, dict[str, str]]]:
    """A flat form's plain fields and its message attributes by entry number."""
    plain: dict[str, str] = {}
    attributes: dict[int, dict[str, str]] = {}
    for key, values in form.items():
        if len(values) != 1:
            raise NotDirect(key)
        match = ATTRIBUTE_KEY.match(key) if key.startswith("MessageAttributes.") else None
        if match:
            attributes.setdefault(int(match[1]), {})[match[2]] = values[0]
        elif key in allowed:
            plain[key] = values[0]
        else:
            raise NotDirect(key)  # TargetArn, PhoneNumber, MessageStructure, binary values...
    return plain, attributes


def _attributes(entries: dict[int, dict[str, str]]) -> dict[str, Any]:
    """The attributes as moto's parser hands them over, validated and converted by moto."""
    if not entries:
        return {}
    raw: dict[str, Any] = {}
    for number in sorted(entries):
        entry = entries[number]
        if set(entry) != {"Name", "Value.DataType", "Value.StringValue"}:
            raise NotDirect("an attribute without a string value")
        raw[entry["Name"]] = {
            "DataType": entry["Value.DataType"],
            "StringValue": entry["Value.StringValue"],
        }
    return dict(_sns_response._transform_message_attributes(raw))


def _topic_backend(form: Form, region: str) -> tuple[Any, str]:
    topic_arn = form.get("TopicArn", [""])[0]
    backend: Any = sns_backends[ACCOUNT_ID][region]
    if topic_arn not in backend.topics:
        raise NotDirect("no such topic here")  # moto's path answers NotFound
    return backend, topic_arn


def _sns_answer(operation: str, result: str, request_id: str) -> bytes:
    return (
        f'<{operation}Response xmlns="{SNS_XMLNS}"><{operation}Result>{result}</{operation}Result>'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{operation}Response>"
    ).encode()


def publish(form: Form, region: str, request_id: str) -> bytes | None:
    """The response body of an SNS Publish to a topic done directly, or None for moto's path."""
    try:
        backend, topic_arn = _topic_backend(form, region)
        plain, attributes = _fields(form, PUBLISH_FORM)
        if "Message" not in plain:
            return None
        message_id = backend.publish(
            plain["Message"],
            arn=topic_arn,
            subject=plain.get("Subject"),
            message_attributes=_attributes(attributes),
            group_id=plain.get("MessageGroupId"),
            deduplication_id=plain.get("MessageDeduplicationId"),
        )
    # moto validates (subject, size, FIFO ids, attributes) before it delivers anything.
    except (NotDirect, ServiceException, HTTPException, ValueError):
        return None
    result = f"<MessageId>{escape(message_id)}</MessageId>"
    return _sns_answer("Publish", result, request_id)


def _batch_entries(form: Form) -> list[dict[str, Any]]:
    """PublishBatchRequestEntries as moto's parser builds them, in member order."""
    members: dict[int, dict[str, list[str]]] = {}
    for key, values in form.items():
        if key in ("Action", "Version", "TopicArn"):
            continue
        match = BATCH_KEY.match(key)
        if not match:
            raise NotDirect(key)
        members.setdefault(int(match[1]), {})[match[2]] = values
    entries = []
    for number in sorted(members):
        plain, attributes = _fields(members[number], BATCH_ENTRY)
        if "Id" not in plain or "Message" not in plain:
            raise NotDirect("an entry without Id or Message")
        entry: dict[str, Any] = dict(plain)
        if attributes:
            entry["MessageAttributes"] = _attributes(attributes)
        entries.append(entry)
    if not entries:
        raise NotDirect("an empty batch")
    return entries


def publish_batch(form: Form, region: str, request_id: str) -> bytes | None:
    """The response body of an SNS PublishBatch done directly, or None for moto's path."""
    try:
        backend, topic_arn = _topic_backend(form, region)
        # moto checks the batch (size, distinct ids, FIFO groups) before it publishes any;
        # an entry that fails alone is reported in Failed, as moto's path reports it.
        successful, failed = backend.publish_batch(topic_arn, _batch_entries(form))
    except (NotDirect, ServiceException, HTTPException, ValueError):
        return None
    done = "".join(
        f"<member><Id>{escape(item['Id'])}</Id><MessageId>{escape(item['MessageId'])}</MessageId>"
        "</member>"
        for item in successful
    )
    refused = "".join(
        f"<member><Id>{escape(item['Id'])}</Id><Code>{escape(item['Code'])}</Code>"
        f"<Message>{escape(item['Message'])}</Message>"
        f"<SenderFault>{str(item['SenderFault']).lower()}</SenderFault></member>"
        for item in failed
    )
    result = f"<Successful>{done}</Successful>" if successful else "<Successful/>"
    result += f"<Failed>{refused}</Failed>" if failed else "<Failed/>"
    return _sns_answer("PublishBatch", result, request_id)
