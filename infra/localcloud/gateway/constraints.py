"""A request's parameters checked against its operation's model, as AWS's JSON services check them.

Two kinds of finding, answered as AWS answers them:

* a value of the wrong JSON type (a list where a structure belongs, a string for an integer)
  cannot even be read: ``SerializationException``, with the wording of AWS's JSON
  deserializer ("Start of list found where not expected");
* a value that reads but breaks a constraint of the model (required, length, range, pattern,
  enum) is a ``ValidationException`` worded as AWS words it, every violation in one message:
  ``1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint:
  Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+``. Paths name members in
  lower camel case, list items as ``targets.1.member.id`` (1-based).

Patterns in the models are Java regular expressions; the few that Python's ``re`` cannot compile
(``\\p{...}`` classes) are not checked rather than guessed at.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from localcloud.gateway.errors import ConstraintError, SerializationError

# The largest value the message quotes; AWS quotes all of it, a test log need not.
QUOTED_MAX = 200
INTEGER_TYPES = ("integer", "long")
NUMBER_TYPES = ("integer", "long", "double", "float")


def check(shape: Shape | None, params: Any, *, types_only: bool = False) -> None:
    """Raise what AWS answers for ``params`` against ``shape``; nothing when they conform."""
    if shape is None:
        return
    violations: list[str] = []
    _check(shape, params, "", violations, types_only)
    if violations:
        count = len(violations)
        noun = "error" if count == 1 else "errors"
        raise ConstraintError(f"{count} validation {noun} detected: " + "; ".join(violations))


def _check(shape: Shape, value: Any, path: str, violations: list[str], types_only: bool) -> None:
    if value is None:
        return  # JSON null reads as an absent member
    if isinstance(shape, StructureShape):
        if getattr(shape, "is_document_type", False):
            return  # a document holds any JSON
        if not isinstance(value, dict):
            raise SerializationError(unexpected(value, "structure"))
        _check_structure(shape, value, path, violations, types_only)
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise SerializationError(unexpected(value, "list"))
        if not types_only:
            _check_size(shape, value, path, violations)
        if not types_only and not isinstance(shape.member, StructureShape | ListShape | MapShape):
            _check_scalar_members(shape, value, path, violations)
            return
        for index, item in enumerate(value, start=1):
            where = f"{path}.{index}.member"
            if item is None:  # absent is fine for a member, not for a list's item
                violations.append(
                    f"Value null at '{where}' failed to satisfy constraint: Member must not be null"
                )
            _check(shape.member, item, where, violations, types_only)
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise SerializationError(unexpected(value, "map"))
        if not types_only:
            _check_size(shape, value, path, violations)
        for key, item in value.items():
            _check_map_entry(shape, key, item, path, violations, types_only)
    else:
        _check_scalar(shape, value, path, violations, types_only)


def _check_structure(
    shape: StructureShape,
    value: Mapping[str, Any],
    path: str,
    violations: list[str],
    types_only: bool,
) -> None:
    members = shape.members
    if not types_only:
        for name in shape.required_members:
            if value.get(name) is None:
                violations.append(
                    f"Value null at '{_join(path, name)}' failed to satisfy "
                    "constraint: Member must not be null"
                )
    for name, item in value.items():
        member = members.get(name)
        if member is not None:  # AWS ignores members its model does not know
            _check(member, item, _join(path, name), violations, types_only)


def _check_scalar_members(
    shape: ListShape, value: list[Any], path: str, violations: list[str]
) -> None:
    """A list of scalars breaking its member's constraints is one violation at the list, as
    Lambda words it: ``Value '[foo]' at 'architectures' failed to satisfy constraint: Member
    must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must
    not be null]``."""
    reasons: list[str] = []
    for item in value:
        if item is None:
            continue
        found: list[str] = []
        _check_scalar(shape.member, item, path, found, False)
        for violation in found:
            reason = violation.split("constraint: ", 1)[-1]
            if reason not in reasons:
                reasons.append(reason)
    if reasons or None in value:
        reasons.append("Member must not be null")
        violations.append(
            f"{_quoted(shape, value, path)} failed to satisfy constraint: "
            f"Member must satisfy constraint: [{', '.join(reasons)}]"
        )


def _check_map_entry(
    shape: MapShape, key: str, item: Any, path: str, violations: list[str], types_only: bool
) -> None:
    key_violations: list[str] = []
    _check_scalar(shape.key, key, path, key_violations, types_only)
    if key_violations:
        reasons = ", ".join(v.split("constraint: ", 1)[-1] for v in key_violations)
        violations.append(
            f"{_quoted(shape, key, path)} failed to satisfy constraint: "
            f"Map keys must satisfy constraint: [{reasons}]"
        )
    if isinstance(shape.value, StructureShape | ListShape | MapShape):
        _check(shape.value, item, path, violations, types_only)
        return
    value_violations: list[str] = []
    _check(shape.value, item, path, value_violations, types_only)
    if value_violations:
        reasons = ", ".join(v.split("constraint: ", 1)[-1] for v in value_violations)
        violations.append(
            f"{_quoted(shape, item, path)} failed to satisfy constraint: "
            f"Map value must satisfy constraint: [{reasons}]"
        )


def _check_scalar(
    shape: Shape, value: Any, path: str, violations: list[str], types_only: bool
) -> None:
    kind = shape.type_name
    if isinstance(value, dict | list):
        raise SerializationError(unexpected(value, kind))
    if kind in ("string", "blob") and not isinstance(value, str):
        raise SerializationError(unexpected(value, kind))
    if kind in NUMBER_TYPES and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise SerializationError(unexpected(value, kind))
    if kind in INTEGER_TYPES and isinstance(value, float) and not value.is_integer():
        raise SerializationError(unexpected(value, kind))
    if kind == "boolean" and not isinstance(value, bool):
        raise SerializationError(unexpected(value, kind))
    if kind == "timestamp" and (
        isinstance(value, bool) or not isinstance(value, str | int | float)
    ):
        raise SerializationError(unexpected(value, kind))
    if types_only:
        return
    if kind == "string":
        _check_size(shape, value, path, violations)
        _check_string(shape, value, path, violations)
    elif kind in NUMBER_TYPES:
        _check_range(shape, value, path, violations)


def _check_string(shape: Shape, value: str, path: str, violations: list[str]) -> None:
    metadata = shape.metadata
    enum = metadata.get("enum")
    if enum and value not in enum:
        violations.append(
            f"{_quoted(shape, value, path)} failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(enum)}]"
        )
    pattern = metadata.get("pattern")
    compiled = _pattern(pattern) if pattern else None
    if compiled is not None and not compiled.fullmatch(value):
        violations.append(
            f"{_quoted(shape, value, path)} failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {pattern}"
        )


def _check_size(shape: Shape, value: Any, path: str, violations: list[str]) -> None:
    metadata = shape.metadata
    size = len(value)
    if "min" in metadata and size < metadata["min"]:
        violations.append(
            f"{_quoted(shape, value, path)} failed to satisfy constraint: "
            f"Member must have length greater than or equal to {metadata['min']}"
        )
    if "max" in metadata and size > metadata["max"]:
        violations.append(
            f"{_quoted(shape, value, path)} failed to satisfy constraint: "
            f"Member must have length less than or equal to {metadata['max']}"
        )


def _check_range(shape: Shape, value: float, path: str, violations: list[str]) -> None:
    metadata = shape.metadata
    if "min" in metadata and value < metadata["min"]:
        violations.append(
            f"{_quoted(shape, value, path)} failed to satisfy constraint: "
            f"Member must have value greater than or equal to {metadata['min']}"
        )
    if "max" in metadata and value > metadata["max"]:
        violations.append(
            f"{_quoted(shape, value, path)} failed to satisfy constraint: "
            f"Member must have value less than or equal to {metadata['max']}"
        )


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str] | None:
    # Java's \w, \d and \s are ASCII unless asked otherwise: so is re.ASCII.
    try:
        return re.compile(pattern, re.ASCII)
    except re.error:
        return None


def _join(path: str, name: str) -> str:
    member = name[:1].lower() + name[1:]
    return f"{path}.{member}" if path else member


def _quoted(shape: Shape, value: Any, path: str) -> str:
    """``Value 'x' at 'path'``, as AWS opens a violation; a sensitive value is not quoted."""
    if shape.metadata.get("sensitive"):
        return f"Value at '{path}'"
    if isinstance(shape, ListShape) and isinstance(shape.member, StructureShape):
        # A list of structures reads as its member's name (EventBridge: "Value
        # '[PutEventsRequestEntry]' at 'entries'"), not the entries themselves.
        return f"Value '[{shape.member.name}]' at '{path}'"
    text = _java_text(value)
    if len(text) > QUOTED_MAX:
        text = text[:QUOTED_MAX] + "..."
    return f"Value '{text}' at '{path}'"


def _java_text(value: Any) -> str:
    """A value as AWS's (Java) services print it: lists as [a, b], maps as {k=v}."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_java_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def unexpected(value: Any, expected: str) -> str:
    """The JSON deserializer's complaint about ``value`` where ``expected`` belongs."""
    if isinstance(value, list):
        return "Start of list found where not expected"
    if isinstance(value, dict):
        return "Start of structure or map found where not expected."
    token = (
        "BOOLEAN_VALUE"
        if isinstance(value, bool)
        else "STRING_VALUE"
        if isinstance(value, str)
        else "NUMBER_VALUE"
    )
    return f"{token} can not be converted to {_JAVA_TYPES.get(expected, expected.title())}"


_JAVA_TYPES = {
    "structure": "a structure",
    "list": "a list",
    "map": "a map",
    "string": "String",
    "blob": "Blob",
    "integer": "Integer",
    "long": "Long",
    "double": "Double",
    "float": "Float",
    "boolean": "Boolean",
    "timestamp": "Date",
}
