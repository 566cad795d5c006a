"""The access-control steps on API views, with a fake invoker: which authorizer runs, what the
function receives, API keys after authorizers, and which page origins an API's CORS admits."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

from localcloud.apigw.access import AccessControl
from localcloud.apigw.apikeys import ApiKey, KeyRing, UsagePlan
from localcloud.apigw.jwt_auth import JwksSource
from localcloud.apigw.model import Allow, ApiRequest, ApiView, Deny, Match, RouteView, StageView
from localcloud.apigw.steps import InvokeOutcome
from localcloud.emulator.apigw_views import IntegrationView

URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"
)
PROXY = IntegrationView("i1", "AWS_PROXY", "arn:fn", "1.0")
STAGE = StageView("prod")


def api(*routes: RouteView, key_source: str = "HEADER") -> ApiView:
    return ApiView(
        id="abc",
        name="a",
        protocol="REST",
        region="us-east-1",
        account="123456789012",
        routes=routes,
        stages=MappingProxyType({"prod": STAGE}),
        authorizers=MappingProxyType(
            {
                "t1": {
                    "id": "t1",
                    "name": "Token",
                    "type": "TOKEN",
                    "authorizerUri": URI,
                    "identitySource": "method.request.header.Authorization",
                    "authorizerResultTtlInSeconds": 0,
                }
            }
        ),
        api_key_source=key_source,
    )


def request(**headers: str) -> ApiRequest:
    return ApiRequest(
        method="GET",
        path="/pets",
        query="",
        headers=tuple(headers.items()),
        body=b"",
        source_ip="127.0.0.1",
        host="localhost",
        stage="prod",
        request_id="r1",
        received=0.0,
    )


class Invoker:
    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(
        self, function: str, payload: bytes, context: Any, timeout_s: float
    ) -> InvokeOutcome:
        self.calls.append((function, json.loads(payload)))
        return InvokeOutcome(json.dumps(self.answer).encode())


def allow(**extra: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}
    return {"principalId": "ann", "policyDocument": {"Statement": [statement]}, **extra}


RING = KeyRing(
    (ApiKey("k1", "good-key-value"),),
    (UsagePlan("p1", "p", frozenset({("abc", "prod")}), frozenset({"k1"})),),
)


def control() -> AccessControl:
    return AccessControl(JwksSource({}), lambda region, account: RING)


def test_custom_route_runs_the_authorizer_function_from_its_uri() -> None:
    route = RouteView("GET /pets", PROXY, "CUSTOM", "t1")
    invoker = Invoker(allow(context={"tier": 1}))
    decision = control().authorize(
        api(route), Match(route), request(Authorization="tok"), STAGE, invoker
    )
    assert isinstance(decision, Allow)
    assert decision.context is not None and decision.context["principalId"] == "ann"
    function, event = invoker.calls[0]
    assert function == "arn:aws:lambda:us-east-1:123456789012:function:auth"
    assert event["methodArn"] == "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets"


def test_api_key_checked_after_the_authorizer_and_sourced_from_it() -> None:
    route = RouteView("GET /pets", PROXY, "CUSTOM", "t1", api_key_required=True)
    view = api(route, key_source="AUTHORIZER")
    keyed = control().authorize(
        view,
        Match(route),
        request(Authorization="tok"),
        STAGE,
        Invoker(allow(usageIdentifierKey="good-key-value")),
    )
    assert isinstance(keyed, Allow)
    unkeyed = control().authorize(
        view, Match(route), request(Authorization="tok"), STAGE, Invoker(allow())
    )
    assert isinstance(unkeyed, Deny) and unkeyed.answer.status == 403


def test_unknown_authorizer_is_500_and_a_cognito_route_without_token_401() -> None:
    missing = RouteView("GET /pets", PROXY, "CUSTOM", "missing")
    decision = control().authorize(api(missing), Match(missing), request(), STAGE, Invoker({}))
    assert isinstance(decision, Deny) and decision.answer.status == 500
    cognito = RouteView("GET /pets", PROXY, "COGNITO_USER_POOLS", "t1")
    decision = control().authorize(api(cognito), Match(cognito), request(), STAGE, Invoker({}))
    assert isinstance(decision, Deny) and decision.answer.status == 401


def test_rest_origins_come_from_options_mock_responses() -> None:
    options = RouteView(
        "OPTIONS /pets",
        IntegrationView(
            "i2",
            "MOCK",
            "",
            "1.0",
            raw={
                "integrationResponses": {
                    "200": {
                        "responseParameters": {
                            "method.response.header.Access-Control-Allow-Origin": "'https://a.example'"
                        }
                    }
                }
            },
        ),
    )
    view = api(options)
    assert AccessControl.allows_origin(view, "https://a.example")
    assert not AccessControl.allows_origin(view, "https://b.example")
    assert not AccessControl.allows_origin(api(), "https://a.example")
