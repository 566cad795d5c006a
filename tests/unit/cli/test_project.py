"""A command finds its SAM project as sam does: the template here, samconfig.toml beside it."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from localcloud.cli.common import UsageError
from localcloud.cli.project import load_project, parse_overrides, stack_name

SAMCONFIG = """
version = 0.1
[default.deploy.parameters]
stack_name = "shop"
parameter_overrides = "Stage=dev Greeting=\\"hello there\\""
layers = "arn:aws:lambda:us-east-1:123456789012:layer:tools:3=vendor/tools"
"""


def test_template_yml_here_is_found_and_samconfig_gives_stack_and_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "template.yml").write_text("Resources: {}\n")
    (tmp_path / "samconfig.toml").write_text(SAMCONFIG)
    monkeypatch.chdir(tmp_path)

    project = load_project()

    assert project.template == Path("template.yml")
    assert project.stack_name == "shop"
    assert project.parameter_overrides() == {"Stage": "dev", "Greeting": "hello there"}
    assert project.layers() == [
        f"arn:aws:lambda:us-east-1:123456789012:layer:tools:3={tmp_path / 'vendor/tools'}"
    ]
    assert stack_name(argparse.Namespace(stack=None), project) == "shop"
    assert stack_name(argparse.Namespace(stack="mine"), project) == "mine"


def test_template_yaml_comes_before_template_yml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "template.yml").write_text("Resources: {}\n")
    (tmp_path / "template.yaml").write_text("Resources: {}\n")
    monkeypatch.chdir(tmp_path)

    assert load_project().template == Path("template.yaml")


def test_a_folder_without_a_template_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(UsageError, match=f"no template.yaml or template.yml in {tmp_path}"):
        load_project()
    assert stack_name(argparse.Namespace(stack=None, template=None)) == "localcloud"


def test_events_are_looked_up_in_the_projects_folder(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "template.yaml").write_text("Resources: {}\n")

    project = load_project(str(tmp_path / "app" / "template.yaml"))

    assert project.event_folders()[0] == tmp_path / "app" / "events"


def test_parameter_overrides_take_both_of_sams_spellings() -> None:
    assert parse_overrides(["A=1", "ParameterKey=B,ParameterValue=x=y"]) == {"A": "1", "B": "x=y"}
    with pytest.raises(UsageError, match="Key=Value"):
        parse_overrides(["novalue"])
