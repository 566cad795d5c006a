"""Payload formats 1.0 and 2.0 and the mapping of responses back, as API Gateway shapes them."""

from __future__ import annotations

import base64
import json
from types import MappingProxyType

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
)

from localcloud.apigw import payloads
from localcloud.apigw.errors import MalformedResponseError
from localcloud.apigw.model import (
    HTTP,
    REST,
    ApiRequest,
    ApiView,
    IntegrationView,
    Match,
    RouteView,
    StageView,
)

PROXY = IntegrationView(id="i", type="AWS_PROXY", uri="arn", payload_format_version="2.0")
ROUTE = RouteView(key="POST /users/{id}", integration=PROXY, id="r1")


def api(protocol: str, binary: tuple[str, ...] = ()) -> ApiView:
    stages = {"$default": StageView("$default"), "prod": StageView("prod", {"fn": "users"})}
    return ApiView(
        id="abc123",
        name="test",
        protocol=protocol,
        region="us-east-1",
        account="123456789012",
        routes=(ROUTE,),
        stages=MappingProxyType(stages),
        binary_media_types=binary,
    )


def request(
    body: bytes = b'{"name":"Ada"}',
    content_type: str = "application/json",
    query: str = "a=1&a=2&b=x%20y",
    stage: str = "prod",
) -> ApiRequest:
    return ApiRequest(
        method="POST",
        path="/users/42",
        query=query,
        headers=(
            ("Content-Type", content_type),
            ("X-Many", "one"),
            ("X-Many", "two"),
            ("Cookie", "a=1; b=2"),
            ("User-Agent", "test/1"),
        ),
        body=body,
        source_ip="127.0.0.1",
        host="localhost",
        stage=stage,
        request_id="req-1",
        received=1_700_000_000.25,
    )


MATCH = Match(ROUTE, {"id": "42"})


def test_payload_1_0_parses_as_powertools_model_with_single_and_multi_values() -> None:
    event = payloads.rest_event(api(REST), MATCH, StageView("prod", {"fn": "users"}), request())
    model = APIGatewayProxyEventModel.model_validate(event)
    assert model.resource == "/users/{id}"
    assert model.path == "/users/42"
    assert model.headers["X-Many"] == "two"
    assert model.multiValueHeaders["X-Many"] == ["one", "two"]
    assert model.queryStringParameters == {"a": "2", "b": "x y"}
    assert model.multiValueQueryStringParameters == {"a": ["1", "2"], "b": ["x y"]}
    assert model.pathParameters == {"id": "42"}
    assert model.stageVariables == {"fn": "users"}
    assert model.requestContext.path == "/prod/users/42"
    assert model.requestContext.resourcePath == "/users/{id}"
    assert model.requestContext.stage == "prod"
    assert model.requestContext.requestTime == "14/Nov/2023:22:13:20 +0000"
    assert event["body"] == '{"name":"Ada"}' and event["isBase64Encoded"] is False


def test_payload_1_0_leaves_absent_parts_null() -> None:
    event = payloads.rest_event(
        api(REST), Match(ROUTE, {}), StageView("prod"), request(b"", query="")
    )
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert "authorizer" not in event["requestContext"]


def test_payload_2_0_parses_as_powertools_model_with_joined_values_and_cookies() -> None:
    event = payloads.http_event(api(HTTP), MATCH, StageView("$default"), request(stage="$default"))
    model = APIGatewayProxyEventV2Model.model_validate(event)
    assert model.routeKey == "POST /users/{id}"
    assert model.rawPath == "/users/42"
    assert model.rawQueryString == "a=1&a=2&b=x%20y"
    assert model.headers["x-many"] == "one,two"
    assert "cookie" not in model.headers
    assert model.cookies == ["a=1", "b=2"]
    assert model.queryStringParameters == {"a": "1,2", "b": "x y"}
    assert model.pathParameters == {"id": "42"}
    assert model.requestContext.http.method == "POST"
    assert model.requestContext.http.path == "/users/42"
    assert model.requestContext.stage == "$default"
    assert model.requestContext.requestId == "req-1"
    assert event["body"] == '{"name":"Ada"}' and event["isBase64Encoded"] is False


