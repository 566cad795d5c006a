"""Gateway responses: a REST API's own wording of API Gateway's refusals, by type or class."""

from __future__ import annotations

import json

from localcloud.apigw import denials
from localcloud.apigw.gateway_responses import configured_for, customize
from localcloud.apigw.mapping import MappedRequest

REQUEST = MappedRequest(
    "GET", "/p", {"origin": "https://a.example"}, {}, {}, "", {"requestId": "r1"}, {"env": "dev"}
)
RESPONSES = {
    "DEFAULT_4XX": {
        "responseParameters": {
            "gatewayresponse.header.Access-Control-Allow-Origin": "method.request.header.Origin"
        }
    },
    "UNAUTHORIZED": {
        "statusCode": "418",
        "responseTemplates": {
            "application/json": '{"why": $context.error.messageString, "id": "$context.requestId"}'
        },
    },
}


def test_a_type_of_its_own_wins() -> None:
    status, headers, body = customize(RESPONSES, denials.unauthorized(True, "no token"), REQUEST)
    assert status == 418
    assert json.loads(body) == {"why": "Unauthorized", "id": "r1"}
    assert ("x-amzn-ErrorType", "UnauthorizedException") in headers


def test_the_class_default_applies_to_other_types() -> None:
    denial = denials.forbidden(True, "no key")
    status, headers, body = customize(RESPONSES, denial, REQUEST)
    assert (status, json.loads(body)) == (403, {"message": "Forbidden"})
    assert ("Access-Control-Allow-Origin", "https://a.example") in headers


def test_nothing_configured_or_http_api_denials_keep_aws_defaults() -> None:
    assert configured_for({}, denials.unauthorized(True, "x")) is None
    assert configured_for(RESPONSES, denials.unauthorized(False, "x")) is None
    assert configured_for(RESPONSES, denials.authorizer_failed(True, "x")) is None


def test_the_cores_own_refusals_are_reworded_and_an_integrations_answer_is_not() -> None:
    from localcloud.apigw import payloads
    from localcloud.apigw.gateway_responses import reword
    from localcloud.apigw.model import REST, Answer

    asked: list[str] = []

    def request() -> MappedRequest:
        asked.append("mapped")
        return REQUEST

    not_found = reword(RESPONSES, payloads.not_found(REST), request)
    assert not_found.status == 403 and not_found.response_type == ""
    assert ("Access-Control-Allow-Origin", "https://a.example") in not_found.headers
    assert ("x-amzn-ErrorType", "MissingAuthenticationTokenException") in not_found.headers
    assert json.loads(not_found.body) == {"message": "Missing Authentication Token"}
    # a 5xx with only DEFAULT_4XX configured, and a function's own 404, stay as they are
    failed = payloads.integration_failure(REST)
    assert reword(RESPONSES, failed, request) is failed
    own = Answer(404, (("Content-Type", "text/plain"),), b"nope")
    assert reword(RESPONSES, own, request) is own
    assert asked == ["mapped"]
