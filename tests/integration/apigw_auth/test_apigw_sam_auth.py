"""SAM's Auth, Cors and UsagePlan deployed as aws-sam-translator expands them (authorizers and
security in the OpenAPI body, CORS OPTIONS mocks, UsagePlan/ApiKey/UsagePlanKey resources),
then driven over real HTTP; a redeploy changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apiauth_support import Issuer, call

from localcloud.deploy import deploy

TEMPLATE = Path(__file__).parent / "sam" / "template.yaml"


@pytest.fixture(scope="module")
def sam(localcloud: Any, issuer: Issuer) -> dict[str, Any]:
    parameters = {"IssuerUrl": issuer.url}
    report = deploy(TEMPLATE, localcloud.endpoint_url, stack="apiauth-sam", parameters=parameters)
    again = deploy(TEMPLATE, localcloud.endpoint_url, stack="apiauth-sam", parameters=parameters)
    key = localcloud.client("apigateway").get_api_key(
        apiKey=report.outputs["ApiKeyId"], includeValue=True
    )
    return {
        "rest": report.local_urls["RestUrl"],
        "http": report.local_urls["HttpUrl"],
        "key": key["value"],
        "redeploy_changed": again.changed,
        "types": {record.type for record in report.resources.values()},
    }


def test_sam_expands_to_access_kinds_and_redeploys_unchanged(sam: dict[str, Any]) -> None:
    assert {
        "AWS::ApiGateway::UsagePlan",
        "AWS::ApiGateway::ApiKey",
        "AWS::ApiGateway::UsagePlanKey",
    } <= sam["types"]
    assert sam["redeploy_changed"] is False


def test_default_token_authorizer_from_sam(sam: dict[str, Any]) -> None:
    allowed = call("GET", sam["rest"] + "hello", headers={"Authorization": "allow-sam"})
    assert allowed.status == 200, allowed.body
    assert allowed.json()["requestContext"]["authorizer"]["principalId"] == "user-allow-sam"
    denied = call("GET", sam["rest"] + "hello", headers={"Authorization": "deny-sam"})
    assert denied.status == 403
    assert call("GET", sam["rest"] + "hello").status == 401


def test_api_key_required_with_sams_usage_plan(sam: dict[str, Any]) -> None:
    assert call("GET", sam["rest"] + "keyed").status == 403
    reply = call("GET", sam["rest"] + "keyed", headers={"x-api-key": sam["key"]})
    assert reply.status == 200, reply.body


def test_sam_cors_preflight_is_the_mock_options_method(sam: dict[str, Any]) -> None:
    reply = call(
        "OPTIONS",
        sam["rest"] + "hello",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    assert reply.status == 200, reply.body
    assert reply.header("Access-Control-Allow-Origin") == "https://app.example"
    assert reply.header("Access-Control-Allow-Headers") == "Authorization,X-Api-Key"


def test_http_api_jwt_and_simple_authorizers_from_sam(sam: dict[str, Any], issuer: Issuer) -> None:
    token = issuer.token(scope="orders/read")
    good = call("GET", sam["http"] + "jwt", headers={"Authorization": f"Bearer {token}"})
    assert good.status == 200, good.body
    assert good.json()["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] == "ann"
    forged = issuer.token(signer=issuer.stranger, scope="orders/read")
    bad = call("GET", sam["http"] + "jwt", headers={"Authorization": f"Bearer {forged}"})
    assert bad.status == 401
    assert call("GET", sam["http"] + "simple", headers={"x-key": "letmein"}).status == 200
    assert call("GET", sam["http"] + "simple", headers={"x-key": "nope"}).status == 403


def test_http_api_cors_configuration_from_sam(sam: dict[str, Any]) -> None:
    reply = call(
        "OPTIONS",
        sam["http"] + "jwt",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    assert reply.status == 204
    assert reply.header("access-control-allow-origin") == "https://app.example"
    assert reply.header("access-control-allow-headers") == "authorization"


def test_gateway_responses_word_the_refusals(sam: dict[str, Any]) -> None:
    unauthorized = call("GET", sam["rest"] + "hello")
    assert unauthorized.status == 401
    assert unauthorized.json() == {"error": "Unauthorized", "type": "UNAUTHORIZED"}
    assert unauthorized.header("WWW-Authenticate") == "Bearer"
    assert unauthorized.header("Access-Control-Allow-Origin") == "https://app.example"
    # ACCESS_DENIED is not customized: DEFAULT_4XX's header on AWS's own body
    denied = call("GET", sam["rest"] + "hello", headers={"Authorization": "deny-sam"})
    assert denied.status == 403
    assert denied.json() == {
        "Message": "User is not authorized to access this resource with an explicit deny"
    }
    assert denied.header("Access-Control-Allow-Origin") == "https://app.example"


def test_sams_default_4xx_rewords_an_unknown_route_too(sam: dict[str, Any]) -> None:
    reply = call("GET", sam["rest"] + "no/such/route")
    assert (reply.status, reply.json()) == (403, {"message": "Missing Authentication Token"})
    assert reply.header("Access-Control-Allow-Origin") == "https://app.example"
