"""Requests through REST and HTTP APIs over real HTTP: payloads, URL forms, routing, binary
bodies, AWS's error answers, and the request as the root of its trace."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from apigw_support import DeployedApis, call
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
)

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


# -- payloads ---------------------------------------------------------------------------------
def test_http_api_sends_payload_2_0_and_maps_the_response_back(apis: DeployedApis) -> None:
    reply = call(
        "POST",
        apis.http + "items?tag=a&tag=b&one=1",
        body=b'{"name": "Ada"}',
        headers={"Content-Type": "application/json", "Cookie": "c1=v1; c2=v2", "X-Trace": "t"},
    )
    assert reply.status == 200
    event = APIGatewayProxyEventV2Model.model_validate(reply.json())
    assert event.routeKey == "POST /items"
    assert event.rawPath == "/items"
    assert event.queryStringParameters == {"tag": "a,b", "one": "1"}
    assert event.cookies == ["c1=v1", "c2=v2"]
    assert event.headers["x-trace"] == "t"
    assert event.headers["x-forwarded-for"] == "127.0.0.1"
    assert event.headers["x-amzn-trace-id"].startswith("Root=1-")
    assert event.body == '{"name": "Ada"}' and event.isBase64Encoded is False
    assert event.requestContext.stage == "$default"
    assert event.requestContext.http.method == "POST"
    assert str(event.requestContext.http.sourceIp).startswith("127.0.0.1")
    assert event.requestContext.apiId == apis.outputs["HttpApiId"]
    assert reply.all("Set-Cookie") == ["session=abc", "theme=dark; Path=/"]
    assert reply.all("X-Seen") == ["one", "two"]
    assert reply.header("apigw-requestid") == event.requestContext.requestId


def test_rest_api_sends_payload_1_0(apis: DeployedApis) -> None:
    reply = call("GET", apis.rest + "echo/42?x=1&x=2", headers={"X-Many": "a"})
    assert reply.status == 200
    event = APIGatewayProxyEventModel.model_validate(reply.json())
    assert event.resource == "/echo/{id}"
    assert event.path == "/echo/42"
    assert event.pathParameters == {"id": "42"}
    assert event.queryStringParameters == {"x": "2"}
    assert event.multiValueQueryStringParameters == {"x": ["1", "2"]}
    assert event.headers["X-Many"] == "a"
    assert event.requestContext.stage == "Prod"
    assert event.requestContext.path == "/Prod/echo/42"
    assert event.requestContext.resourcePath == "/echo/{id}"
    assert event.body is None
    assert reply.header("x-amzn-RequestId") == event.requestContext.requestId


def test_http_api_sends_payload_1_0_when_the_integration_asks(apis: DeployedApis) -> None:
    reply = call("GET", apis.http + "v1/5?a=1&a=2")
    assert reply.status == 200
    document = reply.json()
    event = APIGatewayProxyEventModel.model_validate(document)
    assert document["version"] == "1.0"
    assert event.requestContext.routeKey == "GET /v1/{id}"
    assert event.pathParameters == {"id": "5"}
    assert event.multiValueQueryStringParameters == {"a": ["1", "2"]}
    assert event.requestContext.stage == "$default"


def test_payload_2_0_infers_a_response_from_plain_values(apis: DeployedApis) -> None:
    as_dict = call("GET", apis.http + "plain/dict")
    assert (as_dict.status, as_dict.json()) == (200, {"id": 1, "ok": True})
    assert as_dict.header("Content-Type") == "application/json"
    as_string = call("GET", apis.http + "plain/string")
    assert (as_string.status, as_string.body) == (200, b"just text")


def test_binary_bodies_round_trip_on_both_api_kinds(apis: DeployedApis) -> None:
    through_http = call(
        "POST", apis.http + "echo/upload", body=PNG, headers={"Content-Type": "image/png"}
    )
    assert through_http.status == 200 and through_http.body == PNG
    through_rest = call(
        "POST", apis.rest + "files/a/b.png", body=PNG, headers={"Content-Type": "image/png"}
    )
    assert through_rest.status == 200 and through_rest.body == PNG
    assert through_rest.header("Content-Type") == "image/png"


def test_stage_variables_reach_the_event_and_choose_the_function(apis: DeployedApis) -> None:
    reply = call("GET", apis.execute_api("StagedApiId", "dev/staged"))
    assert reply.status == 200
    event = reply.json()
    assert event["stageVariables"] == {"fn": "apigw-it-rest-echo"}
    assert event["requestContext"]["stage"] == "dev"


def test_a_named_http_api_stage_is_a_path_segment(apis: DeployedApis) -> None:
    reply = call("GET", apis.execute_api("NamedHttpApiId", "v1/hello/ada"))
    assert reply.status == 200
    event = reply.json()
    assert event["pathParameters"] == {"name": "ada"}
    assert event["rawPath"] == "/v1/hello/ada"
    assert event["requestContext"]["stage"] == "v1"
    # No $default stage: without the stage segment there is nothing to serve.
    assert call("GET", apis.execute_api("NamedHttpApiId", "hello/ada")).status == 404


# -- URL forms --------------------------------------------------------------------------------
def test_the_three_url_forms_reach_the_same_api(apis: DeployedApis) -> None:
    rest_id = apis.outputs["RestApiId"]
    port = urlsplit(apis.endpoint_url).port
    by_path = call("GET", f"{apis.endpoint_url}/_aws/execute-api/{rest_id}/Prod/echo/1")
    by_host = call(
        "GET",
        f"{apis.endpoint_url}/Prod/echo/1",
        headers={"Host": f"{rest_id}.execute-api.localhost.localstack.cloud:{port}"},
    )
    legacy = call("GET", f"{apis.endpoint_url}/restapis/{rest_id}/Prod/_user_request_/echo/1")
    for reply in (by_path, by_host, legacy):
        assert reply.status == 200
        assert reply.json()["resource"] == "/echo/{id}"
        assert reply.json()["pathParameters"] == {"id": "1"}


def test_http_api_default_stage_takes_no_stage_segment(apis: DeployedApis) -> None:
    http_id = apis.outputs["HttpApiId"]
    port = urlsplit(apis.endpoint_url).port
    by_host = call(
        "GET",
        f"{apis.endpoint_url}/echo/9",
        headers={"Host": f"{http_id}.execute-api.localhost.localstack.cloud:{port}"},
    )
    assert by_host.status == 200 and by_host.json()["routeKey"] == "GET /echo/{id}"
    spelled_out = call("GET", apis.execute_api("HttpApiId", "$default/echo/9"))
    assert spelled_out.status == 200 and spelled_out.json()["rawPath"] == "/echo/9"


def test_other_hosts_are_still_refused(apis: DeployedApis) -> None:
    reply = call("GET", f"{apis.endpoint_url}/echo/9", headers={"Host": "evil.example"})
    assert reply.status == 403
    assert "is not served" in reply.json()["message"]


# -- routing ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "route"),
    [
        ("GET", "echo/7", "GET /echo/{id}"),
        ("GET", "echo/7/", "GET /echo/{id}"),  # a trailing slash is ignored
        ("DELETE", "echo/7", "ANY /echo/{proxy+}"),  # no DELETE route: ANY takes it
        ("GET", "echo/7/photos/1", "ANY /echo/{proxy+}"),  # greedy over several segments
        ("PATCH", "somewhere/else", "$default"),
    ],
)
def test_http_api_routes_to_the_most_specific_route(
    apis: DeployedApis, method: str, path: str, route: str
) -> None:
    body = b"{}" if method == "PATCH" else None
    reply = call(method, apis.http + path, body=body, headers={"Content-Type": "application/json"})
    assert reply.status == 200
    assert reply.json()["routeKey"] == route


def test_path_parameters_are_decoded(apis: DeployedApis) -> None:
    reply = call("GET", apis.http + "echo/a%20b")
    assert reply.json()["pathParameters"] == {"id": "a b"}


# -- errors -----------------------------------------------------------------------------------
def test_function_errors_are_aws_answers(apis: DeployedApis) -> None:
    http = call("GET", apis.http + "fail")
    assert (http.status, http.body) == (500, b'{"message":"Internal Server Error"}')
    rest = call("GET", apis.rest + "fail")
    assert (rest.status, rest.body) == (502, b'{"message": "Internal server error"}')


def test_malformed_responses_are_aws_answers(apis: DeployedApis) -> None:
    http = call("GET", apis.http + "malformed")
    assert (http.status, http.body) == (500, b'{"message":"Internal Server Error"}')
    rest = call("GET", apis.rest + "malformed")
    assert (rest.status, rest.body) == (502, b'{"message": "Internal server error"}')


def test_unknown_routes_are_aws_answers(apis: DeployedApis) -> None:
    rest = call("GET", apis.rest + "nowhere")
    assert (rest.status, rest.body) == (403, b'{"message": "Missing Authentication Token"}')
    assert rest.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    named = call("GET", apis.execute_api("NamedHttpApiId", "v1/nowhere"))
    assert (named.status, named.body) == (404, b'{"message":"Not Found"}')
    unknown_api = call("GET", f"{apis.endpoint_url}/_aws/execute-api/nosuchapi/prod/x")
    assert unknown_api.status == 404


def test_integration_timeout_is_a_504_and_the_gateway_keeps_serving(apis: DeployedApis) -> None:
    started = time.monotonic()
    http = call("GET", apis.http + "slow")
    rest = call("GET", apis.rest + "slow")
    assert http.status == 504 and rest.status == 504
    assert rest.json() == {"message": "Endpoint request timed out"}
    assert time.monotonic() - started < 2.9 * 2  # each gave up at 1 s, not at the function's 3 s
    assert call("GET", apis.http + "echo/1").status == 200


def test_a_body_over_10_mb_is_refused_with_413(apis: DeployedApis) -> None:
    reply = call("POST", apis.http + "items", body=b"x" * (10 * 1024 * 1024 + 1))
    assert reply.status == 413


# -- state and traces -------------------------------------------------------------------------
def test_apis_are_held_by_the_emulator_like_any_resource(
    apis: DeployedApis, localcloud: Any
) -> None:
    rest_ids = {api["id"] for api in localcloud.client("apigateway").get_rest_apis()["items"]}
    http_ids = {api["ApiId"] for api in localcloud.client("apigatewayv2").get_apis()["Items"]}
    assert {apis.outputs["RestApiId"], apis.outputs["StagedApiId"]} <= rest_ids
    assert {apis.outputs["HttpApiId"], apis.outputs["NamedHttpApiId"]} <= http_ids


def _trace_of(endpoint_url: str, predicate: Any, deadline_s: float = 20) -> list[dict[str, Any]]:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        document = call("GET", f"{endpoint_url}/_localcloud/traces?last=50").json()
        for hops in document["traces"]:
            if predicate(hops):
                return list(hops)
        time.sleep(0.1)
    raise AssertionError("no trace matched in time")


def test_a_request_is_the_root_of_its_trace(apis: DeployedApis) -> None:
    order = json.dumps({"order": time.time()}).encode()
    reply = call(
        "POST", apis.http + "orders", body=order, headers={"Content-Type": "application/json"}
    )
    assert reply.status == 202
    request_id = reply.header("apigw-requestid")

    def complete(hops: list[dict[str, Any]]) -> bool:
        roots = [h for h in hops if h["kind"] == "request"]
        consumers = [h for h in hops if h["kind"] == "invoke" and "Consumer" in h["resource"]]
        return (
            bool(roots) and roots[0]["detail"].get("request_id") == request_id and bool(consumers)
        )

    hops = _trace_of(apis.endpoint_url, complete)
    by_id = {hop["id"]: hop for hop in hops}
    root = next(h for h in hops if h["kind"] == "request")
    assert root["parent"] is None
    assert root["resource"] == "POST /orders 202"
    assert root["duration_ms"] is not None
    publisher = next(h for h in hops if h["kind"] == "invoke" and "Publisher" in h["resource"])
    assert publisher["parent"] == root["id"]
    consumer = next(h for h in hops if h["kind"] == "invoke" and "Consumer" in h["resource"])

    def ancestors(hop: dict[str, Any]) -> list[str]:
        chain = []
        while hop["parent"] in by_id:
            hop = by_id[hop["parent"]]
            chain.append(hop["kind"])
        return chain

    # request -> invoke Publisher -> publish (SendMessage) -> receive -> invoke Consumer
    assert ancestors(consumer)[-1] == "request"
    assert "publish" in ancestors(consumer) and "receive" in ancestors(consumer)


def test_a_fault_inside_a_step_is_a_500_and_the_gateway_keeps_serving(
    apis: DeployedApis, localcloud: Any
) -> None:
    from localcloud.apigw import lambda_proxy, steps

    def broken(call: steps.IntegrationCall) -> Any:
        raise RuntimeError("a bug in an integration")

    pipeline = localcloud.running().apis.steps
    previous = pipeline.register_integration("AWS_PROXY", broken)
    try:
        http = call("GET", apis.http + "echo/1")
        rest = call("GET", apis.rest + "echo/1")
    finally:
        pipeline.register_integration("AWS_PROXY", previous)
    assert previous is lambda_proxy.integrate
    assert (http.status, http.body) == (500, b'{"message":"Internal Server Error"}')
    assert (rest.status, rest.body) == (500, b'{"message": "Internal server error"}')
    assert call("GET", apis.http + "echo/1").status == 200


def test_an_authorizer_step_can_allow_with_context_or_deny(
    apis: DeployedApis, localcloud: Any
) -> None:
    """The extension point access control plugs into: its context reaches the event."""
    from localcloud.apigw.model import Allow, Answer, Deny

    def decide(api: Any, match: Any, request: Any, stage: Any, invoke: Any) -> Allow | Deny:
        if request.header("authorization") == "let-me-in":
            return Allow({"lambda": {"user": "ada"}})
        return Deny(Answer.json(403, {"message": "Forbidden"}))

    runtime = localcloud.running()
    previous = runtime.apis.steps.register_authorizer(decide)
    try:
        denied = call("GET", apis.http + "echo/1")
        allowed = call("GET", apis.http + "echo/1", headers={"Authorization": "let-me-in"})
    finally:
        runtime.apis.steps.register_authorizer(previous)
    # what it replaced is this cloud's access control, which is back in place
    assert previous == runtime.reset.access.authorize
    assert (denied.status, denied.json()) == (403, {"message": "Forbidden"})
    assert allowed.json()["requestContext"]["authorizer"] == {"lambda": {"user": "ada"}}
