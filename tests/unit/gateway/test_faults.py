"""What a door answers when handling a request failed: the client's fault as the 4xx AWS
answers, the cloud's own as a 500 InternalFailure; always in the request's protocol's shape."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from localcloud.gateway import faults
from localcloud.gateway.errors import InvalidParameterValueError
from localcloud.gateway.request import AwsRequest


def request(service: str, body: bytes, **headers: str) -> AwsRequest:
    scope = f"AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/{service}/aws4_request, Signature=0"
    return AwsRequest.parse(
        method="POST",
        path="/",
        query="",
        headers={"authorization": scope, **headers},
        body=body,
        default_region="us-east-1",
    )


JSON_GET_ITEM = {"x-amz-target": "DynamoDB_20120810.GetItem"}
FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_a_failure_on_a_malformed_request_is_the_clients_400() -> None:
    answer = faults.failure(request("dynamodb", b"[]", **JSON_GET_ITEM), KeyError("Key"))
    assert answer.status == 400
    assert json.loads(answer.body)["__type"] == "SerializationException"


def test_a_failure_on_a_conforming_request_is_the_clouds_500_in_aws_shape() -> None:
    body = json.dumps({"TableName": "t", "Key": {"k": {"S": "v"}}}).encode()
    answer = faults.failure(request("dynamodb", body, **JSON_GET_ITEM), KeyError("oops"))
    document = json.loads(answer.body)
    assert answer.status == 500
    assert document["__type"] == "InternalFailure"
    assert document["message"].startswith(faults.INTERNAL_FAILURE)
    assert "KeyError" in document["message"]


def test_a_refusal_raised_on_purpose_keeps_its_own_error() -> None:
    answer = faults.failure(request("lambda", b"{}"), InvalidParameterValueError("no"))
    assert (answer.status, json.loads(answer.body)["__type"]) == (
        400,
        "InvalidParameterValueException",
    )


def test_a_query_request_is_answered_in_xml_with_the_fault_on_the_right_side() -> None:
    conforming = b"Action=ListQueues"
    answer = faults.failure(request("sqs", conforming, **FORM), RuntimeError("broke"))
    error = ElementTree.fromstring(answer.body).find("Error")
    assert answer.status == 500 and error is not None
    assert (error.findtext("Type"), error.findtext("Code")) == ("Receiver", "InternalFailure")


def test_an_html_error_page_from_moto_is_reshaped_as_aws() -> None:
    lost = AwsRequest.parse(
        method="GET",
        path="/2015-03-31/nowhere",
        query="",
        headers={
            "authorization": "AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/lambda/aws4_request"
        },
        body=b"",
        default_region="us-east-1",
    )
    page = b"<!doctype html><title>404 Not Found</title>"
    answer = faults.reshaped(lost, 404, [("Content-Type", "text/html")], page)
    assert answer is not None and answer.status == 404
    assert json.loads(answer.body)["__type"] == "UnknownOperationException"


def test_an_empty_s3_refusal_is_access_denied() -> None:
    unsigned = AwsRequest.parse(
        method="GET",
        path="/private-bucket/file.txt",
        query="",
        headers={},
        body=b"",
        default_region="us-east-1",
    )
    answer = faults.reshaped(unsigned, 403, [("Content-Type", "text/html")], b"")
    assert answer is not None and answer.status == 403
    error = ElementTree.fromstring(answer.body)
    assert (error.findtext("Code"), error.findtext("Message")) == ("AccessDenied", "Access Denied")


def test_a_json_error_moto_labels_html_is_kept() -> None:
    rule = AwsRequest.parse(
        method="POST",
        path="/",
        query="",
        headers={
            "authorization": "AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/events/aws4_request",
            "x-amz-target": "AWSEvents.EnableRule",
        },
        body=b'{"Name": "junk"}',
        default_region="us-east-1",
    )
    body = b'{"__type": "ResourceNotFoundException", "message": "Rule junk does not exist."}'
    assert faults.reshaped(rule, 400, [("Content-Type", "text/html; charset=utf-8")], body) is None


def test_an_aws_shaped_error_from_moto_is_kept() -> None:
    xml = b"<ErrorResponse><Error><Code>QueueDoesNotExist</Code></Error></ErrorResponse>"
    same = faults.reshaped(request("sqs", b"Action=GetQueueUrl", **FORM), 400, [], xml)
    assert same is None
    assert faults.reshaped(request("sqs", b"", **FORM), 200, [], b"<ok/>") is None
