"""GET /orders/{order_id}: where an order stands."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order_id = event["pathParameters"]["order_id"]
    table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])
    item = table.get_item(Key={"order_id": order_id}).get("Item")
    if item is None:
        return {"statusCode": 404, "body": json.dumps({"message": f"no order {order_id}"})}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(item, default=str),
    }
