"""A handler imports what its function ships, as on AWS: its code, its layers, its built
requirements and the runtime's boto3; nothing of the local cloud's own environment."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from engine_support import unique

from localcloud.build import BuildCache

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "builds"))
from wheels import make_wheel

IMPORTS = """
import importlib

def handler(event, context):
    module = importlib.import_module(event["module"])
    return getattr(module, "VALUE", module.__name__)
"""


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _invoke(lam: Any, name: str, module: str) -> tuple[Any, str | None]:
    answer = lam.invoke(FunctionName=name, Payload=json.dumps({"module": module}))
    return json.loads(answer["Payload"].read()), answer.get("FunctionError")


@pytest.mark.parametrize("module", ["moto", "waitress", "localcloud", "pydantic"])
def test_importing_what_the_local_cloud_runs_on_fails_as_on_aws(
    make_function: Callable[..., str], lam: Any, module: str
) -> None:
    name = make_function("imports.handler", extra_files={"imports.py": f"import {module}\n"})

    answer = lam.invoke(FunctionName=name)
    payload, error = json.loads(answer["Payload"].read()), answer.get("FunctionError")

    assert error == "Unhandled"
    assert payload["errorType"] == "Runtime.ImportModuleError"
    assert f"No module named '{module}'" in payload["errorMessage"]


def test_the_runtime_boto3_is_importable(make_function: Callable[..., str], lam: Any) -> None:
    name = make_function("imports.handler", extra_files={"imports.py": IMPORTS})

    assert _invoke(lam, name, "botocore.session") == ("botocore.session", None)


def test_a_functions_requirements_and_a_layers_site_packages_are_on_its_path(
    localcloud: Any,
    lam: Any,
    role_arn: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(localcloud.runtime.catalog, "builds", BuildCache(tmp_path / "builds"))
    wheel = make_wheel(tmp_path, "fromrequirements", "VALUE = 'built'\n")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    layer = lam.publish_layer_version(
        LayerName=unique("layer"),
        Content={
            "ZipFile": _zip({f"python/lib/{version}/site-packages/fromlayer.py": "VALUE = 7\n"})
        },
    )
    name = unique("fn")
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn,
        Handler="imports.handler",
        Code={"ZipFile": _zip({"imports.py": IMPORTS, "requirements.txt": f"{wheel}\n"})},
        Layers=[layer["LayerVersionArn"]],
    )
    try:
        assert _invoke(lam, name, "fromrequirements") == ("built", None)
        assert _invoke(lam, name, "fromlayer") == (7, None)
    finally:
        lam.delete_function(FunctionName=name)


def test_requirements_that_cannot_be_installed_fail_the_invoke_naming_the_function(
    localcloud: Any,
    lam: Any,
    role_arn: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(localcloud.runtime.catalog, "builds", BuildCache(tmp_path / "builds"))
    missing = tmp_path / "missing-1.0-py3-none-any.whl"
    name = unique("fn")
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn,
        Handler="imports.handler",
        Code={"ZipFile": _zip({"imports.py": IMPORTS, "requirements.txt": f"{missing}\n"})},
    )
    try:
        with pytest.raises(lam.exceptions.InvalidParameterValueException) as raised:
            lam.invoke(FunctionName=name, Payload=b"{}")
        assert f"build function {name}: installing its requirements failed" in str(raised.value)
    finally:
        lam.delete_function(FunctionName=name)
