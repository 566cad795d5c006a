"""Deploying REST and HTTP APIs: SAM's Api and HttpApi events, the kinds SAM emits, idempotent
redeploys, and bad definitions refused with one clear error naming the resource."""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import (
    PartialDeployError,
    TemplateError,
    deploy,
    destroy,
)

pytestmark = pytest.mark.integration

EVENTS = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Http: {Type: HttpApi, Properties: {Path: "/users/{id}", Method: GET}}
        Rest: {Type: Api, Properties: {Path: /users, Method: post}}
Outputs:
  HttpUrl:
    Value: !Sub "https://${ServerlessHttpApi}.execute-api.${AWS::Region}.amazonaws.com/"
"""

MISSING_FUNCTION = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        openapi: "3.0.1"
        info: {title: missing, version: "1"}
        paths:
          /users:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                payloadFormatVersion: "2.0"
                uri: arn:aws:lambda:us-east-1:123456789012:function:no-such-function
"""

BROKEN_DEFINITION = """
Transform: AWS::Serverless-2016-10-31
Resources:
  BrokenApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionUri: api.yaml
"""

WITH_CORS = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Http: {Type: HttpApi, Properties: {Path: /x, Method: GET}}
Globals:
  HttpApi:
    CorsConfiguration:
      AllowOrigins: ["https://example.com"]
"""


def test_sam_api_and_http_api_events_deploy_idempotently(tmp_path: Path, endpoint_url: str) -> None:
    template = write_template(tmp_path, EVENTS, ("fn",))
    stack = unique_stack("apis")
    first = deploy(template, endpoint_url, stack=stack)
    assert first.resources["ServerlessHttpApi"].type == "AWS::ApiGatewayV2::Api"
    assert first.resources["ServerlessRestApi"].type == "AWS::ApiGateway::RestApi"
    http_id = first.resources["ServerlessHttpApi"].physical_id
    rest_id = first.resources["ServerlessRestApi"].physical_id
    routes = aws("apigatewayv2", endpoint_url).get_routes(ApiId=http_id)["Items"]
    assert [r["RouteKey"] for r in routes] == ["GET /users/{id}"]
    resources = aws("apigateway", endpoint_url).get_resources(restApiId=rest_id)["items"]
    assert {r["path"]: sorted(r.get("resourceMethods") or {}) for r in resources} == {
        "/": [],
        "/users": ["POST"],
    }
    stages = aws("apigateway", endpoint_url).get_stages(restApiId=rest_id)["item"]
    assert {s["stageName"] for s in stages} >= {"Prod"}
    assert first.local_urls["HttpUrl"] == f"{endpoint_url}/_aws/execute-api/{http_id}/"
    assert f"local: {endpoint_url}/_aws/execute-api/{http_id}/" in first.summary()

    second = deploy(template, endpoint_url, stack=stack)
    assert not second.changed
    assert second.resources["ServerlessHttpApi"].physical_id == http_id

    destroy(endpoint_url, stack)
    ids = {a["ApiId"] for a in aws("apigatewayv2", endpoint_url).get_apis()["Items"]}
    assert http_id not in ids


def test_a_changed_route_updates_the_api_in_place(tmp_path: Path, endpoint_url: str) -> None:
    template = write_template(tmp_path, EVENTS, ("fn",))
    stack = unique_stack("apis")
    first = deploy(template, endpoint_url, stack=stack)
    http_id = first.resources["ServerlessHttpApi"].physical_id
    template.write_text(EVENTS.replace('"/users/{id}", Method: GET', '"/people/{id}", Method: PUT'))
    second = deploy(template, endpoint_url, stack=stack)
    assert "ServerlessHttpApi" in second.updated
    assert second.resources["ServerlessHttpApi"].physical_id == http_id
    routes = aws("apigatewayv2", endpoint_url).get_routes(ApiId=http_id)["Items"]
    assert [r["RouteKey"] for r in routes] == ["PUT /people/{id}"]
    destroy(endpoint_url, stack)


def test_a_route_naming_a_missing_function_fails_naming_the_resource(
    tmp_path: Path, endpoint_url: str
) -> None:
    template = write_template(tmp_path, MISSING_FUNCTION)
    with pytest.raises(PartialDeployError) as failure:
        deploy(template, endpoint_url, stack=unique_stack("apis"))
    message = str(failure.value)
    assert "'Api'" in message
    assert "no-such-function" in message and "does not exist" in message


def test_a_definition_that_does_not_parse_fails_naming_the_resource(
    tmp_path: Path, endpoint_url: str
) -> None:
    template = write_template(tmp_path, BROKEN_DEFINITION)
    (tmp_path / "api.yaml").write_text("openapi: 3.0.1\npaths: {/users: [unclosed\n")
    with pytest.raises(TemplateError) as failure:
        deploy(template, endpoint_url, stack=unique_stack("apis"))
    message = str(failure.value)
    assert "'BrokenApi'" in message and "api.yaml" in message
    assert "not valid OpenAPI" in message


def test_a_definition_that_is_not_openapi_fails_naming_the_resource(
    tmp_path: Path, endpoint_url: str
) -> None:
    template = write_template(tmp_path, BROKEN_DEFINITION)
    (tmp_path / "api.yaml").write_text("just: a mapping\n")
    with pytest.raises(TemplateError, match=r"'BrokenApi'.*has no 'openapi' or 'swagger'"):
        deploy(template, endpoint_url, stack=unique_stack("apis"))


def test_cors_configuration_is_applied(tmp_path: Path, endpoint_url: str) -> None:
    template = write_template(tmp_path, WITH_CORS, ("fn",))
    report = deploy(template, endpoint_url, stack=unique_stack("apis"))
    api = aws("apigatewayv2", endpoint_url).get_api(
        ApiId=report.resources["ServerlessHttpApi"].physical_id
    )
    assert api["CorsConfiguration"]["AllowOrigins"] == ["https://example.com"]
