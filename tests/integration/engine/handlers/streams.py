"""A DynamoDB stream handler that writes what it sees to a DynamoDB table (SINK_TABLE).

Items: one per record seen (`kind` "record", with the record's sequence number, key, event name
and the whole record), one per invocation (`kind` "invocation", with the sequence numbers it got).
A record whose key is FAIL_PK fails its first FAIL_TIMES deliveries (default: always); MODE
"raise" fails the invocation, "report" answers a partial batch response naming it.
"""

import json
import os
import time

import boto3

_table = None


def _sink():
    global _table
    if _table is None:
        _table = boto3.resource("dynamodb").Table(os.environ["SINK_TABLE"])
    return _table


def _attempt(pk):
    response = _sink().update_item(
        Key={"pk": f"attempts#{pk}"},
        UpdateExpression="ADD attempts :one",
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )
    return int(response["Attributes"]["attempts"])


def handler(event, context):
    table = _sink()
    started = time.time_ns()
    fail_pk = os.environ.get("FAIL_PK")
    fail_times = int(os.environ.get("FAIL_TIMES", "1000000"))
    mode = os.environ.get("MODE", "raise")
    records = event["Records"]
    table.put_item(
        Item={
            "pk": f"invocation#{context.aws_request_id}",
            "kind": "invocation",
            "start_ns": started,
            "seqs": [r["dynamodb"]["SequenceNumber"] for r in records],
            "keys": [r["dynamodb"]["Keys"]["pk"]["S"] for r in records],
        }
    )
    failures = []
    for record in records:
        pk = record["dynamodb"]["Keys"]["pk"]["S"]
        seq = record["dynamodb"]["SequenceNumber"]
        if pk == fail_pk and _attempt(pk) <= fail_times:
            if mode == "raise":
                raise RuntimeError(f"record {pk} fails")
            failures.append({"itemIdentifier": seq})
            continue
        table.put_item(
            Item={
                "pk": f"record#{seq}#{context.aws_request_id}",
                "kind": "record",
                "seq": seq,
                "key": pk,
                "event_name": record["eventName"],
                "at_ns": time.time_ns(),
                "record": json.dumps(record),
            }
        )
    if mode == "report":
        return {"batchItemFailures": failures}
    return None


def write(event, context):
    """Put the item ``event`` into WRITE_TABLE (a write made from inside a handler)."""
    boto3.resource("dynamodb").Table(os.environ["WRITE_TABLE"]).put_item(Item=event)
    return {"written": event}
