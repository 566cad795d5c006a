"""Handlers the benchmark deploys, identical on every peer.

``noop`` answers at once (Invoke latency). ``sink`` is an SQS event source mapping target: for each
record it writes one DynamoDB item carrying the publish timestamp the source put in the message and
the handler's own clock, so publish-to-processed latency is measured where the work happens.
Records arrive as SNS notifications (raw delivery off), EventBridge events or plain bodies.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

_table: Any = None


def noop(event: Any, context: Any) -> dict[str, bool]:
    return {"ok": True}


def _dynamodb_table() -> Any:
    # Made once per worker: a boto3 session costs ~50 ms, so it must not be paid per record.
    global _table
    if _table is None:
        import boto3

        _table = boto3.client("dynamodb")
    return _table


def _payload(body: str) -> dict[str, Any]:
    """The benchmark's message, unwrapped from an SNS or EventBridge envelope if there is one."""
    data = json.loads(body)
    if isinstance(data, dict) and data.get("Type") == "Notification" and "Message" in data:
        data = json.loads(data["Message"])
    if isinstance(data, dict) and "detail" in data and "detail-type" in data:
        data = data["detail"]
    return dict(data)


def sink(event: dict[str, Any], context: Any) -> dict[str, list[Any]]:
    client = _dynamodb_table()
    table = os.environ["SINK_TABLE"]
    for record in event["Records"]:
        payload = _payload(record["body"])
        done = time.time()
        queue = record.get("eventSourceARN", "").rsplit(":", 1)[-1]
        client.put_item(
            TableName=table,
            Item={
                "pk": {"S": f"{payload['id']}#{queue}"},
                "sent": {"N": repr(payload["sent"])},
                "done": {"N": repr(done)},
            },
        )
    return {"batchItemFailures": []}


def calls(event: dict[str, Any], context: Any) -> dict[str, float]:
    """``n`` PutItem calls to the endpoint the handler is given, then ``n`` to the same server
    named ``localhost`` (the local cloud answers only its own URL over the worker's pipe, so
    these go over HTTP): wall-clock p50 and this process's CPU per call, in ms, for each."""
    import boto3

    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    other = endpoint.replace("127.0.0.1", "localhost")
    table = os.environ["SINK_TABLE"]
    result: dict[str, float] = {}
    for label, url in (("endpoint", endpoint), ("http", other)):
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = boto3.client("dynamodb", endpoint_url=url or None)
        samples = []
        cpu = time.process_time()
        for i in range(int(event["n"])):
            started = time.perf_counter()
            client.put_item(TableName=table, Item={"pk": {"S": f"{label}{i}"}})
            samples.append(time.perf_counter() - started)
        result[f"{label}_cpu_ms"] = (time.process_time() - cpu) * 1000 / len(samples)
        result[f"{label}_p50_ms"] = sorted(samples)[len(samples) // 2] * 1000
    return result


_clients: dict[str, Any] = {}


def s3_sink(event: dict[str, Any], context: Any) -> None:
    """An S3 notification target: one item per record, keyed by the object's key, holding the
    time the handler started (the bench knows when it put the object)."""
    started = time.time()
    client = _dynamodb_table()
    for record in event["Records"]:
        client.put_item(
            TableName=os.environ["SINK_TABLE"],
            Item={
                "pk": {"S": record["s3"]["object"]["key"]},
                "started": {"N": repr(started)},
            },
        )


def http_ok(event: Any, context: Any) -> dict[str, Any]:
    """A trivial HTTP API handler: a payload 2.0 proxy response."""
    return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}


def stream_sink(event: dict[str, Any], context: Any) -> dict[str, list[Any]]:
    """A DynamoDB stream mapping target: for each record, the time the writer stamped on the
    item (``sent``) and the time this invocation started, into SINK_TABLE."""
    started = time.time()
    client = _dynamodb_table()
    table = os.environ["SINK_TABLE"]
    for record in event["Records"]:
        image = record["dynamodb"]["NewImage"]
        client.put_item(
            TableName=table,
            Item={
                "pk": {"S": image["pk"]["S"]},
                "sent": {"N": image["sent"]["N"]},
                "done": {"N": repr(started)},
            },
        )
    return {"batchItemFailures": []}
