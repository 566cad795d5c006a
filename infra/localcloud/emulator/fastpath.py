"""Direct paths for the hottest plain calls, skipping moto's generic HTTP dispatch.

Handlers write to DynamoDB on every record and sources send to SQS all the time, and moto's Flask
dispatch, request parsing and response rendering cost several times the work itself. A plain
PutItem (no condition, no ReturnValues, no capacity report) and a SendMessage are applied straight
to moto's backend with moto's own validation; anything else, or any failure, goes the ordinary
way, which renders AWS's error.
"""

from __future__ import annotations

import json
from typing import Any

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.responses import (
    validate_put_has_empty_attrs,
    validate_put_has_empty_keys,
    validate_put_has_gsi_keys_set_to_none,
)
from moto.sqs.models import sqs_backends
from moto.sqs.responses import validate_message_attributes

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
        request = json.loads(body)
    except ValueError:
        return None
    if not isinstance(request, dict) or set(request) - PLAIN_PUT_KEYS:
        return None
    if request.get("ReturnValues", "NONE") != "NONE":
        return None
    try:
        backend: Any = dynamodb_backends[ACCOUNT_ID][region]
        name, item = request["TableName"], request["Item"]
        table = backend.get_table(name)
        validate_put_has_empty_keys(item, table)
        validate_put_has_empty_attrs(item, table)
        validate_put_has_gsi_keys_set_to_none(item, table)
        # moto validates the item (key schema, types, size) before it stores anything.
        backend.put_item(name, item, None, None, {}, {}, True, None)
    except Exception:  # moto's path validates again and renders the error as AWS does
        return None
    return b"{}"


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
        validate_message_attributes(request.get("MessageAttributes", {}))
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
