"""SAM's AutoPublishAlias: new local code publishes a new version holding it and moves the alias
there, as `sam deploy` does; an unchanged folder publishes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import deploy, destroy

pytestmark = pytest.mark.integration

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: worker/
      AutoPublishAlias: live
"""


def test_new_code_publishes_a_version_and_moves_the_alias(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("autopub")
    template = write_template(tmp_path, TEMPLATE, functions=("worker",))
    function = f"{stack}-Worker"
    lam = aws("lambda", endpoint_url)

    deploy(template, endpoint_url, stack=stack)
    first = lam.get_alias(FunctionName=function, Name="live")["FunctionVersion"]
    unchanged = deploy(template, endpoint_url, stack=stack)
    (tmp_path / "worker" / "app.py").write_text("def handler(event, context):\n    return 2\n")
    changed = deploy(template, endpoint_url, stack=stack)
    second = lam.get_alias(FunctionName=function, Name="live")["FunctionVersion"]
    versions = {
        v["Version"]: v["CodeSha256"]
        for v in lam.list_versions_by_function(FunctionName=function)["Versions"]
    }
    destroy(endpoint_url, stack)

    assert unchanged.created == [] and unchanged.updated == []
    assert any(lid.startswith("WorkerVersion") for lid in changed.created)
    assert "WorkerAliaslive" in changed.updated
    assert (first, second) == ("1", "2")
    assert versions["2"] == versions["$LATEST"]
