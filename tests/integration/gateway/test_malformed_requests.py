"""Requests malformed before any operation runs (moto 5.2.5 answered each with a 500 page) are
answered with the AWS error they earn, in the shape their protocol reads: JSON for the JSON
and REST-JSON protocols, an <ErrorResponse> for the query protocol, S3's <Error>."""

from __future__ import annotations

import http.client
import json
from typing import Any
from xml.etree import ElementTree

import pytest


def signed(service: str) -> dict[str, str]:
    return {
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, "
            "SignedHeaders=host, Signature=0"
        )
    }


def json_call(service: str, target: str, body: bytes) -> tuple[str, str, bytes, dict[str, str]]:
    headers = {
        **signed(service),
        "X-Amz-Target": target,
        "Content-Type": "application/x-amz-json-1.0",
    }
    return ("POST", "/", body, headers)


def query_call(service: str, body: bytes) -> tuple[str, str, bytes, dict[str, str]]:
    headers = {**signed(service), "Content-Type": "application/x-www-form-urlencoded"}
    return ("POST", "/", body, headers)


CASES = {
    "put-events-body-is-a-list": (
        json_call("events", "AWSEvents.PutEvents", b"[]"),
        (400, "SerializationException"),
    ),
    "put-events-entries-is-a-string": (
        json_call("events", "AWSEvents.PutEvents", b'{"Entries": "e"}'),
        (400, "SerializationException"),
    ),
    "test-event-pattern-with-numbers": (
        json_call("events", "AWSEvents.TestEventPattern", b'{"EventPattern": 1, "Event": 2}'),
        (400, "SerializationException"),
    ),
    "events-unknown-operation": (
        json_call("events", "AWSEvents.Nope", b"{}"),
        (400, "UnknownOperationException"),
    ),
    "dynamodb-body-not-json": (
        json_call("dynamodb", "DynamoDB_20120810.PutItem", b"{"),
        (400, "SerializationException"),
    ),
    "dynamodb-item-is-a-string": (
        json_call("dynamodb", "DynamoDB_20120810.PutItem", b'{"TableName": "t", "Item": "i"}'),
        (400, "SerializationException"),
    ),
    "dynamodb-unknown-operation": (
        json_call("dynamodb", "DynamoDB_20120810.Nope", b"{}"),
        (400, "UnknownOperationException"),
    ),
    "sqs-json-body-is-a-list": (
        json_call("sqs", "AmazonSQS.SendMessage", b"[]"),
        (400, "SerializationException"),
    ),
    "sqs-json-unknown-operation": (
        json_call("sqs", "AmazonSQS.Nope", b"{}"),
        (400, "UnknownOperationException"),
    ),
    "logs-body-is-a-list": (
        json_call("logs", "Logs_20140328.CreateLogGroup", b"[]"),
        (400, "SerializationException"),
    ),
    "sqs-query-unknown-action": (query_call("sqs", b"Action=Nope"), (400, "InvalidAction")),
    "sqs-query-no-action": (query_call("sqs", b""), (400, "MissingAction")),
    "sns-unknown-action": (query_call("sns", b"Action=Nope"), (400, "InvalidAction")),
    "sns-publish-without-a-message": (
        query_call("sns", b"Action=Publish"),
        (400, "InvalidParameter"),
    ),
    "iam-unknown-action": (query_call("iam", b"Action=Nope"), (400, "InvalidAction")),
    "sts-unknown-action": (query_call("sts", b"Action=Nope"), (400, "InvalidAction")),
    "lambda-create-function-body-not-json": (
        ("POST", "/2015-03-31/functions", b"{", signed("lambda")),
        (400, "InvalidRequestContentException"),
    ),
    "lambda-unknown-path": (
        ("GET", "/2015-03-31/nothing-here", b"", signed("lambda")),
        (404, "UnknownOperationException"),
    ),
    "s3-create-bucket-with-broken-xml": (
        ("PUT", "/malformed-xml-bucket", b"<not", signed("s3")),
        (400, "MalformedXML"),
    ),
    "authorization-is-garbage": (
        (
            "POST",
            "/",
            b"Action=ListQueues",
            {"Authorization": "garbage", "Content-Type": "application/x-www-form-urlencoded"},
        ),
        (400, "IncompleteSignature"),
    ),
    "authorization-credential-is-empty": (
        (
            "POST",
            "/",
            b"{}",
            {
                "Authorization": "AWS4-HMAC-SHA256 Credential=",
                "X-Amz-Target": "AmazonSQS.ListQueues",
                "Content-Type": "application/x-amz-json-1.0",
            },
        ),
        (400, "IncompleteSignature"),
    ),
    "credential-scope-names-no-service": (
        json_call("nosuch", "X.Y", b"{}"),
        (400, "InvalidSignatureException"),
    ),
}


def send(cloud: Any, method: str, path: str, body: bytes, headers: dict[str, str]) -> Any:
    connection = http.client.HTTPConnection(cloud.host, cloud.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


def error_code(body: bytes) -> str:
    """The code of an AWS error in either shape botocore reads."""
    if body.lstrip().startswith(b"<"):
        code = ElementTree.fromstring(body).find(".//Code")
        return (code.text or "") if code is not None else ""
    return str(json.loads(body)["__type"])


@pytest.mark.parametrize(("call", "expected"), CASES.values(), ids=CASES.keys())
def test_a_malformed_request_is_answered_with_the_aws_error_it_earns(
    localcloud: Any,
    call: tuple[str, str, bytes, dict[str, str]],
    expected: tuple[int, str],
) -> None:
    status, _, body = send(localcloud, *call)
    assert (status, error_code(body)) == expected


def test_a_query_protocol_error_is_xml_and_a_json_protocol_error_is_json(localcloud: Any) -> None:
    _, _, query_body = send(localcloud, *query_call("sqs", b"Action=Nope"))
    _, json_headers, json_body = send(localcloud, *json_call("sqs", "AmazonSQS.Nope", b"{}"))
    assert ElementTree.fromstring(query_body).tag == "ErrorResponse"
    assert json.loads(json_body)["__type"] == "UnknownOperationException"
    # SQS's JSON protocol names the query-protocol code botocore reports, as AWS does.
    assert json_headers["x-amzn-query-error"] == "UnknownOperationException;Sender"
