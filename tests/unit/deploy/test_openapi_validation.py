"""REST request validation in definitions and templates: what SAM writes for RequestModel and
RequestParameters is applied (validators, models, each method's parameters, models and
validator), what would not be applied is named, and the kinds land it where the data plane reads
it."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from localcloud.apigw import validation
from localcloud.apigw.model import ApiRequest, Match
from localcloud.deploy.errors import DeployError, TemplateError
from localcloud.deploy.kinds import KINDS, Context
from localcloud.deploy.openapi import unapplied_extensions
from localcloud.deploy.openapi_validation import (
    method_request,
    model_schema,
    models,
    schema_problem,
    validators,
)
from localcloud.emulator import backends

MOCK = {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'}}
USER = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
VALIDATORS = {
    "body-and-params": {"validateRequestBody": True, "validateRequestParameters": True},
    "params-only": {"validateRequestBody": False, "validateRequestParameters": True},
}


def swagger() -> dict[str, Any]:
    """What aws-sam-translator writes for RequestModel (Required, ValidateBody) and
    RequestParameters (Required, Caching) on a Swagger 2 API."""
    return {
        "swagger": "2.0",
        "x-amazon-apigateway-request-validators": VALIDATORS,
        "definitions": {"user": USER},
        "paths": {
            "/users": {
                "post": {
                    "x-amazon-apigateway-integration": {
                        **MOCK,
                        "cacheKeyParameters": ["method.request.header.X-Tenant"],
                    },
                    "x-amazon-apigateway-request-validator": "body-and-params",
                    "parameters": [
                        {
                            "in": "body",
                            "name": "user",
                            "required": True,
                            "schema": {"$ref": "#/definitions/user"},
                        },
                        {"in": "header", "name": "X-Tenant", "required": True, "type": "string"},
                        {"in": "query", "name": "q", "required": True, "type": "string"},
                        {"in": "query", "name": "opt", "required": False, "type": "string"},
                    ],
                }
            }
        },
    }


def openapi3() -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "x-amazon-apigateway-request-validators": VALIDATORS,
        "x-amazon-apigateway-request-validator": "params-only",
        "components": {"schemas": {"user": USER}},
        "paths": {
            "/users/{id}": {
                "parameters": [{"in": "path", "name": "id", "required": True}],
                "put": {
                    "x-amazon-apigateway-integration": MOCK,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/user"}},
                            "text/plain": {"schema": {"type": "string", "maxLength": 3}},
                        },
                    },
                },
            }
        },
    }


def test_sams_swagger_is_applied_whole() -> None:
    body = swagger()
    assert unapplied_extensions(body, "Body", validation=True) == []
    request = method_request(body, "/users", "POST", body["paths"]["/users"]["post"])
    assert request.validator == "body-and-params"
    assert request.parameters == {
        "method.request.header.X-Tenant": True,
        "method.request.querystring.q": True,
        "method.request.querystring.opt": False,
    }
    assert request.models == {"application/json": "user"}
    assert request.inline == {}
    assert validators(body)["params-only"] == {
        "validateRequestBody": False,
        "validateRequestParameters": True,
    }


def test_openapi3_bodies_path_parameters_and_the_documents_default_validator() -> None:
    body = openapi3()
    assert unapplied_extensions(body, "Body", validation=True) == []
    request = method_request(body, "/users/{id}", "PUT", body["paths"]["/users/{id}"]["put"])
    assert request.validator == "params-only"
    assert request.parameters == {"method.request.path.id": True}
    assert request.models == {"application/json": "user", "text/plain": "PutUsersIdBody"}
    assert request.inline == {"PutUsersIdBody": {"type": "string", "maxLength": 3}}
    assert models(body) == {"user": USER}


def test_http_apis_have_no_request_validation() -> None:
    assert "Body.x-amazon-apigateway-request-validators" in unapplied_extensions(swagger(), "Body")


def test_an_unknown_validator_a_missing_model_and_a_bad_schema_are_named() -> None:
    body = swagger()
    operation = body["paths"]["/users"]["post"]
    operation["x-amazon-apigateway-request-validator"] = "strict"
    operation["parameters"][0]["schema"] = {"$ref": "#/definitions/person"}
    body["definitions"]["broken"] = {"type": 12}
    body["definitions"]["remote"] = {"$ref": "other.json#/x"}
    body["x-amazon-apigateway-request-validator"] = "nope"
    stray = unapplied_extensions(body, "Body", validation=True)
    assert any("x-amazon-apigateway-request-validator='nope'" in s for s in stray)
    assert any("post.x-amazon-apigateway-request-validator='strict'" in s for s in stray)
    assert any("body model '#/definitions/person'" in s or "'person'" in s for s in stray)
    assert any(s.startswith("Body.definitions.broken (not a JSON Schema") for s in stray)
    assert any(s.startswith("Body.definitions.remote ($ref 'other.json#/x'") for s in stray)
    assert len(stray) == 5


def test_a_models_references_become_api_gateway_model_urls() -> None:
    schema = {"properties": {"a": {"$ref": "#/definitions/user"}, "b": {"$ref": "#/x"}}}
    assert json.loads(model_schema(schema, "abc")) == {
        "properties": {
            "a": {"$ref": "https://apigateway.amazonaws.com/restapis/abc/models/user"},
            "b": {"$ref": "#/x"},
        }
    }


def test_schema_problems() -> None:
    assert schema_problem(USER) is None
    assert schema_problem(json.dumps(USER)) is None
    assert schema_problem("{oops") is not None
    assert schema_problem({"required": "name"}) is not None
    assert schema_problem([]) is not None


def test_the_model_kind_refuses_a_schema_that_is_not_draft_4_while_planning() -> None:
    kind = KINDS["AWS::ApiGateway::Model"]
    assert kind.unapplied({"RestApiId": "a", "Schema": USER}) == []
    assert kind.unapplied({"RestApiId": "a", "Schema": {"Ref": "S"}}) == []
    assert kind.unapplied({"RestApiId": "a", "Schema": {"type": 3}})[0].startswith("Schema (")
    assert kind.unapplied({"RestApiId": "a", "Schema": USER, "Junk": 1}) == ["Junk"]


# -- the kinds against moto, read back as the data plane reads them ---------------------------


class _MotoContext(Context):
    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=self.region)  # type: ignore[call-overload]


CTX = _MotoContext(endpoint_url="", region="us-east-1", account_id="123456789012", stack="s")


def _request(query: str, headers: dict[str, str], body: bytes) -> ApiRequest:
    return ApiRequest(
        "POST", "/users", query, tuple(headers.items()), body, "127.0.0.1", "h", "p", "r", 0.0
    )


def test_a_body_lands_validators_models_and_methods_the_data_plane_checks() -> None:
    with mock_aws():
        api_id = KINDS["AWS::ApiGateway::RestApi"].create("Api", {"Body": swagger()}, CTX)
        view = backends.api(api_id, "us-east-1")
        assert view is not None
        (route,) = view.routes
        validator = route.request_validator_id or ""
        assert view.request_validators[validator]["name"] == "body-and-params"
        assert dict(route.request_models) == {"application/json": "user"}
        assert json.loads(view.models["user"]["schema"]) == USER
        ok = {"X-Tenant": "t", "Content-Type": "application/json"}
        assert validation.check(view, Match(route), _request("q=1", ok, b'{"name":"a"}')) is None
        bad = validation.check(view, Match(route), _request("q=1", ok, b'{"name":1}'))
        assert bad is not None and bad.response_type == "BAD_REQUEST_BODY"
        missing = validation.check(view, Match(route), _request("", {}, b'{"name":"a"}'))
        assert missing is not None
        assert json.loads(missing.body)["message"].endswith("[X-Tenant, q]")


def test_a_changed_body_replaces_validators_and_models() -> None:
    with mock_aws():
        kind = KINDS["AWS::ApiGateway::RestApi"]
        api_id = kind.create("Api", {"Body": swagger()}, CTX)
        kind.update("Api", api_id, {"Body": swagger()}, {"Body": openapi3()}, CTX)
        client = boto3.client("apigateway", region_name="us-east-1")
        names = sorted(v["name"] for v in client.get_request_validators(restApiId=api_id)["items"])
        assert names == ["body-and-params", "params-only"]
        assert sorted(m["name"] for m in client.get_models(restApiId=api_id)["items"]) == [
            "PutUsersIdBody",
            "user",
        ]


def test_the_request_validator_model_and_method_kinds() -> None:
    with mock_aws():
        client = boto3.client("apigateway", region_name="us-east-1")
        api_id = client.create_rest_api(name="kinds")["id"]
        root = client.get_resources(restApiId=api_id)["items"][0]["id"]
        validator = KINDS["AWS::ApiGateway::RequestValidator"].create(
            "BodyOnly",
            {"RestApiId": api_id, "ValidateRequestBody": "true"},
            CTX,
        )
        model = KINDS["AWS::ApiGateway::Model"].create(
            "User", {"RestApiId": api_id, "Schema": USER}, CTX
        )
        KINDS["AWS::ApiGateway::Method"].create(
            "Post",
            {
                "RestApiId": api_id,
                "ResourceId": root,
                "HttpMethod": "POST",
                "RequestValidatorId": validator,
                "RequestModels": {"application/json": model},
                "Integration": {"Type": "MOCK"},
            },
            CTX,
        )
        view = backends.api(api_id, "us-east-1")
        assert view is not None
        (route,) = view.routes
        assert route.request_validator_id == validator and model == "User"
        assert dict(view.request_validators[validator]) == {
            "name": "BodyOnly",
            "validateRequestBody": True,
            "validateRequestParameters": False,
        }
        refused = validation.check(view, Match(route), _request("", {}, b"[]"))
        assert refused is not None and refused.status == 400
        KINDS["AWS::ApiGateway::RequestValidator"].delete(validator, {"RestApiId": api_id}, CTX)
        KINDS["AWS::ApiGateway::Model"].delete(model, {"RestApiId": api_id}, CTX)
        assert client.get_request_validators(restApiId=api_id)["items"] == []
        assert client.get_models(restApiId=api_id)["items"] == []


def test_the_model_kind_refuses_a_bad_schema_when_created() -> None:
    with mock_aws(), pytest.raises(TemplateError, match="JSON Schema draft 4"):
        KINDS["AWS::ApiGateway::Model"].create("M", {"RestApiId": "x", "Schema": {"type": 3}}, CTX)


def test_a_method_naming_a_validator_or_model_the_api_lacks_is_refused() -> None:
    with mock_aws():
        client = boto3.client("apigateway", region_name="us-east-1")
        api_id = client.create_rest_api(name="kinds")["id"]
        root = client.get_resources(restApiId=api_id)["items"][0]["id"]
        method = {
            "RestApiId": api_id,
            "ResourceId": root,
            "HttpMethod": "POST",
            "Integration": {"Type": "MOCK"},
        }
        with pytest.raises(DeployError, match="RequestValidatorId 'nope'"):
            KINDS["AWS::ApiGateway::Method"].create(
                "Post", {**method, "RequestValidatorId": "nope"}, CTX
            )
        with pytest.raises(DeployError, match="model 'Ghost' for application/json"):
            KINDS["AWS::ApiGateway::Method"].create(
                "Post", {**method, "RequestModels": {"application/json": "Ghost"}}, CTX
            )
