"""Charges an order's payment token against a sandbox gateway whose test tokens behave like a
real provider's: tok_visa is charged, tok_declined declined, tok_busy_once busy on the first
attempt (attempts are counted on the order, so the state machine's retry succeeds)."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import boto3


class PaymentDeclinedError(Exception):
    """The card was declined: retrying will not help."""


class PaymentGatewayBusyError(Exception):
    """The gateway asked to try again later."""


def attempt_number(order_id: str) -> int:
    table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])
    answer = table.update_item(
        Key={"order_id": order_id},
        UpdateExpression="ADD charge_attempts :one",
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )
    return int(answer["Attributes"]["charge_attempts"])


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order_id, token = event["order_id"], event.get("payment_token", "")
    attempt = attempt_number(order_id)
    if token == "tok_declined":
        raise PaymentDeclinedError(f"order {order_id}: card declined")
    if token == "tok_busy_once" and attempt == 1:
        raise PaymentGatewayBusyError(f"order {order_id}: gateway busy, attempt {attempt}")
    charge = hashlib.sha256(f"{order_id}:{event['total']}".encode()).hexdigest()[:16]
    return {"charge_id": f"ch_{charge}", "amount": event["total"], "attempts": attempt}
