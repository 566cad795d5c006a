"""Function URLs' pure parts: addressing, the payload 2.0 event (parsed by Powertools' model),
AWS's refusals, the local URL beside a stack output, and the deploy kind's settings."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.utilities.parser.models import LambdaFunctionUrlModel

from localcloud.apigw import function_url_shapes as shapes
from localcloud.apigw.model import ApiRequest
from localcloud.deploy.kinds import KINDS
from localcloud.deploy.kinds.lambda_url import STREAMING_REFUSED, _settings
from localcloud.deploy.report import local_url


@pytest.mark.parametrize(
    ("path", "host", "expected"),
    [
        ("/a/b", "abc123.lambda-url.us-east-1.localhost.localstack.cloud:4566", ("abc123", "/a/b")),
        ("/", "abc123.lambda-url.localhost.localstack.cloud", ("abc123", "/")),
        ("/_aws/lambda-url/abc123/x/y", "localhost:4566", ("abc123", "/x/y")),
        ("/_aws/lambda-url/abc123", "127.0.0.1:4566", ("abc123", "/")),
        ("/_aws/lambda-url/", "localhost", None),
        ("/x", "abc123.execute-api.localhost.localstack.cloud", None),
        ("/x", "localhost:4566", None),
        ("/x", "a.b.lambda-url.x.localhost.localstack.cloud", None),
    ],
)
def test_locate(path: str, host: str, expected: tuple[str, str] | None) -> None:
    found = shapes.locate(path, host)
    assert (None if found is None else (found.url_id, found.path)) == expected


def _request(body: bytes = b"", content_type: str = "application/json") -> ApiRequest:
    return ApiRequest(
        method="POST",
        path="/orders/1",
        query="a=1&a=2&b=",
        headers=(
            ("Content-Type", content_type),
            ("Cookie", "s=1; t=2"),
            ("User-Agent", "curl/8"),
            ("X-Multi", "1"),
            ("x-multi", "2"),
        ),
        body=body,
        source_ip="127.0.0.1",
        host="h",
        stage="$default",
        request_id="rid",
        received=1_700_000_000.5,
    )


def test_the_event_is_a_function_url_event() -> None:
    event = shapes.event(_request(b'{"x":1}'), "abc123", "eu-west-1", "123456789012")
    parsed = LambdaFunctionUrlModel(**event)
    assert parsed.rawPath == "/orders/1"
    assert parsed.rawQueryString == "a=1&a=2&b="
    assert parsed.queryStringParameters == {"a": "1,2", "b": ""}
    assert parsed.cookies == ["s=1", "t=2"]
    assert parsed.headers["x-multi"] == "1,2"
    assert "cookie" not in parsed.headers
    assert json.loads(parsed.body or "") == {"x": 1}
    assert parsed.isBase64Encoded is False
    context = event["requestContext"]
    assert context["domainName"] == "abc123.lambda-url.eu-west-1.on.aws"
    assert context["domainPrefix"] == context["apiId"] == "abc123"
    assert context["routeKey"] == context["stage"] == event["routeKey"] == "$default"
    assert context["accountId"] == "anonymous"
    assert context["timeEpoch"] == 1_700_000_000_500
    assert context["http"]["userAgent"] == "curl/8"
    assert "authorizer" not in context


def test_a_binary_body_is_base64_and_iam_fills_the_authorizer() -> None:
    authorizer = {"iam": {"accessKey": "AK", "accountId": "1", "callerId": "AK", "userId": "AK"}}
    event = shapes.event(
        _request(b"\x00\xff", "application/octet-stream"), "u", "us-east-1", "1", authorizer
    )
    parsed = LambdaFunctionUrlModel(**event)
    assert parsed.isBase64Encoded is True
    assert event["body"] == "AP8="
    assert event["requestContext"]["accountId"] == "1"
    assert event["requestContext"]["authorizer"] == authorizer


def test_no_body_no_body_key() -> None:
    event = shapes.event(_request(), "u", "us-east-1", "1")
    assert "body" not in event and event["isBase64Encoded"] is False


def test_refusals() -> None:
    assert (shapes.forbidden().status, json.loads(shapes.forbidden().body)) == (
        403,
        {"Message": "Forbidden"},
    )
    assert shapes.function_failed().status == 502


def test_a_function_url_output_gets_its_local_url() -> None:
    endpoint = "http://127.0.0.1:4566"
    assert (
        local_url("https://abc123.lambda-url.us-east-1.on.aws/", endpoint)
        == "http://127.0.0.1:4566/_aws/lambda-url/abc123/"
    )
    assert (
        local_url("https://abc123.lambda-url.us-east-1.on.aws", endpoint)
        == "http://127.0.0.1:4566/_aws/lambda-url/abc123/"
    )
    assert local_url("https://example.com/", endpoint) is None


def test_the_kind_takes_buffered_and_refuses_streaming() -> None:
    assert _settings({"AuthType": "NONE"}) == {"AuthType": "NONE", "InvokeMode": "BUFFERED"}
    cors = {"AllowOrigins": ["*"]}
    assert _settings({"AuthType": "AWS_IAM", "Cors": cors})["Cors"] == cors
    kind = KINDS["AWS::Lambda::Url"]
    assert kind.unapplied({"AuthType": "NONE", "InvokeMode": "BUFFERED", "Cors": cors}) == []
    streaming = {"AuthType": "NONE", "InvokeMode": "RESPONSE_STREAM"}
    assert kind.unapplied(streaming) == [STREAMING_REFUSED]
    assert kind.unapplied({"AuthType": "NONE", "Qualifier": "live"}) == ["Qualifier"]
    stray_cors = {"AuthType": "NONE", "Cors": {"AllowOrigin": ["*"]}}
    assert kind.unapplied(stray_cors) == ["Cors.AllowOrigin"]