def test_payload_2_0_on_a_named_stage_puts_the_stage_in_raw_path() -> None:
    event = payloads.http_event(api(HTTP), MATCH, StageView("prod"), request())
    assert event["rawPath"] == "/prod/users/42"
    assert event["requestContext"]["http"]["path"] == "/prod/users/42"


def test_payload_2_0_leaves_absent_parts_out_and_carries_the_authorizer() -> None:
    event = payloads.http_event(
        api(HTTP),
        Match(ROUTE, {}),
        StageView("$default"),
        request(b"", query=""),
        authorizer={"lambda": {"user": "ada"}},
    )
    for absent in ("queryStringParameters", "pathParameters", "stageVariables", "body"):
        assert absent not in event
    assert event["requestContext"]["authorizer"] == {"lambda": {"user": "ada"}}


def test_binary_bodies_are_base64_per_protocol_rule() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\xff"
    rest_plain = payloads.rest_event(api(REST), MATCH, StageView("prod"), request(png, "image/png"))
    assert rest_plain["isBase64Encoded"] is False  # not a binary media type of the API
    rest_binary = payloads.rest_event(
        api(REST, ("image/*",)), MATCH, StageView("prod"), request(png, "image/png")
    )
    assert rest_binary["isBase64Encoded"] is True
    assert base64.b64decode(rest_binary["body"]) == png
    http = payloads.http_event(api(HTTP), MATCH, StageView("$default"), request(png, "image/png"))
    assert http["isBase64Encoded"] is True and base64.b64decode(http["body"]) == png


def test_rest_response_maps_headers_multi_values_and_base64() -> None:
    answer = payloads.rest_response(
        json.dumps(
            {
                "statusCode": 201,
                "headers": {"X-One": "1", "X-Both": "single"},
                "multiValueHeaders": {"X-Both": ["a", "b"]},
                "body": base64.b64encode(b"\x00\x01").decode(),
                "isBase64Encoded": True,
            }
        ).encode()
    )
    assert answer.status == 201
    assert answer.body == b"\x00\x01"
    assert ("X-Both", "a") in answer.headers and ("X-Both", "b") in answer.headers
    assert ("X-Both", "single") not in answer.headers
    assert ("Content-Type", "application/json") in answer.headers  # REST's default


@pytest.mark.parametrize(
    "payload",
    [
        b'"just a string"',
        b'{"body": "no status"}',
        b'{"statusCode": 200, "body": {"not": "a string"}}',
        b'{"statusCode": 200, "unexpected": 1}',
        b'{"statusCode": "two hundred"}',
        b"not json",
    ],
)
def test_rest_response_refuses_what_is_not_a_proxy_response(payload: bytes) -> None:
    with pytest.raises(MalformedResponseError):
        payloads.rest_response(payload)


def test_http_response_infers_a_response_from_plain_json() -> None:
    answer = payloads.http_response(b'{"id": 1}')
    assert (answer.status, answer.body) == (200, b'{"id": 1}')
    assert ("Content-Type", "application/json") in answer.headers
    assert payloads.http_response(b'"hello"').body == b"hello"


def test_http_response_maps_cookies_to_set_cookie() -> None:
    answer = payloads.http_response(
        b'{"statusCode": 302, "headers": {"Location": "/x"}, "cookies": ["a=1", "b=2; Secure"]}'
    )
    assert answer.status == 302
    assert [v for n, v in answer.headers if n == "Set-Cookie"] == ["a=1", "b=2; Secure"]
    assert ("Location", "/x") in answer.headers


def test_error_answers_are_worded_as_aws_words_them() -> None:
    assert payloads.integration_failure(REST).status == 502
    assert payloads.integration_failure(REST).body == b'{"message": "Internal server error"}'
    assert payloads.integration_failure(HTTP).status == 500
    assert payloads.integration_failure(HTTP).body == b'{"message":"Internal Server Error"}'
    assert payloads.not_found(HTTP).status == 404
    assert payloads.not_found(HTTP).body == b'{"message":"Not Found"}'
    assert payloads.not_found(REST).status == 403
    assert payloads.not_found(REST).body == b'{"message": "Missing Authentication Token"}'
    assert payloads.timed_out(REST).status == 504
    assert payloads.too_large(HTTP).status == 413
