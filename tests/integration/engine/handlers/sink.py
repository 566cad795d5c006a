"""Handlers that write what they see to a DynamoDB table (SINK_TABLE), for tests to read back.

Items: one per record seen (`kind` "record"), one per invocation (`kind` "invocation").
"""

import json
import os
import random
import time

import boto3

_table = None


def _sink():
    global _table
    if _table is None:
        _table = boto3.resource("dynamodb").Table(os.environ["SINK_TABLE"])
    return _table


def sqs(event, context):
    """Record every SQS record; bodies containing FAIL_MARKER fail while their receive count is
    below FAIL_UNTIL (default: always). MODE picks how failures are reported."""
    table = _sink()
    started = time.time_ns()
    marker = os.environ.get("FAIL_MARKER", "fail")
    until = int(os.environ.get("FAIL_UNTIL", "1000000"))
    mode = os.environ.get("MODE", "report")
    failed = []
    for record in event["Records"]:
        count = int(record["attributes"]["ApproximateReceiveCount"])
        table.put_item(
            Item={
                "pk": f"record#{record['messageId']}#{context.aws_request_id}",
                "kind": "record",
                "body": record["body"],
                "message_id": record["messageId"],
                "receive_count": count,
                "request_id": context.aws_request_id,
                "at_ns": time.time_ns(),
                "record": json.dumps(record),
            }
        )
        if marker in record["body"] and count < until:
            failed.append(record["messageId"])
    time.sleep(float(os.environ.get("SLEEP", "0")))
    table.put_item(
        Item={
            "pk": f"invocation#{context.aws_request_id}",
            "kind": "invocation",
            "start_ns": started,
            "end_ns": time.time_ns(),
            "size": len(event["Records"]),
        }
    )
    if mode == "raise":
        if failed:
            raise RuntimeError(f"failing {len(failed)} records")
        return None
    if mode == "report":
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}
    if mode == "unknown_id":
        return {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]}
    if mode == "wrong_key":
        return {"batchItemFailures": [{"messageId": r["messageId"]} for r in event["Records"]]}
    if mode == "unparseable":
        return "this is not a batch response"
    raise ValueError(f"unknown MODE {mode}")


def event(event, context):
    """Record the whole event (SNS and other pushed events)."""
    _sink().put_item(
        Item={"pk": f"event#{context.aws_request_id}", "kind": "event", "event": json.dumps(event)}
    )
    return {"ok": True}


def flaky(event, context):
    """Count attempts per event id; fail until the count exceeds event['fail_times']."""
    response = _sink().update_item(
        Key={"pk": f"attempts#{event['id']}"},
        UpdateExpression="ADD attempts :one",
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )
    attempts = int(response["Attributes"]["attempts"])
    if attempts <= int(event["fail_times"]):
        raise RuntimeError(f"attempt {attempts} fails")
    return {"attempts": attempts}


def load(event, context):
    """Fail ~FAIL_RATE of records at random; the rest go to the sink once (conditional put)."""
    table = _sink()
    rate = float(os.environ.get("FAIL_RATE", "0.1"))
    failed = []
    for record in event["Records"]:
        if random.random() < rate:
            failed.append({"itemIdentifier": record["messageId"]})
            continue
        try:
            table.put_item(
                Item={"pk": f"done#{record['body']}", "kind": "done"},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            table.update_item(
                Key={"pk": "duplicates"},
                UpdateExpression="ADD n :one",
                ExpressionAttributeValues={":one": 1},
            )
    return {"batchItemFailures": failed}
