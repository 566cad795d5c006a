"""The raw CloudFormation kinds: an AWS::ApiGateway::Authorizer guarding a Method whose AWS
integration maps the request onto SQS with VTL, and an AWS::ApiGatewayV2::Authorizer guarding an
EventBridge-PutEvents first-class integration whose event a rule routes to a queue."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from apiauth_support import call

from localcloud.deploy import deploy

TEMPLATE = Path(__file__).parent / "cfn" / "template.yaml"


@pytest.fixture(scope="module")
def urls(localcloud: Any, stack: dict[str, str]) -> dict[str, str]:
    report = deploy(
        TEMPLATE,
        localcloud.endpoint_url,
        stack="apiauth-cfn",
        parameters={"InboxArn": stack["InboxArn"]},
    )
    return dict(report.local_urls)


def _message(localcloud: Any, queue_url: str, marker: str) -> dict[str, Any]:
    sqs = localcloud.client("sqs")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in got.get("Messages", []):
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            if marker in message["Body"]:
                return json.loads(message["Body"])  # type: ignore[no-any-return]
    raise AssertionError(f"nothing with {marker!r} arrived")


def test_authorizer_and_vtl_to_sqs_from_raw_kinds(
    localcloud: Any, urls: dict[str, str], stack: dict[str, str]
) -> None:
    body = json.dumps({"item": {"sku": "raw-1", "qty": 2}}).encode()
    denied = call("POST", urls["RestUrl"] + "items", body, {"Content-Type": "application/json"})
    assert denied.status == 401
    reply = call(
        "POST",
        urls["RestUrl"] + "items",
        body,
        {"Content-Type": "application/json", "Authorization": "allow-raw"},
    )
    assert (reply.status, reply.json()) == (200, {"accepted": True}), reply.body
    assert _message(localcloud, stack["InboxUrl"], "raw-1") == {
        "by": "user-allow-raw",
        "item": {"sku": "raw-1", "qty": 2},
    }


def test_eventbridge_put_events_integration_behind_an_authorizer(
    localcloud: Any, urls: dict[str, str], stack: dict[str, str]
) -> None:
    body = json.dumps({"order": "eb-1"}).encode()
    refused = call("POST", urls["HttpUrl"] + "events", body, {"x-key": "nope"})
    assert refused.status == 403
    reply = call(
        "POST", urls["HttpUrl"] + "events", body, {"x-key": "letmein", "Content-Type": "text/plain"}
    )
    assert reply.status == 200, reply.body
    assert reply.json()["FailedEntryCount"] == 0
    event = _message(localcloud, stack["InboxUrl"], "eb-1")
    assert (event["source"], event["detail-type"], event["detail"]) == (
        "apiauth.cfn",
        "OrderPlaced",
        {"order": "eb-1"},
    )
