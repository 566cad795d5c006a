"""Lambda authorizers: identity sources, events, answers, AWS's denials and the cache."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    ApiGatewayAuthorizerRequestV2,
    ApiGatewayAuthorizerToken,
)

from localcloud.apigw.authorizers import (
    Authorizers,
    FunctionAnswer,
    Grant,
    LambdaAuthorizer,
    RequestParts,
    check_identity_source,
    http_authorizer_context,
    http_request_event,
    rest_authorizer_context,
)
from localcloud.apigw.denials import Denial
from localcloud.apigw.policy import method_arn

ARN = method_arn("us-east-1", "123456789012", "abc123", "prod", "GET", "/pets")
TOKEN = LambdaAuthorizer(
    "auth1", "TokenAuth", True, "TOKEN", "arn:fn", ("method.request.header.Authorization",), 300
)


def policy(effect: str, **extra: Any) -> bytes:
    statement = {"Effect": effect, "Action": "execute-api:Invoke", "Resource": ARN}
    return json.dumps(
        {
            "principalId": "user-1",
            "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
            **extra,
        }
    ).encode()


class FakeFunction:
    def __init__(self, *answers: FunctionAnswer) -> None:
        self.answers = list(answers)
        self.events: list[dict[str, Any]] = []

    def __call__(self, function: str, event: dict[str, Any]) -> FunctionAnswer:
        self.events.append(event)
        return self.answers[min(len(self.events), len(self.answers)) - 1]


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def parts(**headers: str) -> RequestParts:
    return RequestParts({k.lower(): v for k, v in headers.items()}, {})


def no_event() -> dict[str, Any]:
    raise AssertionError("a TOKEN authorizer needs no proxy event")


def test_token_allow_gives_grant_with_context_and_event_shape() -> None:
    fn = FakeFunction(FunctionAnswer(False, policy("Allow", context={"tier": 2, "ok": True})))
    grant = Authorizers(fn).authorize(TOKEN, parts(Authorization="allow-me"), ARN, no_event)
    assert isinstance(grant, Grant)
    assert grant.principal_id == "user-1"
    ApiGatewayAuthorizerToken.model_validate(fn.events[0])
    assert fn.events[0]["authorizationToken"] == "allow-me"
    assert rest_authorizer_context(grant)["tier"] == "2"
    assert rest_authorizer_context(grant)["ok"] == "true"


def test_explicit_deny_is_rest_403_with_aws_message() -> None:
    fn = FakeFunction(FunctionAnswer(False, policy("Deny")))
    denial = Authorizers(fn).authorize(TOKEN, parts(Authorization="x"), ARN, no_event)
    assert isinstance(denial, Denial)
    assert denial.status == 403
    assert denial.body == {
        "Message": "User is not authorized to access this resource with an explicit deny"
    }
    assert ("x-amzn-ErrorType", "AccessDeniedException") in denial.headers


def test_missing_token_is_401_without_calling_the_function() -> None:
    fn = FakeFunction()
    denial = Authorizers(fn).authorize(TOKEN, parts(), ARN, no_event)
    assert isinstance(denial, Denial)
    assert (denial.status, denial.body) == (401, {"message": "Unauthorized"})
    assert fn.events == []


def test_token_failing_validation_expression_is_401() -> None:
    checked = LambdaAuthorizer(
        "a", "A", True, "TOKEN", "arn:fn", TOKEN.identity_sources, 0, r"^Bearer [a-z]+$"
    )
    fn = FakeFunction(FunctionAnswer(False, policy("Allow")))
    denial = Authorizers(fn).authorize(checked, parts(Authorization="Basic x"), ARN, no_event)
    assert isinstance(denial, Denial) and denial.status == 401
    assert fn.events == []


@pytest.mark.parametrize(
    ("payload", "status", "body"),
    [
        (b'{"errorMessage": "Unauthorized", "errorType": "Exception"}', 401, "Unauthorized"),
        (b'{"errorMessage": "boom", "errorType": "KeyError"}', 500, None),
    ],
)
def test_function_errors(payload: bytes, status: int, body: str | None) -> None:
    fn = FakeFunction(FunctionAnswer(True, payload))
    denial = Authorizers(fn).authorize(TOKEN, parts(Authorization="x"), ARN, no_event)
    assert isinstance(denial, Denial)
    assert (denial.status, denial.body) == (status, {"message": body})


@pytest.mark.parametrize(
    "payload",
    [b"null", b'{"principalId": "u"}', policy("Allow", context={"nested": {"a": 1}})],
)
def test_unreadable_answers_are_authorizer_configuration_errors(payload: bytes) -> None:
    fn = FakeFunction(FunctionAnswer(False, payload))
    denial = Authorizers(fn).authorize(TOKEN, parts(Authorization="x"), ARN, no_event)
    assert isinstance(denial, Denial)
    assert denial.status == 500
    assert ("x-amzn-ErrorType", "AuthorizerConfigurationException") in denial.headers


def test_cache_keyed_by_identity_and_expires_after_ttl() -> None:
    clock = Clock()
    fn = FakeFunction(FunctionAnswer(False, policy("Allow")))
    authorizers = Authorizers(fn, clock)
    for _ in range(3):
        assert isinstance(
            authorizers.authorize(TOKEN, parts(Authorization="a"), ARN, no_event), Grant
        )
    assert len(fn.events) == 1
    authorizers.authorize(TOKEN, parts(Authorization="b"), ARN, no_event)
    assert len(fn.events) == 2
    clock.now += 301
    authorizers.authorize(TOKEN, parts(Authorization="a"), ARN, no_event)
    assert len(fn.events) == 3


def test_cached_policy_is_evaluated_against_each_method_arn() -> None:
    fn = FakeFunction(FunctionAnswer(False, policy("Allow")))
    authorizers = Authorizers(fn)
    assert isinstance(authorizers.authorize(TOKEN, parts(Authorization="a"), ARN, no_event), Grant)
    other = ARN.replace("/GET/", "/DELETE/")
    denial = authorizers.authorize(TOKEN, parts(Authorization="a"), other, no_event)
    assert isinstance(denial, Denial) and denial.status == 403
    assert len(fn.events) == 1


def test_http_simple_response_and_v2_event() -> None:
    authorizer = LambdaAuthorizer(
        "h1", "Simple", False, "REQUEST", "arn:fn", ("$request.header.X-Key",), 0, None, "2.0", True
    )
    proxy = {
        "version": "2.0",
        "routeKey": "GET /pets",
        "rawPath": "/pets",
        "rawQueryString": "",
        "headers": {"x-key": "k"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.localhost",
            "domainPrefix": "abc123",
            "http": {
                "method": "GET",
                "path": "/pets",
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "t",
            },
            "requestId": "r",
            "routeKey": "GET /pets",
            "stage": "$default",
            "time": "05/Dec/2026:12:00:00 +0000",
            "timeEpoch": 1,
        },
        "body": "x",
        "isBase64Encoded": False,
    }
    fn = FakeFunction(
        FunctionAnswer(False, b'{"isAuthorized": true, "context": {"user": "ann"}}'),
        FunctionAnswer(False, b'{"isAuthorized": false}'),
    )
    authorizers = Authorizers(fn)
    request = RequestParts({"x-key": "k"}, {})
    grant = authorizers.authorize(authorizer, request, ARN, lambda: proxy)
    assert isinstance(grant, Grant)
    assert http_authorizer_context(grant, "2.0") == {"lambda": {"user": "ann"}}
    event = fn.events[0]
    ApiGatewayAuthorizerRequestV2.model_validate(event)
    assert event["identitySource"] == ["k"] and "body" not in event
    denial = authorizers.authorize(authorizer, request, ARN, lambda: proxy)
    assert isinstance(denial, Denial)
    assert (denial.status, denial.body, denial.headers) == (403, {"message": "Forbidden"}, ())


def test_http_v1_event_joins_identity_sources() -> None:
    event = http_request_event({"version": "1.0", "path": "/p"}, ARN, ("a", "b"), "1.0")
    assert event["identitySource"] == "a,b" and event["methodArn"] == ARN


def test_request_authorizer_reads_query_stage_and_context_sources() -> None:
    authorizer = LambdaAuthorizer(
        "r1",
        "Req",
        True,
        "REQUEST",
        "arn:fn",
        ("method.request.querystring.q", "stageVariables.v", "context.identity.sourceIp"),
        300,
    )
    fn = FakeFunction(FunctionAnswer(False, policy("Allow")))
    request = RequestParts({}, {"q": "1"}, {"v": "2"}, {"identity": {"sourceIp": "127.0.0.1"}})
    grant = Authorizers(fn).authorize(authorizer, request, ARN, lambda: {"path": "/pets"})
    assert isinstance(grant, Grant)
    assert fn.events[0]["type"] == "REQUEST" and fn.events[0]["methodArn"] == ARN


def test_identity_source_forms_are_checked() -> None:
    check_identity_source("method.request.header.Authorization", rest=True)
    check_identity_source("$request.querystring.token", rest=False)
    with pytest.raises(ValueError, match="identity source"):
        check_identity_source("$request.header.Authorization", rest=True)
