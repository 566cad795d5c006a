"""A REST API's gateway responses reword API Gateway's own refusals too, not only its
authorizers': an unknown route (MISSING_AUTHENTICATION_TOKEN), a function that fails
(INTEGRATION_FAILURE), an integration naming no function (DEFAULT_5XX), a body over 10 MB
(REQUEST_TOO_LARGE). A function's own 5xx answer is never reworded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from apiauth_support import call, function_uri

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Api:
    base: str
    plain: str  # an API with no gateway responses


def _rest_api(cloud: Any, name: str, responses: bool) -> str:
    client = cloud.client("apigateway")
    api = client.create_rest_api(name=name)["id"]
    root = next(r["id"] for r in client.get_resources(restApiId=api)["items"] if r["path"] == "/")
    for path, function in (
        ("ok", "apiauth-it-backend"),
        ("broken", "apiauth-it-token"),  # a proxy event has no authorizationToken: it raises
        ("missing", "apiauth-it-no-such-function"),
    ):
        resource = client.create_resource(restApiId=api, parentId=root, pathPart=path)["id"]
        client.put_method(
            restApiId=api, resourceId=resource, httpMethod="ANY", authorizationType="NONE"
        )
        client.put_integration(
            restApiId=api,
            resourceId=resource,
            httpMethod="ANY",
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=function_uri(cloud.region, function),
        )
    if responses:
        client.put_gateway_response(
            restApiId=api,
            responseType="MISSING_AUTHENTICATION_TOKEN",
            statusCode="404",
            responseTemplates={
                "application/json": '{"error": $context.error.messageString, '
                '"type": "$context.error.responseType", "stage": "$context.stage"}'
            },
        )
        client.put_gateway_response(
            restApiId=api,
            responseType="INTEGRATION_FAILURE",
            responseParameters={"gatewayresponse.header.X-Failure": "'integration'"},
        )
        client.put_gateway_response(
            restApiId=api,
            responseType="DEFAULT_5XX",
            responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
        )
        client.put_gateway_response(
            restApiId=api,
            responseType="REQUEST_TOO_LARGE",
            responseTemplates={"application/json": '{"limit": "10 MB"}'},
        )
    client.create_deployment(restApiId=api, stageName="v1")
    return f"{cloud.endpoint_url}/_aws/execute-api/{api}/v1/"


@pytest.fixture(scope="module")
def api(localcloud: Any, stack: dict[str, str]) -> Api:
    return Api(
        _rest_api(localcloud, "core-responses", True),
        _rest_api(localcloud, "core-responses-plain", False),
    )


def test_an_unknown_route_is_reworded_by_missing_authentication_token(api: Api) -> None:
    reply = call("GET", api.base + "nowhere")
    assert reply.status == 404
    assert reply.json() == {
        "error": "Missing Authentication Token",
        "type": "MISSING_AUTHENTICATION_TOKEN",
        "stage": "v1",
    }
    plain = call("GET", api.plain + "nowhere")
    assert (plain.status, plain.json()) == (403, {"message": "Missing Authentication Token"})


def test_a_failed_function_is_reworded_by_integration_failure(api: Api) -> None:
    reply = call("GET", api.base + "broken")
    assert (reply.status, reply.json()) == (502, {"message": "Internal server error"})
    assert reply.header("X-Failure") == "integration"
    assert reply.header("Access-Control-Allow-Origin") is None  # its type's, not DEFAULT_5XX's
    assert call("GET", api.plain + "broken").header("X-Failure") is None


def test_a_missing_function_falls_back_to_default_5xx(api: Api) -> None:
    reply = call("GET", api.base + "missing")
    assert (reply.status, reply.json()) == (500, {"message": "Internal server error"})
    assert reply.header("Access-Control-Allow-Origin") == "*"


def test_a_body_over_10_mb_is_reworded_by_request_too_large(api: Api) -> None:
    reply = call("POST", api.base + "ok", body=b"x" * (10 * 1024 * 1024 + 1))
    assert (reply.status, reply.json()) == (413, {"limit": "10 MB"})


def test_a_functions_own_answer_is_left_alone(api: Api) -> None:
    reply = call("GET", api.base + "ok")
    assert reply.status == 200
    assert reply.header("Access-Control-Allow-Origin") is None
