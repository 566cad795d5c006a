"""Records return requests queued by POST /returns on their orders; a request for an order that
does not exist, or is not paid, is reported as a failed item (the queue's redrive policy then
moves it to the dead-letter queue)."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError


def request_return(table: Any, order_id: str, reason: str) -> None:
    table.update_item(
        Key={"order_id": order_id},
        UpdateExpression="SET #status = :returning, return_reason = :reason",
        ConditionExpression="#status = :paid",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":returning": "RETURN_REQUESTED",
            ":paid": "PAID",
            ":reason": reason,
        },
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])
    failures = []
    for record in event["Records"]:
        body = json.loads(record["body"])
        try:
            request_return(table, body["order_id"], body.get("reason", "unspecified"))
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            print(f"no paid order {body['order_id']}: return refused")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
