"""Integrations without a function over real HTTP: a REST API's AWS integration with a VTL
mapping template to SQS, and an HTTP API's SQS-SendMessage first-class integration. The
messages land in the queue, and the API request is the root of the publish's trace."""

from __future__ import annotations

import json
import time
from typing import Any

from apiauth_support import HttpApi, RestApi, call, request_trace


def _receive(localcloud: Any, queue_url: str, marker: str) -> dict[str, Any]:
    sqs = localcloud.client("sqs")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        got = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
        )
        for message in got.get("Messages", []):
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            if marker in message["Body"]:
                return dict(message)
    raise AssertionError(f"no message with {marker!r} reached {queue_url}")


def test_rest_vtl_mapping_to_sqs(localcloud: Any, rest_api: RestApi, stack: dict[str, str]) -> None:
    body = json.dumps({"order": "vtl-1", "note": "a & b"}).encode()
    reply = call("POST", rest_api.base + "queue", body, {"Content-Type": "application/json"})
    assert reply.status == 202, reply.body
    assert reply.json()["queued"] is True
    message = _receive(localcloud, stack["InboxUrl"], "vtl-1")
    assert reply.json()["id"] == message["MessageId"]
    assert json.loads(message["Body"]) == {"order": "vtl-1", "note": "a & b"}
    request_id = message["MessageAttributes"]["requestId"]["StringValue"]
    assert request_id == reply.header("x-amzn-RequestId")


def test_rest_mapping_refuses_other_media_types(rest_api: RestApi) -> None:
    reply = call("POST", rest_api.base + "queue", b"x", {"Content-Type": "text/plain"})
    assert (reply.status, reply.json()) == (415, {"message": "Unsupported Media Type"})


def test_http_api_sqs_send_message(
    localcloud: Any, http_api: HttpApi, stack: dict[str, str]
) -> None:
    body = json.dumps({"order": "first-class-1"}).encode()
    reply = call("POST", http_api.base + "send", body, {"Content-Type": "application/json"})
    assert reply.status == 200, reply.body
    assert reply.json()["MessageId"]
    message = _receive(localcloud, stack["InboxUrl"], "first-class-1")
    assert json.loads(message["Body"]) == {"order": "first-class-1"}
    assert message["MessageAttributes"]["route"]["StringValue"] == "send"
    assert message["MessageId"] == reply.json()["MessageId"]


def test_the_request_is_the_root_of_the_publish(localcloud: Any, http_api: HttpApi) -> None:
    body = json.dumps({"order": "traced-1"}).encode()
    reply = call("POST", http_api.base + "send", body, {"Content-Type": "application/json"})
    assert reply.status == 200
    request, hops = request_trace(localcloud, reply.header("apigw-requestid"))
    assert str(request.kind) == "request" and request.parent is None
    publishes = [h for h in hops if str(h.kind) == "publish"]
    assert [h.parent for h in publishes] == [request.id]
    assert publishes[0].resource == "apiauth-it-inbox"


def test_http_api_starts_a_state_machine(localcloud: Any, http_api: HttpApi) -> None:
    body = json.dumps({"order": "sfn-1"}).encode()
    reply = call("POST", http_api.base + "start", body, {"x-run": "one"})
    assert reply.status == 200, reply.body
    execution = localcloud.client("stepfunctions").describe_execution(
        executionArn=reply.json()["executionArn"]
    )
    assert execution["name"] == "run-one"
    assert json.loads(execution["input"]) == {"order": "sfn-1"}
