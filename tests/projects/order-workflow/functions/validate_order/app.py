"""Checks an order's lines and prices it: the total, and whether it needs a person's approval."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any


class InvalidOrderError(Exception):
    """The order cannot be fulfilled as placed (the state machine catches it by this name)."""


def price(order: dict[str, Any], threshold: Decimal) -> dict[str, Any]:
    lines = order.get("items") or []
    if not lines:
        raise InvalidOrderError(f"order {order.get('order_id')} has no items")
    total = Decimal(0)
    for line in lines:
        if int(line.get("qty", 0)) <= 0:
            raise InvalidOrderError(f"order {order['order_id']}: {line.get('sku')} has qty <= 0")
        total += Decimal(str(line["price"])) * int(line["qty"])
    return {**order, "total": float(total), "needs_approval": total > threshold}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return price(event, Decimal(os.environ["APPROVAL_THRESHOLD"]))
