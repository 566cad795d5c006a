"""The nightly cleanup: removes the catalogue entries (and their objects) in a status, "empty"
unless the schedule's input names another."""

from __future__ import annotations

import os
from typing import Any

import boto3
from boto3.dynamodb.conditions import Attr


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    status = event.get("status", "empty")
    table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
    s3 = boto3.client("s3")
    removed = []
    scan: dict[str, Any] = {"FilterExpression": Attr("status").eq(status)}
    while True:
        page = table.scan(**scan)
        for item in page["Items"]:
            s3.delete_object(Bucket=os.environ["BUCKET_NAME"], Key=item["media_id"])
            table.delete_item(Key={"media_id": item["media_id"]})
            removed.append(item["media_id"])
        if "LastEvaluatedKey" not in page:
            break
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    print(f"removed {len(removed)} {status} uploads: {removed}")
    return {"status": status, "removed": removed}
