"""Access control over real HTTP: Lambda authorizers (TOKEN, REQUEST with its cache, HTTP API
simple responses), JWT authorizers, API keys, CORS preflights, and an authorizer that throws.
Requests are plain urllib calls, as curl would send them."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from apiauth_support import HttpApi, Issuer, RestApi, call, request_trace
from aws_lambda_powertools.utilities.parser.models import (
    ApiGatewayAuthorizerRequest,
    ApiGatewayAuthorizerRequestV2,
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
)


def test_token_authorizer_allows_and_its_context_reaches_the_function(rest_api: RestApi) -> None:
    reply = call("GET", rest_api.base + "token", headers={"Authorization": "allow-ann"})
    assert reply.status == 200, reply.body
    event = reply.json()
    APIGatewayProxyEventModel.model_validate(event)
    authorizer = event["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "user-allow-ann"
    assert (authorizer["tier"], authorizer["admin"]) == ("2", "false")


def test_token_authorizer_denies_with_aws_answer(rest_api: RestApi) -> None:
    reply = call("GET", rest_api.base + "token", headers={"Authorization": "deny-bob"})
    assert reply.status == 403
    assert reply.json() == {
        "Message": "User is not authorized to access this resource with an explicit deny"
    }
    assert reply.header("x-amzn-ErrorType") == "AccessDeniedException"


def test_missing_token_and_unauthorized_are_401(rest_api: RestApi) -> None:
    for headers in ({}, {"Authorization": "unauthorized"}):
        reply = call("GET", rest_api.base + "token", headers=headers)
        assert (reply.status, reply.json()) == (401, {"message": "Unauthorized"})


def test_a_token_failing_the_validation_expression_is_401(rest_api: RestApi) -> None:
    # the function would deny this token (403); the expression refuses it before (401)
    reply = call("GET", rest_api.base + "token", headers={"Authorization": "garbage"})
    assert (reply.status, reply.json()) == (401, {"message": "Unauthorized"})


def test_an_authorizer_that_throws_is_500_and_the_api_keeps_serving(rest_api: RestApi) -> None:
    reply = call("GET", rest_api.base + "token", headers={"Authorization": "boom"})
    assert reply.status == 500
    assert reply.json() == {"message": None}
    assert reply.header("x-amzn-ErrorType") == "AuthorizerConfigurationException"
    after = call("GET", rest_api.base + "token", headers={"Authorization": "allow-again"})
    assert after.status == 200


def test_request_authorizer_is_cached_by_identity_source(rest_api: RestApi) -> None:
    def decided_by(user: str) -> dict[str, Any]:
        reply = call("GET", rest_api.base + "request", headers={"X-User": user})
        assert reply.status == 200, reply.body
        return dict(reply.json()["requestContext"]["authorizer"])

    first, second = decided_by("cached-ann"), decided_by("cached-ann")
    assert first["invocation"] == second["invocation"]  # one invocation for both requests
    assert first["principalId"] == "cached-ann"
    other = decided_by("cached-bob")
    assert other["invocation"] != first["invocation"]
    ApiGatewayAuthorizerRequest.model_validate(json.loads(first["event"]))


def test_request_authorizer_without_identity_is_401(rest_api: RestApi) -> None:
    reply = call("GET", rest_api.base + "request")
    assert (reply.status, reply.json()) == (401, {"message": "Unauthorized"})


def test_api_key_missing_wrong_and_valid(rest_api: RestApi) -> None:
    missing = call("GET", rest_api.base + "keyed")
    assert (missing.status, missing.json()) == (403, {"message": "Forbidden"})
    wrong = call("GET", rest_api.base + "keyed", headers={"x-api-key": "not-a-key-of-ours"})
    assert wrong.status == 403
    valid = call("GET", rest_api.base + "keyed", headers={"x-api-key": rest_api.key_value})
    assert valid.status == 200, valid.body


def test_rest_cors_preflight_from_the_mock_integration(rest_api: RestApi) -> None:
    reply = call(
        "OPTIONS",
        rest_api.base + "cors",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )
    assert reply.status == 200
    assert reply.header("Access-Control-Allow-Origin") == "https://app.example"
    assert reply.header("Access-Control-Allow-Methods") == "GET,POST,OPTIONS"


def test_http_simple_response_authorizer(http_api: HttpApi) -> None:
    allowed = call("GET", http_api.base + "simple", headers={"x-key": "letmein"})
    assert allowed.status == 200, allowed.body
    event = allowed.json()
    APIGatewayProxyEventV2Model.model_validate(event)
    lambda_context = event["requestContext"]["authorizer"]["lambda"]
    assert lambda_context["user"] == "ann"
    ApiGatewayAuthorizerRequestV2.model_validate(json.loads(lambda_context["event"]))
    refused = call("GET", http_api.base + "simple", headers={"x-key": "guess"})
    assert (refused.status, refused.json()) == (403, {"message": "Forbidden"})
    no_key = call("GET", http_api.base + "simple")
    assert (no_key.status, no_key.json()) == (401, {"message": "Unauthorized"})


def test_http_api_authorizer_that_throws_is_500(http_api: HttpApi) -> None:
    reply = call("GET", http_api.base + "simple", headers={"x-key": "boom"})
    assert (reply.status, reply.json()) == (500, {"message": "Internal Server Error"})
    assert call("GET", http_api.base + "simple", headers={"x-key": "letmein"}).status == 200


def test_jwt_with_bad_signature_is_401(http_api: HttpApi, issuer: Issuer) -> None:
    forged = issuer.token(signer=issuer.stranger, scope="orders/read")
    reply = call("GET", http_api.base + "jwt", headers={"Authorization": f"Bearer {forged}"})
    assert (reply.status, reply.json()) == (401, {"message": "Unauthorized"})
    assert 'error="invalid_token"' in (reply.header("www-authenticate") or "")


def test_jwt_good_token_claims_reach_the_handler(http_api: HttpApi, issuer: Issuer) -> None:
    token = issuer.token(scope="orders/read profile", email="ann@example.com")
    reply = call("GET", http_api.base + "jwt", headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 200, reply.body
    event = reply.json()
    APIGatewayProxyEventV2Model.model_validate(event)
    jwt = event["requestContext"]["authorizer"]["jwt"]
    assert jwt["claims"]["sub"] == "ann" and jwt["claims"]["email"] == "ann@example.com"
    assert jwt["scopes"] == ["orders/read", "profile"]


def test_jwt_without_the_routes_scope_is_403(http_api: HttpApi, issuer: Issuer) -> None:
    token = issuer.token(scope="profile")
    reply = call("GET", http_api.base + "jwt", headers={"Authorization": f"Bearer {token}"})
    assert (reply.status, reply.json()) == (403, {"message": "Forbidden"})


def test_http_cors_preflight_and_headers_on_answers(http_api: HttpApi) -> None:
    preflight = call(
        "OPTIONS",
        http_api.base + "open",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.header("access-control-allow-origin") == "https://app.example"
    assert preflight.header("access-control-allow-methods") == "GET,POST"
    assert preflight.header("access-control-max-age") == "300"
    answer = call("GET", http_api.base + "open", headers={"Origin": "https://app.example"})
    assert answer.status == 200
    assert answer.header("access-control-allow-origin") == "https://app.example"
    assert answer.header("access-control-expose-headers") == "x-trace"
    stranger = call("GET", http_api.base + "open", headers={"Origin": "https://evil.example"})
    assert stranger.header("access-control-allow-origin") is None


def test_the_authorizer_runs_under_the_request_in_its_trace(
    localcloud: Any, rest_api: RestApi
) -> None:
    reply = call("GET", rest_api.base + "token", headers={"Authorization": "allow-traced"})
    assert reply.status == 200
    request, hops = request_trace(localcloud, reply.header("x-amzn-RequestId"))
    invoked = [h.resource for h in hops if h.parent == request.id]
    assert any("apiauth-it-token" in r for r in invoked), invoked
    assert any("apiauth-it-backend" in r for r in invoked), invoked


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"throttle": {"rateLimit": 0.001, "burstLimit": 1}}, "Too Many Requests"),
        ({"quota": {"limit": 1, "period": "DAY"}}, "Limit Exceeded"),
    ],
)
def test_usage_plan_limits_answer_429(
    localcloud: Any, rest_api: RestApi, limits: dict[str, Any], message: str
) -> None:
    client = localcloud.client("apigateway")
    value = f"limited-{uuid.uuid4().hex}"
    key = client.create_api_key(name=value, enabled=True, value=value)["id"]
    plan = client.create_usage_plan(
        name=value, apiStages=[{"apiId": rest_api.api_id, "stage": "prod"}], **limits
    )["id"]
    client.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType="API_KEY")
    first = call("GET", rest_api.base + "keyed", headers={"x-api-key": value})
    assert first.status == 200, first.body
    second = call("GET", rest_api.base + "keyed", headers={"x-api-key": value})
    assert (second.status, second.json()) == (429, {"message": message})
