"""Local code for functions and layers: CodeUri rewriting before the SAM transform, and zipping.

The SAM translator only accepts S3 locations, so each local CodeUri/ContentUri becomes a placeholder
`s3://localcloud-local-code/<absolute folder>`; the Lambda kinds turn it back into the folder and
upload its zip directly. Zips are byte-for-byte reproducible, so their sha256 says whether code
changed.
"""

from __future__ import annotations

import copy
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localcloud.deploy.errors import CodeNotFoundError

PLACEHOLDER_BUCKET = "localcloud-local-code"
_SKIPPED_DIRS = {"__pycache__", ".git", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_SKIPPED_SUFFIXES = {".pyc", ".pyo"}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)

# resource type -> (property holding local code, what to call it in messages)
_CODE_PROPERTIES = {
    "AWS::Serverless::Function": ("CodeUri", "function"),
    "AWS::Serverless::LayerVersion": ("ContentUri", "layer"),
    "AWS::Lambda::Function": ("Code", "function"),
    "AWS::Lambda::LayerVersion": ("Content", "layer"),
}


@dataclass(frozen=True)
class Package:
    """A zipped code folder, ready for CreateFunction or PublishLayerVersion."""

    path: Path
    zip_bytes: bytes
    sha256: str


def placeholder_uri(folder: Path) -> str:
    """The placeholder S3 URI standing for a local folder."""
    return f"s3://{PLACEHOLDER_BUCKET}/{folder.resolve().as_posix().lstrip('/')}"


def local_code_path(location: Any) -> Path | None:
    """The local folder a placeholder S3 location (`{S3Bucket, S3Key}` or URI) stands for."""
    if isinstance(location, dict) and location.get("S3Bucket") == PLACEHOLDER_BUCKET:
        return Path("/" + str(location.get("S3Key", "")))
    if isinstance(location, str) and location.startswith(f"s3://{PLACEHOLDER_BUCKET}/"):
        key = location.removeprefix(f"s3://{PLACEHOLDER_BUCKET}/").partition("?versionId=")[0]
        return Path("/" + key)
    return None


def _local_uri(value: Any) -> bool:
    return isinstance(value, str) and not value.startswith("s3://")


def _placeholder(value: str, base_dir: Path, owner: str, what: str, prop: str) -> Any:
    folder = (base_dir / value).resolve()
    if not folder.is_dir() and not (folder.is_file() and folder.suffix == ".zip"):
        raise CodeNotFoundError(
            f"{what} {owner!r}: {prop} {value!r} points to {folder}, which does not exist "
            f"(paths are relative to the template folder {base_dir}); create the folder or fix "
            f"{prop}"
        )
    return placeholder_uri(folder)


def rewrite_code_uris(template: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """A copy of ``template`` with local code paths as placeholder S3 URIs; missing ones raise."""
    template = copy.deepcopy(template)
    globals_function = template.get("Globals", {}).get("Function", {})
    if isinstance(globals_function, dict) and _local_uri(globals_function.get("CodeUri")):
        globals_function["CodeUri"] = _placeholder(
            globals_function["CodeUri"], base_dir, "Globals", "function", "CodeUri"
        )
    for logical_id, resource in template["Resources"].items():
        prop, what = _CODE_PROPERTIES.get(resource["Type"], (None, ""))
        properties = resource.get("Properties", {})
        if prop is None or not _local_uri(properties.get(prop)):
            continue
        uri = _placeholder(properties[prop], base_dir, logical_id, what, prop)
        if resource["Type"] == "AWS::Serverless::Function" and (
            properties.get("AutoPublishAlias")
            or (isinstance(globals_function, dict) and globals_function.get("AutoPublishAlias"))
        ):
            uri = _with_digest(uri)
        if resource["Type"].startswith("AWS::Lambda::"):
            bucket, _, key = uri.removeprefix("s3://").partition("/")
            properties[prop] = {"S3Bucket": bucket, "S3Key": key}
        else:
            properties[prop] = uri
    return template


def _with_digest(uri: str) -> str:
    """The placeholder with the code's digest as its object version, as `sam deploy` gives each
    upload a new S3 key: SAM names an AutoPublishAlias version after the code location, so new
    code publishes a new version and moves the alias to it."""
    folder = local_code_path(uri)
    return uri if folder is None else f"{uri}?versionId={package(folder).sha256}"


def package(path: Path) -> Package:
    """Zip the folder at ``path`` reproducibly (skipping caches and bytecode)."""
    if path.is_file():
        data = path.read_bytes()
        return Package(path, data, hashlib.sha256(data).hexdigest())
    if not path.is_dir():
        raise CodeNotFoundError(
            f"code folder {path} does not exist any more; create it or fix CodeUri and deploy again"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(path.rglob("*")):
            relative = file.relative_to(path)
            if any(part in _SKIPPED_DIRS for part in relative.parts) or not file.is_file():
                continue
            if file.suffix in _SKIPPED_SUFFIXES:
                continue
            info = zipfile.ZipInfo(relative.as_posix(), date_time=_FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes())
    data = buffer.getvalue()
    return Package(path, data, hashlib.sha256(data).hexdigest())


def inline_package(source: str, runtime: str | None) -> Package:
    """A zip holding inline code (`ZipFile`/`InlineCode`) as `index.py` or `index.js`."""
    name = "index.js" if (runtime or "").startswith("nodejs") else "index.py"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
        info.external_attr = 0o644 << 16
        archive.writestr(info, source)
    data = buffer.getvalue()
    return Package(Path(name), data, hashlib.sha256(data).hexdigest())
