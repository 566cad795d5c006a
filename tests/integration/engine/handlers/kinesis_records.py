"""A Kinesis handler that writes what it sees to a DynamoDB table (SINK_TABLE).

Items: one per record seen (`kind` "record": sequence number, partition key, decoded data, the
whole record), one per invocation (`kind` "invocation": the data of its records, in order). A
record whose data is FAIL_DATA fails its first FAIL_TIMES deliveries (default: always); MODE
"raise" fails the invocation, "report" answers a partial batch response naming it.
"""

import base64
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


def _attempt(data):
    response = _sink().update_item(
        Key={"pk": f"attempts#{data}"},
        UpdateExpression="ADD attempts :one",
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )
    return int(response["Attributes"]["attempts"])


def _failing(data):
    fail = os.environ.get("FAIL_DATA")
    times = int(os.environ.get("FAIL_TIMES", "1000000"))
    return data == fail and _attempt(data) <= times


def _seen(record, request_id):
    kinesis = record["kinesis"]
    data = base64.b64decode(kinesis["data"]).decode()
    _sink().put_item(
        Item={
            "pk": f"record#{kinesis['sequenceNumber']}#{request_id}",
            "kind": "record",
            "seq": kinesis["sequenceNumber"],
            "key": kinesis["partitionKey"],
            "data": data,
            "at_ns": time.time_ns(),
            "record": json.dumps(record),
        }
    )


def handler(event, context):
    records = event["Records"]
    datas = [base64.b64decode(r["kinesis"]["data"]).decode() for r in records]
    _sink().put_item(
        Item={
            "pk": f"invocation#{context.aws_request_id}",
            "kind": "invocation",
            "start_ns": time.time_ns(),
            "datas": datas,
            "shards": sorted({r["eventID"].split(":")[0] for r in records}),
        }
    )
    mode = os.environ.get("MODE", "raise")
    failures = []
    for record, data in zip(records, datas, strict=True):
        if _failing(data):
            if mode == "raise":
                raise RuntimeError(f"record {data} fails")
            failures.append({"itemIdentifier": record["kinesis"]["sequenceNumber"]})
            continue
        _seen(record, context.aws_request_id)
    if mode == "report":
        return {"batchItemFailures": failures}
    return None
