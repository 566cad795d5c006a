"""Layers named by ARN: Powertools' public layers become the package in the function's build, a
supplied folder becomes a layer of the stack, and any other unknown layer stops the deploy before
anything is applied. (The Powertools case installs from the package index, once per machine.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deploy_support import aws, unique_stack

from localcloud.build import BuildCache
from localcloud.deploy import deploy, load_stack_state
from localcloud.deploy.layers import LayerNotFoundError

pytestmark = pytest.mark.integration

POWERTOOLS = (
    "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"
)
ELSEWHERE = "arn:aws:lambda:us-east-1:123456789012:layer:company-tools:3"

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers: [{layers}]
"""

APP = """
import importlib

def handler(event, context):
    module = importlib.import_module(event["module"])
    return getattr(module, "VALUE", None) or module.__name__
"""


def _project(tmp_path: Path, layers: str) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(APP)
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(layers=layers))
    return template


def _invoke(endpoint_url: str, name: str, module: str) -> tuple[object, str | None]:
    answer = aws("lambda", endpoint_url).invoke(
        FunctionName=name, Payload=json.dumps({"module": module})
    )
    return json.loads(answer["Payload"].read()), answer.get("FunctionError")


def test_a_powertools_layer_arn_installs_powertools_into_the_functions_build(
    endpoint_url: str, tmp_path: Path
) -> None:
    template = _project(tmp_path, POWERTOOLS)

    report = deploy(template, endpoint_url, stack=unique_stack("pt"), builds=BuildCache())

    name = report.resources["Fn"].physical_id
    assert _invoke(endpoint_url, name, "aws_lambda_powertools.logging") == (
        "aws_lambda_powertools.logging",
        None,
    )


def test_an_unknown_layer_stops_the_deploy_before_anything_is_applied(
    endpoint_url: str, tmp_path: Path
) -> None:
    template = _project(tmp_path, ELSEWHERE)
    stack = unique_stack("nolayer")

    expected = f"uses layer {ELSEWHERE}.*--layer {ELSEWHERE}=DIR"
    with pytest.raises(LayerNotFoundError, match=expected):
        deploy(template, endpoint_url, stack=stack)

    assert load_stack_state(endpoint_url, stack) is None


def test_a_supplied_layer_folder_stands_for_its_arn(endpoint_url: str, tmp_path: Path) -> None:
    template = _project(tmp_path, ELSEWHERE)
    content = tmp_path / "company-tools" / "python"
    content.mkdir(parents=True)
    (content / "company.py").write_text("VALUE = 'from the supplied layer'\n")

    report = deploy(
        template,
        endpoint_url,
        stack=unique_stack("supplied"),
        layers={ELSEWHERE: tmp_path / "company-tools"},
    )

    name = report.resources["Fn"].physical_id
    assert _invoke(endpoint_url, name, "company") == ("from the supplied layer", None)
