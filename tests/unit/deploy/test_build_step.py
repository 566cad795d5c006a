"""The deployer builds every local function's and layer's requirements before applying anything."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from localcloud.build import BuildCache
from localcloud.deploy import plan_template
from localcloud.deploy.engine import build
from localcloud.deploy.errors import DeployError
from localcloud.deploy.template import parse_template

sys.path.insert(0, str(Path(__file__).parents[1] / "builds"))
from wheels import make_wheel

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  One:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12, Layers: [!Ref Shared]}
  Two:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.other, Runtime: python3.12}
  Plain:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: plain/, Handler: app.handler, Runtime: python3.12}
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layer/}
    Metadata: {BuildMethod: python3.12}
"""


def _project(tmp_path: Path, function_requirement: str, layer_requirement: str) -> Path:
    for folder, requirement in (("src", function_requirement), ("layer", layer_requirement)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "requirements.txt").write_text(requirement + "\n")
    (tmp_path / "plain").mkdir()
    return tmp_path


def test_shared_code_folders_build_once_and_layers_build_too(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    project = _project(
        tmp_path, str(make_wheel(wheels, "fndep")), str(make_wheel(wheels, "layerdep"))
    )
    lines: list[str] = []
    builds = BuildCache(tmp_path / "cache", report=lines.append)
    plan = plan_template(parse_template(TEMPLATE, "template.yaml"), project)

    build(plan, builds)
    build(plan, builds)

    started = sorted(line.split(":")[0] for line in lines if "installing" in line)
    assert len(started) == 2
    assert started[0] == f"build function One ({project / 'src'})"
    # SAM names a layer version by its content: Shared<digest>
    assert started[1].startswith("build layer Shared")
    assert started[1].endswith(f"({project / 'layer'})")
    assert len(lines) == 4  # nothing more the second time


def test_a_requirement_that_cannot_be_installed_stops_the_deploy(tmp_path: Path) -> None:
    project = _project(tmp_path, str(tmp_path / "missing-1.0-py3-none-any.whl"), "")
    plan = plan_template(parse_template(TEMPLATE, "template.yaml"), project)

    with pytest.raises(DeployError, match=r"build function One .*\n(.|\n)*nothing was applied"):
        build(plan, BuildCache(tmp_path / "cache"))
