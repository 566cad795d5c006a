"""Resolving CloudFormation intrinsic functions, conditions, parameters and pseudo parameters.

The resolver is pure: resource values come from a ``lookup`` callable the engine supplies, so the
same code resolves a template against a live stack or against fakes in unit tests.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from localcloud.deploy.errors import TemplateError


class _NoValue:
    """The value of `Ref AWS::NoValue`: the enclosing property or list item disappears."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Final = _NoValue()

PSEUDO_PARAMETERS: Final = frozenset(
    {
        "AWS::AccountId",
        "AWS::NoValue",
        "AWS::NotificationARNs",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)

FUNCTIONS: Final = frozenset(
    {
        "Ref",
        "Fn::GetAtt",
        "Fn::Sub",
        "Fn::Join",
        "Fn::Select",
        "Fn::Split",
        "Fn::If",
        "Fn::Equals",
        "Fn::Not",
        "Fn::And",
        "Fn::Or",
        "Fn::FindInMap",
        "Fn::GetAZs",
        "Fn::Base64",
        "Fn::ToJsonString",
        "Fn::Length",
        "Condition",
    }
)

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")

# (logical id or parameter name, attribute or None for a Ref)
Reference = tuple[str, str | None]
Lookup = Callable[[str, str | None], Any]


def pseudo_parameters(region: str, account_id: str, stack: str) -> dict[str, Any]:
    """The pseudo parameter values for a stack in ``region`` of ``account_id``."""
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    if region.startswith("us-gov-"):
        partition = "aws-us-gov"
    return {
        "AWS::AccountId": account_id,
        "AWS::NoValue": NO_VALUE,
        "AWS::NotificationARNs": [],
        "AWS::Partition": partition,
        "AWS::Region": region,
        "AWS::StackId": (
            f"arn:{partition}:cloudformation:{region}:{account_id}:stack/{stack}/localcloud"
        ),
        "AWS::StackName": stack,
        "AWS::URLSuffix": "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com",
    }


def intrinsic_name(value: Any) -> str | None:
    """The function name if ``value`` is an intrinsic call (a one-key mapping `Ref`/`Fn::*`)."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
            return key
    return None


def _split_get_att(argument: Any, where: str) -> tuple[Any, Any]:
    if isinstance(argument, str):
        logical_id, _, attribute = argument.partition(".")
        return logical_id, attribute
    if isinstance(argument, list) and len(argument) == 2:
        return argument[0], argument[1]
    raise TemplateError(
        f"resource {where!r}: Fn::GetAtt expects [LogicalId, Attribute], got {argument!r}"
    )


def _sub_parts(argument: Any, where: str) -> tuple[str, dict[str, Any]]:
    if isinstance(argument, str):
        return argument, {}
    if (
        isinstance(argument, list)
        and len(argument) == 2
        and isinstance(argument[0], str)
        and isinstance(argument[1], dict)
    ):
        return argument[0], argument[1]
    raise TemplateError(
        f"resource {where!r}: Fn::Sub expects a string or [string, {{variables}}], got {argument!r}"
    )


def _sub_references(text: str, variables: Mapping[str, Any]) -> Iterator[Reference]:
    for match in _SUB_VARIABLE.finditer(text):
        name = match.group(1).strip()
        if name.startswith("!") or name in variables:
            continue
        if "." in name:
            logical_id, _, attribute = name.partition(".")
            yield logical_id, attribute
        else:
            yield name, None


def references(value: Any, where: str = "?") -> Iterator[Reference]:
    """Every Ref, GetAtt and Sub reference in ``value``; unknown intrinsics raise TemplateError."""
    if isinstance(value, list):
        for item in value:
            yield from references(item, where)
        return
    if not isinstance(value, dict):
        return
    name = intrinsic_name(value)
    if name is None:
        for item in value.values():
            yield from references(item, where)
        return
    if name not in FUNCTIONS:
        raise TemplateError(
            f"resource {where!r} uses the intrinsic function {name!r}, which the deployer does "
            f"not support; use one of {', '.join(sorted(FUNCTIONS - {'Condition'}))}"
        )
    argument = value[name]
    if name == "Ref":
        if isinstance(argument, str):
            yield argument, None
        else:
            yield from references(argument, where)
    elif name == "Fn::GetAtt":
        logical_id, attribute = _split_get_att(argument, where)
        if isinstance(logical_id, str):
            yield logical_id, attribute if isinstance(attribute, str) else "?"
        yield from references(attribute, where)
    elif name == "Fn::Sub":
        text, variables = _sub_parts(argument, where)
        yield from _sub_references(text, variables)
        yield from references(variables, where)
    else:
        yield from references(argument, where)


def resolve_parameters(
    definitions: Mapping[str, Any], overrides: Mapping[str, str] | None
) -> dict[str, Any]:
    """Parameter values from the template's definitions (defaults) and the caller's overrides."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(definitions))
    if unknown:
        raise TemplateError(
            f"parameter override(s) {', '.join(unknown)} are not declared in the template; "
            f"declared: {', '.join(sorted(definitions)) or '(none)'}"
        )
    values: dict[str, Any] = {}
    for name, definition in definitions.items():
        definition = definition if isinstance(definition, dict) else {}
        if name in overrides:
            raw: Any = overrides[name]
        elif "Default" in definition:
            raw = definition["Default"]
        else:
            raise TemplateError(
                f"parameter {name!r} has no Default and no value was given; "
                f"pass it as a parameter override {name}=VALUE"
            )
        kind = str(definition.get("Type", "String"))
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            value: Any = raw if isinstance(raw, list) else [p.strip() for p in str(raw).split(",")]
        else:
            value = (
                raw
                if isinstance(raw, str)
                else json.dumps(raw)
                if isinstance(raw, bool)
                else str(raw)
            )
        allowed = definition.get("AllowedValues")
        if allowed is not None and value not in [str(a) for a in allowed]:
            raise TemplateError(
                f"parameter {name!r} is {value!r}, expected one of {', '.join(map(str, allowed))}"
            )
        values[name] = value
    return values


class Resolver:
    """Resolves intrinsic functions against parameters, mappings, conditions and resources."""

    def __init__(
        self,
        *,
        parameters: Mapping[str, Any],
        pseudo: Mapping[str, Any],
        mappings: Mapping[str, Any] | None = None,
        conditions: Mapping[str, Any] | None = None,
        lookup: Lookup | None = None,
    ) -> None:
        self._values = {**pseudo, **parameters}
        self._mappings = mappings or {}
        self._conditions = conditions or {}
        self._lookup = lookup
        self._condition_values: dict[str, bool] = {}
        self._evaluating: set[str] = set()

    def condition(self, name: str, where: str = "Conditions") -> bool:
        """The value of the template condition ``name``."""
        if name in self._condition_values:
            return self._condition_values[name]
        if name not in self._conditions:
            raise TemplateError(
                f"resource {where!r} uses condition {name!r}, which is not declared in Conditions"
            )
        if name in self._evaluating:
            raise TemplateError(f"condition {name!r} refers to itself")
        self._evaluating.add(name)
        try:
            value = self.resolve(self._conditions[name], f"Conditions.{name}")
        finally:
            self._evaluating.discard(name)
        if not isinstance(value, bool):
            raise TemplateError(f"condition {name!r} must evaluate to true or false, got {value!r}")
        self._condition_values[name] = value
        return value

    def resolve(self, value: Any, where: str) -> Any:
        """``value`` with every intrinsic replaced by its value; AWS::NoValue entries dropped."""
        if isinstance(value, list):
            items = [self.resolve(item, where) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        name = intrinsic_name(value)
        if name is None and set(value) == {"Condition"} and isinstance(value["Condition"], str):
            name = "Condition"
        if name is None:
            resolved = {key: self.resolve(item, where) for key, item in value.items()}
            return {key: item for key, item in resolved.items() if item is not NO_VALUE}
        handler = _HANDLERS.get(name)
        if handler is None:
            raise TemplateError(
                f"resource {where!r} uses the intrinsic function {name!r}, which the deployer "
                f"does not support"
            )
        return handler(self, value[name], where)

    def _ref(self, name: str, where: str) -> Any:
        if name in self._values:
            return self._values[name]
        return self._resource(name, None, where)

    def _resource(self, logical_id: str, attribute: str | None, where: str) -> Any:
        if self._lookup is None:
            raise TemplateError(f"resource {where!r} refers to {logical_id!r}, which is unknown")
        return self._lookup(logical_id, attribute)

    def _text(self, value: Any, function: str, where: str) -> str:
        resolved = self.resolve(value, where)
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if isinstance(resolved, int | float | str):
            return str(resolved)
        raise TemplateError(f"resource {where!r}: {function} needs a string here, got {resolved!r}")

    def _list(self, value: Any, function: str, where: str) -> list[Any]:
        resolved = self.resolve(value, where)
        if not isinstance(resolved, list):
            raise TemplateError(f"resource {where!r}: {function} needs a list, got {resolved!r}")
        return resolved


def _fn_ref(resolver: Resolver, argument: Any, where: str) -> Any:
    name = resolver.resolve(argument, where)
    if not isinstance(name, str):
        raise TemplateError(f"resource {where!r}: Ref needs a name, got {name!r}")
    return resolver._ref(name, where)


def _fn_get_att(resolver: Resolver, argument: Any, where: str) -> Any:
    logical_id, attribute = _split_get_att(argument, where)
    attribute = resolver.resolve(attribute, where)
    if not isinstance(logical_id, str) or not isinstance(attribute, str):
        raise TemplateError(f"resource {where!r}: bad Fn::GetAtt {argument!r}")
    return resolver._resource(logical_id, attribute, where)


def _fn_sub(resolver: Resolver, argument: Any, where: str) -> str:
    text, variables = _sub_parts(argument, where)
    values = {key: resolver.resolve(item, where) for key, item in variables.items()}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in values:
            value = values[name]
        elif "." in name and name.split(".", 1)[0] not in resolver._values:
            logical_id, _, attribute = name.partition(".")
            value = resolver._resource(logical_id, attribute, where)
        else:
            value = resolver._ref(name, where)
        if isinstance(value, list):
            raise TemplateError(
                f"resource {where!r}: Fn::Sub variable ${{{name}}} is a list; use Fn::Join"
            )
        return str(value)

    return _SUB_VARIABLE.sub(replace, text)


def _fn_join(resolver: Resolver, argument: Any, where: str) -> str:
    if not isinstance(argument, list) or len(argument) != 2:
        raise TemplateError(f"resource {where!r}: Fn::Join expects [delimiter, [values]]")
    delimiter = resolver._text(argument[0], "Fn::Join", where)
    items = resolver._list(argument[1], "Fn::Join", where)
    return delimiter.join(resolver._text(item, "Fn::Join", where) for item in items)


def _fn_select(resolver: Resolver, argument: Any, where: str) -> Any:
    if not isinstance(argument, list) or len(argument) != 2:
        raise TemplateError(f"resource {where!r}: Fn::Select expects [index, [values]]")
    index_text = resolver._text(argument[0], "Fn::Select", where)
    items = resolver._list(argument[1], "Fn::Select", where)
    try:
        return items[int(index_text)]
    except (ValueError, IndexError) as exc:
        raise TemplateError(
            f"resource {where!r}: Fn::Select index {index_text!r} is not valid for a list of "
            f"{len(items)}"
        ) from exc


def _fn_split(resolver: Resolver, argument: Any, where: str) -> list[str]:
    if not isinstance(argument, list) or len(argument) != 2:
        raise TemplateError(f"resource {where!r}: Fn::Split expects [delimiter, string]")
    delimiter = resolver._text(argument[0], "Fn::Split", where)
    return resolver._text(argument[1], "Fn::Split", where).split(delimiter)


def _fn_if(resolver: Resolver, argument: Any, where: str) -> Any:
    if not isinstance(argument, list) or len(argument) != 3 or not isinstance(argument[0], str):
        raise TemplateError(f"resource {where!r}: Fn::If expects [condition, then, else]")
    branch = argument[1] if resolver.condition(argument[0], where) else argument[2]
    return resolver.resolve(branch, where)


def _fn_equals(resolver: Resolver, argument: Any, where: str) -> bool:
    if not isinstance(argument, list) or len(argument) != 2:
        raise TemplateError(f"resource {where!r}: Fn::Equals expects [value, value]")
    left, right = (resolver.resolve(item, where) for item in argument)
    return bool(_comparable(left) == _comparable(right))


def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _booleans(resolver: Resolver, argument: Any, function: str, where: str) -> list[bool]:
    if not isinstance(argument, list) or not argument:
        raise TemplateError(f"resource {where!r}: {function} expects a list of conditions")
    values = [resolver.resolve(item, where) for item in argument]
    if not all(isinstance(item, bool) for item in values):
        raise TemplateError(
            f"resource {where!r}: {function} needs true/false values, got {values!r}"
        )
    return values


def _fn_not(resolver: Resolver, argument: Any, where: str) -> bool:
    values = _booleans(resolver, argument, "Fn::Not", where)
    if len(values) != 1:
        raise TemplateError(f"resource {where!r}: Fn::Not expects exactly one condition")
    return not values[0]


def _fn_and(resolver: Resolver, argument: Any, where: str) -> bool:
    return all(_booleans(resolver, argument, "Fn::And", where))


def _fn_or(resolver: Resolver, argument: Any, where: str) -> bool:
    return any(_booleans(resolver, argument, "Fn::Or", where))


def _fn_condition(resolver: Resolver, argument: Any, where: str) -> bool:
    if not isinstance(argument, str):
        raise TemplateError(f"resource {where!r}: Condition expects a condition name")
    return resolver.condition(argument, where)


def _fn_find_in_map(resolver: Resolver, argument: Any, where: str) -> Any:
    if not isinstance(argument, list) or len(argument) not in (3, 4):
        raise TemplateError(
            f"resource {where!r}: Fn::FindInMap expects [MapName, TopLevelKey, SecondLevelKey]"
        )
    names = [resolver._text(item, "Fn::FindInMap", where) for item in argument[:3]]
    try:
        return resolver._mappings[names[0]][names[1]][names[2]]
    except (KeyError, TypeError) as exc:
        if len(argument) == 4 and isinstance(argument[3], dict) and "DefaultValue" in argument[3]:
            return resolver.resolve(argument[3]["DefaultValue"], where)
        raise TemplateError(
            f"resource {where!r}: Fn::FindInMap found no {'/'.join(names)} in Mappings"
        ) from exc


def _fn_get_azs(resolver: Resolver, argument: Any, where: str) -> list[str]:
    region = resolver.resolve(argument, where) or resolver._values["AWS::Region"]
    return [f"{region}{zone}" for zone in "abc"]


def _fn_base64(resolver: Resolver, argument: Any, where: str) -> str:
    text = resolver._text(argument, "Fn::Base64", where)
    return base64.b64encode(text.encode()).decode()


def _fn_to_json_string(resolver: Resolver, argument: Any, where: str) -> str:
    return json.dumps(resolver.resolve(argument, where), separators=(",", ":"))


def _fn_length(resolver: Resolver, argument: Any, where: str) -> int:
    return len(resolver._list(argument, "Fn::Length", where))


_HANDLERS: dict[str, Callable[[Resolver, Any, str], Any]] = {
    "Ref": _fn_ref,
    "Fn::GetAtt": _fn_get_att,
    "Fn::Sub": _fn_sub,
    "Fn::Join": _fn_join,
    "Fn::Select": _fn_select,
    "Fn::Split": _fn_split,
    "Fn::If": _fn_if,
    "Fn::Equals": _fn_equals,
    "Fn::Not": _fn_not,
    "Fn::And": _fn_and,
    "Fn::Or": _fn_or,
    "Fn::FindInMap": _fn_find_in_map,
    "Fn::GetAZs": _fn_get_azs,
    "Fn::Base64": _fn_base64,
    "Fn::ToJsonString": _fn_to_json_string,
    "Fn::Length": _fn_length,
    "Condition": _fn_condition,
}
