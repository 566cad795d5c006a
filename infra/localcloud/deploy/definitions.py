"""Local state machine definitions: a SAM ``DefinitionUri`` naming a file is read before the
transform.

``sam deploy`` uploads a local ``DefinitionUri`` (an ``.asl.json`` or ``.asl.yaml`` file) to S3
and the translator only takes S3 locations; locally the file is read and put in the resource as
``Definition``, which the translator writes into the state machine's ``DefinitionString``, so
``DefinitionSubstitutions`` apply to it the same way.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from localcloud.deploy.errors import CodeNotFoundError, TemplateError

STATE_MACHINE = "AWS::Serverless::StateMachine"


def inline_definition_uris(template: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """A copy of ``template`` whose state machines' local ``DefinitionUri`` files are inlined."""
    template = copy.deepcopy(template)
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        uri = properties.get("DefinitionUri")
        if resource["Type"] != STATE_MACHINE or not isinstance(uri, str):
            continue
        if uri.startswith("s3://"):
            continue
        properties["Definition"] = _read(logical_id, base_dir / uri, uri, base_dir)
        del properties["DefinitionUri"]
    return template


def _read(logical_id: str, path: Path, uri: str, base_dir: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodeNotFoundError(
            f"state machine {logical_id!r}: DefinitionUri {uri!r} points to {path.resolve()}, "
            f"which cannot be read ({exc.strerror}; paths are relative to the template folder "
            f"{base_dir}); create the file or fix DefinitionUri"
        ) from exc
    try:
        definition = yaml.safe_load(text)  # JSON is YAML: .asl.json and .asl.yaml alike
    except yaml.YAMLError as exc:
        raise TemplateError(
            f"state machine {logical_id!r}: DefinitionUri {uri!r} is neither JSON nor YAML: {exc}"
        ) from exc
    if not isinstance(definition, dict):
        raise TemplateError(
            f"state machine {logical_id!r}: DefinitionUri {uri!r} must hold a state machine "
            f"definition (an object with StartAt and States), got {type(definition).__name__}"
        )
    return definition
