"""Local code: CodeUri/ContentUri rewriting before the SAM transform, and reproducible zips."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from localcloud.deploy import CodeNotFoundError, DeployError
from localcloud.deploy.packaging import (
    PLACEHOLDER_BUCKET,
    inline_package,
    local_code_path,
    package,
    rewrite_code_uris,
)


def _code(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "app.py").write_text("def handler(e, c):\n    return e\n")
    (folder / "lib").mkdir()
    (folder / "lib" / "helper.py").write_text("X = 1\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "app.cpython-313.pyc").write_bytes(b"\0")
    (folder / "stale.pyc").write_bytes(b"\0")
    return folder


def test_local_code_uris_become_placeholders_relative_to_the_template(tmp_path: Path) -> None:
    _code(tmp_path / "src" / "fn")
    _code(tmp_path / "layer")
    template: dict[str, Any] = {
        "Globals": {"Function": {"CodeUri": "src/fn"}},
        "Resources": {
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "src/fn/"}},
            "Remote": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "s3://b/k"}},
            "Layer": {
                "Type": "AWS::Serverless::LayerVersion",
                "Properties": {"ContentUri": "layer"},
            },
            "Plain": {"Type": "AWS::Lambda::Function", "Properties": {"Code": "./src/fn"}},
        },
    }

    rewritten = rewrite_code_uris(template, tmp_path)

    folder = (tmp_path / "src" / "fn").resolve()
    uri = f"s3://{PLACEHOLDER_BUCKET}{folder.as_posix()}"
    resources = rewritten["Resources"]
    assert resources["Fn"]["Properties"]["CodeUri"] == uri
    assert rewritten["Globals"]["Function"]["CodeUri"] == uri
    assert resources["Remote"]["Properties"]["CodeUri"] == "s3://b/k"
    assert local_code_path(resources["Layer"]["Properties"]["ContentUri"]) == tmp_path / "layer"
    assert resources["Plain"]["Properties"]["Code"] == {
        "S3Bucket": PLACEHOLDER_BUCKET,
        "S3Key": folder.as_posix().lstrip("/"),
    }
    assert local_code_path(resources["Plain"]["Properties"]["Code"]) == folder
    assert template["Resources"]["Fn"]["Properties"]["CodeUri"] == "src/fn/"  # input untouched


def test_an_auto_published_functions_placeholder_carries_its_code_digest(tmp_path: Path) -> None:
    """As `sam deploy` uploads new code under a new key, so SAM names a new Version."""
    folder = _code(tmp_path / "fn")
    template: dict[str, Any] = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"CodeUri": "fn", "AutoPublishAlias": "live"},
            },
            "Other": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "fn"}},
        }
    }

    first = rewrite_code_uris(template, tmp_path)["Resources"]
    digest = package(folder).sha256
    (folder / "app.py").write_text("def handler(e, c):\n    return 2\n")
    second = rewrite_code_uris(template, tmp_path)["Resources"]

    uri = first["Fn"]["Properties"]["CodeUri"]
    plain = first["Other"]["Properties"]["CodeUri"]
    assert uri == f"{plain}?versionId={digest}"
    assert second["Fn"]["Properties"]["CodeUri"] == f"{plain}?versionId={package(folder).sha256}"
    assert second["Fn"]["Properties"]["CodeUri"] != uri
    assert local_code_path(uri) == folder.resolve()


def test_missing_code_folder_names_the_function_and_the_path(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Greeter": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "gone/"}}
        }
    }
    with pytest.raises(CodeNotFoundError) as caught:
        rewrite_code_uris(template, tmp_path)
    assert isinstance(caught.value, DeployError)
    assert "function 'Greeter'" in str(caught.value)
    assert str(tmp_path / "gone") in str(caught.value)
    assert "create the folder or fix CodeUri" in str(caught.value)


def test_missing_layer_folder_names_the_layer(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Deps": {"Type": "AWS::Serverless::LayerVersion", "Properties": {"ContentUri": "x"}}
        }
    }
    with pytest.raises(CodeNotFoundError, match=r"layer 'Deps': ContentUri 'x' points to"):
        rewrite_code_uris(template, tmp_path)


def test_zip_skips_caches_and_is_reproducible(tmp_path: Path) -> None:
    folder = _code(tmp_path / "fn")
    first, second = package(folder), package(folder)
    assert first.zip_bytes == second.zip_bytes and first.sha256 == second.sha256
    names = zipfile.ZipFile(io.BytesIO(first.zip_bytes)).namelist()
    assert names == ["app.py", "lib/helper.py"]

    (folder / "app.py").write_text("def handler(e, c):\n    return 2\n")
    assert package(folder).sha256 != first.sha256


def test_inline_code_is_zipped_as_index(tmp_path: Path) -> None:
    built = inline_package("def handler(e, c): pass", "python3.12")
    assert zipfile.ZipFile(io.BytesIO(built.zip_bytes)).namelist() == ["index.py"]
    assert zipfile.ZipFile(io.BytesIO(inline_package("x", "nodejs20.x").zip_bytes)).namelist() == [
        "index.js"
    ]
