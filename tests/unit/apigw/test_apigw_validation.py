"""REST request validation's pure core: required parameters, the model for a content type, a body
against its model (JSON Schema draft 4, models referring to models), and the 400s it answers."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

from localcloud.apigw import validation
from localcloud.apigw.model import ApiRequest, ApiView, Match, RouteView

USER = json.dumps(
    {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}, "address": {"$ref": "#/definitions/address"}},
    }
)
ADDRESS = json.dumps(
    {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}
)
SCHEMAS = {"user": USER, "address": ADDRESS}


def request(
    query: str = "", headers: tuple[tuple[str, str], ...] = (), body: bytes = b""
) -> ApiRequest:
    return ApiRequest("POST", "/users", query, headers, body, "127.0.0.1", "h", "Prod", "r", 0.0)


def api(body: bool, parameters: bool) -> tuple[ApiView, Match]:
    route = RouteView(
        key="POST /users",
        integration=None,
        request_validator_id="v1",
        request_parameters=MappingProxyType(
            {
                "method.request.header.X-Tenant": True,
                "method.request.querystring.q": True,
                "method.request.querystring.opt": False,
            }
        ),
        request_models=MappingProxyType({"application/json": "user"}),
    )
    view = ApiView(
        id="a",
        name="a",
        protocol="REST",
        region="us-east-1",
        account="1",
        routes=(route,),
        stages={},
        request_validators={
            "v1": {"validateRequestBody": body, "validateRequestParameters": parameters}
        },
        models={name: {"name": name, "schema": text} for name, text in SCHEMAS.items()},
    )
    return view, Match(route)


def test_missing_and_blank_parameters_are_named_in_order() -> None:
    required = [
        "method.request.header.X-Tenant",
        "method.request.querystring.q",
        "method.request.path.id",
        "method.request.querystring.z",
    ]
    got = validation.missing_parameters(
        required, request("q=%20&z=1", (("x-tenant", "acme"),)), {"id": ""}
    )
    assert got == ["q", "id"]


def test_present_parameters_pass() -> None:
    got = validation.missing_parameters(
        ["method.request.header.X-Tenant", "method.request.querystring.q"],
        request("q=1", (("X-Tenant", "acme"),)),
        {},
    )
    assert got == []


def test_the_model_is_the_content_types_then_default_else_none() -> None:
    models = {"application/json": "user", "$default": "any"}
    assert validation.model_for(models, None) == "user"
    assert validation.model_for(models, "Application/JSON; charset=utf-8") == "user"
    assert validation.model_for(models, "text/plain") == "any"
    assert validation.model_for({"application/json": "user"}, "text/plain") is None


def test_a_body_is_checked_against_its_model_and_the_models_it_refers_to() -> None:
    assert validation.body_errors(b'{"name": "ann"}', "user", SCHEMAS) == []
    assert (
        validation.body_errors(b'{"name": "ann", "address": {"city": "x"}}', "user", SCHEMAS) == []
    )
    missing = validation.body_errors(b'{"address": {}}', "user", SCHEMAS)
    assert len(missing) == 2 and "'name' is a required property" in missing[0]
    assert "'city' is a required property" in missing[1]
    assert validation.body_errors(b"{not json", "user", SCHEMAS)[0].startswith("the body is not")
    assert validation.body_errors(b"", "user", SCHEMAS) != []


def test_references_in_api_gateway_and_openapi_forms_resolve() -> None:
    for ref in (
        "https://apigateway.amazonaws.com/restapis/abc/models/address",
        "#/components/schemas/address",
    ):
        schemas = {**SCHEMAS, "user": USER.replace("#/definitions/address", ref)}
        assert validation.body_errors(b'{"name": "a", "address": {}}', "user", schemas) != []
        assert (
            validation.body_errors(b'{"name": "a", "address": {"city": "c"}}', "user", schemas)
            == []
        )


def test_check_refuses_missing_parameters_first_with_awss_message() -> None:
    view, match = api(body=True, parameters=True)
    answer = validation.check(view, match, request("", (), b"{}"))
    assert answer is not None and answer.status == 400
    assert json.loads(answer.body) == {
        "message": "Missing required request parameters: [X-Tenant, q]"
    }
    assert answer.response_type == "BAD_REQUEST_PARAMETERS"


def test_check_refuses_an_invalid_body_and_passes_a_valid_one() -> None:
    view, match = api(body=True, parameters=True)
    good: Any = (("X-Tenant", "t"), ("Content-Type", "application/json"))
    answer = validation.check(view, match, request("q=1", good, b'{"name": 1}'))
    assert answer is not None and answer.status == 400
    assert json.loads(answer.body) == {"message": "Invalid request body"}
    assert answer.response_type == "BAD_REQUEST_BODY" and "'string'" in answer.reason
    assert validation.check(view, match, request("q=1", good, b'{"name": "n"}')) is None


def test_a_parameters_only_validator_lets_any_body_through() -> None:
    view, match = api(body=False, parameters=True)
    assert validation.check(view, match, request("q=1", (("X-Tenant", "t"),), b"nope")) is None


def test_a_body_only_validator_ignores_parameters() -> None:
    view, match = api(body=True, parameters=False)
    assert validation.check(view, match, request("", (), b'{"name": "n"}')) is None


def test_a_method_without_a_validator_is_not_checked() -> None:
    view, _ = api(body=True, parameters=True)
    bare = Match(RouteView(key="POST /users", integration=None))
    assert validation.check(view, bare, request()) is None


def test_gateway_responses_see_the_validation_error_string() -> None:
    from localcloud.apigw.gateway_responses import reword
    from localcloud.apigw.mapping import MappedRequest

    view, match = api(body=True, parameters=True)
    refusal = validation.check(view, match, request("q=1", (("X-Tenant", "t"),), b'{"name": 1}'))
    assert refusal is not None
    responses = {
        "BAD_REQUEST_BODY": {
            "statusCode": "422",
            "responseTemplates": {
                "application/json": '{"why": "$context.error.validationErrorString"}'
            },
        }
    }
    mapped = MappedRequest("POST", "/users", {}, {}, {}, "", {}, {})
    answer = reword(responses, refusal, lambda: mapped)
    assert answer.status == 422
    assert "is not of type 'string'" in json.loads(answer.body)["why"]
