"""OpenAPI definitions while planning: inlined, parsed, checked, and what would not be applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from localcloud.deploy.errors import TemplateError
from localcloud.deploy.openapi import inline_definitions, operations, unapplied_extensions
from localcloud.deploy.report import local_url

PROXY = {"type": "aws_proxy", "uri": "arn:aws:lambda:us-east-1:1:function:f"}


def test_a_local_definition_uri_is_inlined(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.1\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration:\n"
        "        type: aws_proxy\n        uri: u\n"
    )
    template = {
        "Resources": {
            "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"DefinitionUri": "api.yaml"}}
        }
    }
    inlined = inline_definitions(template, tmp_path)
    properties = inlined["Resources"]["Api"]["Properties"]
    assert "DefinitionUri" not in properties
    assert [op.route_key for op in operations(properties["DefinitionBody"])] == ["GET /a"]
    assert "DefinitionBody" not in template["Resources"]["Api"]["Properties"]  # a copy


def test_a_body_given_as_text_that_does_not_parse_names_the_resource(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Rest": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": "{paths: [oops"}}
        }
    }
    with pytest.raises(TemplateError, match=r"resource 'Rest' \(AWS::ApiGateway::RestApi\)"):
        inline_definitions(template, tmp_path)


def test_a_missing_definition_file_is_named(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Api": {"Type": "AWS::Serverless::Api", "Properties": {"DefinitionUri": "gone.yaml"}}
        }
    }
    with pytest.raises(TemplateError, match=r"'Api'.*gone.yaml.*does not exist"):
        inline_definitions(template, tmp_path)


def test_operations_list_methods_any_and_the_default_route() -> None:
    document = {
        "openapi": "3.0.1",
        "paths": {
            "/u/{id}": {"get": {"x-amazon-apigateway-integration": PROXY}, "parameters": []},
            "$default": {
                "x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": PROXY}
            },
        },
    }
    assert [op.route_key for op in operations(document)] == ["GET /u/{id}", "$default"]


def test_access_control_and_service_integrations_are_applied_others_unapplied() -> None:
    document = {
        "openapi": "3.0.1",
        "x-amazon-apigateway-cors": {"allowOrigins": ["*"]},
        "x-amazon-apigateway-request-validators": {},
        "components": {"securitySchemes": {"jwt": {}}},
        "paths": {
            "/a": {
                "get": {"security": [{"jwt": []}], "x-amazon-apigateway-integration": PROXY},
                "post": {"x-amazon-apigateway-integration": {"type": "aws", "uri": "u"}},
                "put": {"x-amazon-apigateway-integration": {"type": "http", "uri": "u"}},
            }
        },
    }
    assert unapplied_extensions(document, "Body") == [
        "Body.x-amazon-apigateway-request-validators",
        "Body.paths./a.put.x-amazon-apigateway-integration.type='http'",
    ]


def test_an_execute_api_output_gets_its_local_url() -> None:
    assert (
        local_url(
            "https://abc123.execute-api.us-east-1.amazonaws.com/Prod/users", "http://127.0.0.1:4566"
        )
        == "http://127.0.0.1:4566/_aws/execute-api/abc123/Prod/users"
    )
    assert (
        local_url("https://abc123.execute-api.us-east-1.amazonaws.com", "http://127.0.0.1:4566")
        == "http://127.0.0.1:4566/_aws/execute-api/abc123"
    )
    assert local_url("https://example.com/", "http://127.0.0.1:4566") is None
