"""AWS::Include of a local file while planning: the file's content takes the transform's place
(an API's DefinitionBody, most often), and what CloudFormation would refuse is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from localcloud.deploy import plan_template
from localcloud.deploy.errors import TemplateError
from localcloud.deploy.includes import inline_includes
from localcloud.deploy.template import parse_template

URI = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Orders.Arn}/invocations"
API = f"""openapi: "3.0.1"
info:
  title: orders
  version: "2026-12-05"
paths:
  /orders:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        payloadFormatVersion: "2.0"
        uri:
          Fn::Sub: {URI}
"""

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: api/orders.yaml
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: orders/
      Handler: app.handler
      Runtime: python3.12
"""


def _project(tmp_path: Path, api: str = API) -> dict:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "orders.yaml").write_text(api)
    (tmp_path / "orders").mkdir()
    return parse_template(TEMPLATE)


def test_an_included_definition_body_is_read_in_place(tmp_path: Path) -> None:
    template = _project(tmp_path)

    included = inline_includes(template, tmp_path)

    body = included["Resources"]["Api"]["Properties"]["DefinitionBody"]
    assert body["info"]["version"] == "2026-12-05"  # a string, not a date
    assert body["paths"]["/orders"]["post"]["x-amazon-apigateway-integration"]["uri"] == {
        "Fn::Sub": URI
    }
    assert "Fn::Transform" in template["Resources"]["Api"]["Properties"]["DefinitionBody"]


def test_a_template_with_an_included_api_plans_its_routes(tmp_path: Path) -> None:
    plan = plan_template(_project(tmp_path), tmp_path)

    api = plan.resources["Api"]["Properties"]["Body"]
    assert list(api["paths"]) == ["/orders"]
    assert plan.order.index("Orders") < plan.order.index("Api")


def test_a_short_form_tag_in_an_included_file_is_refused_with_the_long_form(
    tmp_path: Path,
) -> None:
    template = _project(
        tmp_path, API.replace("Fn::Sub: arn", "!Sub arn").replace("uri:\n", "uri: ")
    )

    with pytest.raises(TemplateError) as caught:
        inline_includes(template, tmp_path)

    message = str(caught.value)
    assert "Resources.Api.Properties.DefinitionBody" in message
    assert "'api/orders.yaml' uses a short-form tag" in message and "write Fn::Sub" in message


def test_a_missing_file_names_where_it_was_looked_for(tmp_path: Path) -> None:
    template = parse_template(TEMPLATE)

    with pytest.raises(TemplateError, match=r"Location 'api/orders.yaml' points to .*api/orders"):
        inline_includes(template, tmp_path)


def test_an_s3_location_says_to_name_the_local_file(tmp_path: Path) -> None:
    template = parse_template(TEMPLATE.replace("api/orders.yaml", "s3://bucket/orders.yaml"))

    with pytest.raises(TemplateError, match="point Location at the local file"):
        inline_includes(template, tmp_path)
