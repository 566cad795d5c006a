"""Loading a CloudFormation/SAM template from YAML or JSON, short-form tags included.

`!Ref X` becomes `{"Ref": "X"}`, `!GetAtt A.B` becomes `{"Fn::GetAtt": ["A", "B"]}`, and every other
`!Tag` becomes `{"Fn::Tag": ...}`. Dates stay strings, as CloudFormation reads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from localcloud.deploy.errors import TemplateError

SERVERLESS_TRANSFORM = "AWS::Serverless-2016-10-31"

_SHORT_FORMS = (
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "Not",
    "Or",
    "ToJsonString",
    "Length",
)


class _TemplateLoader(yaml.SafeLoader):
    """A SafeLoader that knows the CloudFormation tags and keeps timestamps as strings."""


# CloudFormation reads `2010-09-09` as a string; YAML would read it as a date.
_TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    raise TemplateError(f"unexpected YAML node {node!r}")


def _ref(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Ref": _construct(loader, node)}


def _condition(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Condition": _construct(loader, node)}


def _get_att(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    value = _construct(loader, node)
    if isinstance(value, str):
        logical_id, _, attribute = value.partition(".")
        value = [logical_id, attribute]
    return {"Fn::GetAtt": value}


def _function(name: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        return {f"Fn::{name}": _construct(loader, node)}

    return construct


_TemplateLoader.add_constructor("!Ref", _ref)
_TemplateLoader.add_constructor("!Condition", _condition)
_TemplateLoader.add_constructor("!GetAtt", _get_att)
for _name in _SHORT_FORMS:
    _TemplateLoader.add_constructor(f"!{_name}", _function(_name))


def parse_template(text: str, source: str = "<template>") -> dict[str, Any]:
    """Parse template text (YAML or JSON) into the long-form dictionary and check its shape."""
    try:
        document = yaml.load(text, Loader=_TemplateLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise TemplateError(f"{source} is not valid YAML: {exc}") from exc
    validate_shape(document, source)
    return document  # type: ignore[no-any-return]


def load_template(path: Path) -> dict[str, Any]:
    """Read and parse the template at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(
            f"cannot read template {path}: {exc.strerror}; pass the path of a SAM template"
        ) from exc
    return parse_template(text, str(path))


def is_serverless(template: dict[str, Any]) -> bool:
    """Whether the template asks for the SAM transform."""
    transform = template.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    return SERVERLESS_TRANSFORM in transforms


def validate_shape(document: Any, source: str = "<template>") -> None:
    """Check what every template must have: a mapping with a non-empty Resources mapping."""
    if not isinstance(document, dict):
        raise TemplateError(
            f"{source} is not a CloudFormation template: expected a mapping at the top level, "
            f"got {type(document).__name__}"
        )
    resources = document.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError(
            f"{source} is not a CloudFormation template: it needs a non-empty 'Resources' mapping"
        )
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise TemplateError(
                f"resource {logical_id!r} in {source} needs a mapping with a string 'Type'"
            )
        properties = resource.get("Properties", {})
        if not isinstance(properties, dict):
            raise TemplateError(
                f"resource {logical_id!r} in {source}: 'Properties' must be a mapping, "
                f"got {type(properties).__name__}"
            )
    for section in ("Parameters", "Conditions", "Mappings", "Outputs", "Globals"):
        if section in document and not isinstance(document[section], dict):
            raise TemplateError(f"{source}: section {section!r} must be a mapping")
