"""Direct paths for the hottest plain calls, skipping moto's generic HTTP dispatch.

Handlers write to DynamoDB on every record, and moto's Flask dispatch, request parsing and
response rendering cost several times the write itself. A plain PutItem (no condition, no
ReturnValues, no capacity report) is applied straight to moto's backend with moto's own
validation; anything else, or any failure, goes the ordinary way, which renders AWS's error.
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

from localcloud.emulator.backends import ACCOUNT_ID

PLAIN_PUT_KEYS = {"TableName", "Item"}


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
