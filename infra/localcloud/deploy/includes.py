"""``Fn::Transform`` with ``AWS::Include`` naming a local file, put in place while planning.

Public templates keep an API's OpenAPI document in a file of its own and include it:
``DefinitionBody: {Fn::Transform: {Name: AWS::Include, Parameters: {Location: api.yaml}}}``.
``sam deploy`` uploads the file to S3 and CloudFormation includes it before the SAM transform,
so the document's long-form intrinsics (``Fn::Sub: ...${Function.Arn}``) are resolved like the
template's own. Locally the file is read (relative to the template's folder) and its content
replaces the ``Fn::Transform`` wherever it stands. Like CloudFormation, a snippet takes the long
form only: a short-form tag (``!Sub``) in it is refused with what to write instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from localcloud.deploy.errors import TemplateError

INCLUDE = "AWS::Include"


class _SnippetLoader(yaml.SafeLoader):
    """A SafeLoader that keeps timestamps as strings, as CloudFormation reads them."""


_SnippetLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def inline_includes(template: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """A copy of ``template`` with every local ``AWS::Include`` replaced by the file's content."""
    included: dict[str, Any] = _walk(template, base_dir, "")
    return included


def _walk(value: Any, base_dir: Path, where: str) -> Any:
    if isinstance(value, dict):
        transform = value.get("Fn::Transform")
        if len(value) == 1 and isinstance(transform, dict) and transform.get("Name") == INCLUDE:
            return _include(transform, base_dir, where or "the template")
        return {
            key: _walk(item, base_dir, f"{where}.{key}" if where else str(key))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_walk(item, base_dir, f"{where}[{index}]") for index, item in enumerate(value)]
    return value


def _include(transform: dict[str, Any], base_dir: Path, where: str) -> Any:
    location = (transform.get("Parameters") or {}).get("Location")
    if not isinstance(location, str) or not location:
        raise TemplateError(
            f"{where}: AWS::Include needs Parameters.Location, the path of the file to include"
        )
    if location.startswith("s3://"):
        raise TemplateError(
            f"{where}: AWS::Include of {location} is not read from S3 locally; point Location "
            "at the local file (sam deploy uploads it for AWS)"
        )
    path = (base_dir / location).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(
            f"{where}: AWS::Include Location {location!r} points to {path}, which cannot be read "
            f"({exc.strerror}; paths are relative to the template folder {base_dir})"
        ) from exc
    try:
        return yaml.load(text, Loader=_SnippetLoader)  # a SafeLoader subclass
    except yaml.constructor.ConstructorError as exc:
        raise TemplateError(
            f"{where}: AWS::Include {location!r} uses a short-form tag ({exc.problem}); "
            "CloudFormation takes only the long form in included files: write Fn::Sub, "
            "Fn::GetAtt, Ref ... as keys"
        ) from exc
    except yaml.YAMLError as exc:
        raise TemplateError(
            f"{where}: AWS::Include {location!r} is not JSON or YAML: {exc}"
        ) from exc
