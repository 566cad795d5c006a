"""Whether a request breaks the API, judged by botocore's model of its service, for each
protocol; a conforming request is no one's fault but the server's."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from localcloud.gateway import wellformed
from localcloud.gateway.request import AwsRequest


def signed(service: str, **headers: str) -> dict[str, str]:
    scope = f"AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/{service}/aws4_request, Signature=0"
    return {"authorization": scope, **headers}


def parse(
    method: str, path: str, headers: dict[str, str], body: bytes = b"", query: str = ""
) -> AwsRequest:
    return AwsRequest.parse(
        method=method,
        path=path,
        query=query,
        headers=headers,
        body=body,
        default_region="us-east-1",
    )


def json_request(service: str, target: str, body: bytes) -> AwsRequest:
    return parse("POST", "/", signed(service, **{"x-amz-target": target}), body)


def query_request(service: str, form: dict[str, str]) -> AwsRequest:
    headers = signed(service, **{"content-type": "application/x-www-form-urlencoded"})
    return parse("POST", "/", headers, urlencode(form).encode())


def fault_code(request: AwsRequest) -> str | None:
    found = wellformed.fault(request)
    return None if found is None else found.aws_code


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (json_request("dynamodb", "DynamoDB_20120810.GetItem", b"{"), "SerializationException"),
        (json_request("dynamodb", "DynamoDB_20120810.GetItem", b"[]"), "SerializationException"),
        (json_request("dynamodb", "DynamoDB_20120810.GetItem", b"{}"), "ValidationException"),
        (json_request("dynamodb", "DynamoDB_20120810.Nope", b"{}"), "UnknownOperationException"),
        (json_request("dynamodb", "AmazonSQS.GetItem", b"{}"), "UnknownOperationException"),
        (query_request("sqs", {}), "MissingAction"),
        (query_request("sqs", {"Action": "Nope"}), "InvalidAction"),
        (
            query_request("sns", {"Action": "Publish", "TopicArn": "arn:aws:sns:us-east-1:0:t"}),
            "MissingParameter",
        ),
        (
            query_request("sns", {"Action": "GetTopicAttributes", "TopicArn": "t"}),
            "InvalidParameter",
        ),
        (
            query_request(
                "sqs", {"Action": "ReceiveMessage", "QueueUrl": "q", "MaxNumberOfMessages": "x"}
            ),
            "InvalidParameterValue",
        ),
        (
            parse("POST", "/2015-03-31/functions", signed("lambda"), b"{"),
            "InvalidRequestContentException",
        ),
        (parse("GET", "/2015-03-31/nowhere", signed("lambda")), "UnknownOperationException"),
        (parse("PUT", "/bucket", signed("s3"), b"<not"), "MalformedXML"),
        (parse("PUT", "/bucket", signed("s3"), b"<Wrong/>", "tagging"), "MalformedXML"),
        (parse("PUT", "/bucket", signed("s3"), b"", "tagging"), "MissingRequestBodyError"),
        (parse("POST", "/bucket/key", signed("s3"), b"<x/>"), "ValidationException"),
        (parse("GET", "/", {"authorization": "garbage"}), "IncompleteSignature"),
        (json_request("nosuch", "X.Y", b"{}"), "InvalidSignatureException"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_request_that_breaks_the_api_is_the_clients_fault(
    request_: AwsRequest, code: str
) -> None:
    assert fault_code(request_) == code


@pytest.mark.parametrize(
    "request_",
    [
        json_request(
            "dynamodb",
            "DynamoDB_20120810.GetItem",
            json.dumps({"TableName": "t", "Key": {"k": {"S": "v"}}}).encode(),
        ),
        query_request(
            "sns", {"Action": "Publish", "TopicArn": "arn:aws:sns:us-east-1:0:t", "Message": "m"}
        ),
        parse("GET", "/2015-03-31/functions/f", signed("lambda")),
        parse(
            "PUT",
            "/bucket",
            signed("s3"),
            b"<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>",
            "tagging",
        ),
        parse("GET", "/", {}),
    ],
    ids=["json", "query", "rest-json", "rest-xml", "unsigned"],
)
def test_a_request_that_conforms_is_no_fault_of_the_client(request_: AwsRequest) -> None:
    assert wellformed.fault(request_) is None


def test_a_signature_with_a_credential_scope_and_s3s_old_signature_are_readable() -> None:
    wellformed.check_signature(parse("GET", "/", signed("sqs")))
    wellformed.check_signature(parse("GET", "/", {"authorization": "AWS AKID:c2ln"}))


def test_an_unreadable_signature_says_what_it_lacks() -> None:
    found = wellformed.fault(parse("GET", "/", {"authorization": "AWS4-HMAC-SHA256 Credential=a"}))
    assert found is not None
    assert str(found).startswith(
        "Authorization header requires 'Signature' parameter. Authorization header requires "
        "'SignedHeaders' parameter."
    )


def test_a_pagination_token_is_the_clients_fault_when_the_request_failed() -> None:
    found = wellformed.token_fault(query_request("iam", {"Action": "ListRoles", "Marker": ":"}))
    assert found is not None and found.aws_code == "InvalidParameterValue"
    assert wellformed.token_fault(query_request("iam", {"Action": "ListRoles"})) is None


def test_an_unsigned_request_lacks_what_aws_requires() -> None:
    found = wellformed.unsigned_fault(parse("POST", "/", {}, b"{"))
    assert found is not None and (found.http_status, found.aws_code) == (
        403,
        "MissingAuthenticationToken",
    )
    assert wellformed.unsigned_fault(parse("POST", "/", signed("sqs"))) is None
