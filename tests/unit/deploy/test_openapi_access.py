"""What the API kinds read of an OpenAPI body's access control: authorizers, each operation's
security, HTTP API CORS and non-proxy integrations (in the shapes SAM writes them)."""

from __future__ import annotations

from localcloud.deploy.openapi import Operation
from localcloud.deploy.openapi_access import (
    from_cloudformation,
    http_authorizers,
    http_cors,
    operation_of,
    rest_authorizers,
    rest_integration_arguments,
    rest_integration_responses,
    security_of,
)

URI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:fn/invocations"
SWAGGER = {
    "swagger": "2.0",
    "securityDefinitions": {
        "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
        "Token": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "custom",
            "x-amazon-apigateway-authorizer": {
                "type": "token",
                "authorizerUri": URI,
                "authorizerResultTtlInSeconds": 0,
            },
        },
        "Req": {
            "type": "apiKey",
            "name": "Unused",
            "in": "header",
            "x-amazon-apigateway-authorizer": {
                "type": "request",
                "authorizerUri": URI,
                "identitySource": "method.request.header.X-User",
            },
        },
    },
    "paths": {
        "/a": {
            "get": {"security": [{"Token": []}, {"api_key": []}]},
            "options": {
                "security": [],
                "x-amazon-apigateway-integration": {
                    "type": "mock",
                    "requestTemplates": {"application/json": '{"statusCode": 200}'},
                    "responses": {
                        "default": {
                            "statusCode": "200",
                            "responseParameters": {
                                "method.response.header.Access-Control-Allow-Origin": "'*'"
                            },
                        }
                    },
                },
            },
        }
    },
}


def test_rest_authorizers_as_create_authorizer_takes_them() -> None:
    specs = {spec.name: spec.arguments for spec in rest_authorizers(SWAGGER)}
    assert specs["Token"] == {
        "name": "Token",
        "type": "TOKEN",
        "authorizerUri": URI,
        "identitySource": "method.request.header.Authorization",
        "authorizerResultTtlInSeconds": 0,
    }
    assert specs["Req"]["identitySource"] == "method.request.header.X-User"
    assert "api_key" not in specs


def test_operation_security() -> None:
    get = security_of(SWAGGER, SWAGGER["paths"]["/a"]["get"])
    assert (get.authorizer, get.api_key) == ("Token", True)
    options = security_of(SWAGGER, SWAGGER["paths"]["/a"]["options"])
    assert (options.authorizer, options.api_key) == (None, False)
    assert operation_of(SWAGGER, Operation("/a", "GET", {})) is SWAGGER["paths"]["/a"]["get"]


def test_mock_integration_and_its_responses() -> None:
    integration = SWAGGER["paths"]["/a"]["options"]["x-amazon-apigateway-integration"]
    assert rest_integration_arguments(integration) == {
        "type": "MOCK",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
    }
    assert rest_integration_responses(integration) == [
        {
            "statusCode": "200",
            "responseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'"},
        }
    ]


def test_http_authorizers_scopes_and_cors() -> None:
    document = {
        "openapi": "3.0.1",
        "x-amazon-apigateway-cors": {"allowOrigins": ["https://a"], "maxAge": 60},
        "components": {
            "securitySchemes": {
                "Jwt": {
                    "type": "oauth2",
                    "x-amazon-apigateway-authorizer": {
                        "type": "jwt",
                        "identitySource": "$request.header.Authorization",
                        "jwtConfiguration": {"issuer": "https://i", "audience": ["c"]},
                    },
                },
                "Fn": {
                    "type": "apiKey",
                    "x-amazon-apigateway-authorizer": {
                        "type": "request",
                        "authorizerUri": URI,
                        "identitySource": ["$request.header.x-key"],
                        "enableSimpleResponses": True,
                    },
                },
            }
        },
        "paths": {"/j": {"get": {"security": [{"Jwt": ["read"]}]}}},
    }
    specs = {spec.name: spec.arguments for spec in http_authorizers(document)}
    assert specs["Jwt"]["JwtConfiguration"] == {"Issuer": "https://i", "Audience": ["c"]}
    assert specs["Fn"]["AuthorizerPayloadFormatVersion"] == "2.0"
    assert specs["Fn"]["EnableSimpleResponses"] is True
    assert security_of(document, document["paths"]["/j"]["get"]).scopes == ("read",)
    assert http_cors(document) == {"AllowOrigins": ["https://a"], "MaxAge": 60}


def test_a_methods_integration_reads_as_a_definitions() -> None:
    converted = from_cloudformation(
        {
            "Type": "AWS",
            "Uri": "arn:aws:apigateway:us-east-1:sqs:path/1/q",
            "RequestTemplates": {"application/json": "Action=SendMessage"},
            "IntegrationResponses": [
                {"StatusCode": "200"},
                {"StatusCode": "400", "SelectionPattern": "4\\d\\d"},
            ],
        }
    )
    assert rest_integration_arguments(converted)["type"] == "AWS"
    assert [r.get("selectionPattern") for r in rest_integration_responses(converted)] == [
        None,
        "4\\d\\d",
    ]


def test_a_sigv4_scheme_asks_for_aws_iam() -> None:
    """SAM's ``Auth: {Authorizer: AWS_IAM}`` is a security scheme with awsSigv4, not a key."""
    document = {
        "securityDefinitions": {
            "AWS_IAM": {
                "in": "header",
                "type": "apiKey",
                "name": "Authorization",
                "x-amazon-apigateway-authtype": "awsSigv4",
            }
        }
    }
    security = security_of(document, {"security": [{"AWS_IAM": []}]})
    assert (security.iam, security.api_key, security.authorizer) == (True, False, None)
    assert security_of(document, {}).iam is False


def test_a_security_requirement_it_cannot_apply_is_refused_by_name() -> None:
    """Never silently open: an undeclared scheme, or one API Gateway does not apply, is an error."""
    import pytest

    from localcloud.deploy.errors import TemplateError

    undeclared = {"paths": {}, "security": [{"Ghost": []}]}
    with pytest.raises(TemplateError, match="'Ghost' names no declared security scheme"):
        security_of(undeclared, {})
    basic = {
        "components": {"securitySchemes": {"Basic": {"type": "http", "scheme": "basic"}}},
        "security": [{"Basic": []}],
    }
    with pytest.raises(TemplateError, match=r"'Basic' \(http\) is not one API Gateway applies"):
        security_of(basic, {})
    assert security_of({"security": [{"NONE": []}]}, {}).authorizer is None
