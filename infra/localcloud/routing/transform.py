"""What an EventBridge target receives: the event, `Input`, `InputPath` or `InputTransformer`.

`validate_target_input` runs at PutTargets and rejects what EventBridge rejects there;
`render_target_input` runs at delivery. Paths are the JSONPath subset EventBridge documents for
these fields: `$`, `$.a.b`, `$.a[0]`, `$['a-b']`.

InputTemplate placeholders follow AWS's quoting rules: a placeholder inside a JSON string is
inserted raw (string values without quotes, other values as their JSON text, escaped for the
string); a placeholder standing as a JSON value inserts the JSON value itself. A template that is
not JSON is plain text, and values are inserted raw. A path the event lacks gives `null` as a
value and nothing inside a string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from localcloud.routing.errors import InvalidInputError

MAX_INPUT_PATHS: Final = 100
MAX_INPUT_PATH_LENGTH: Final = 256
MAX_INPUT_TEMPLATE_LENGTH: Final = 8192
MAX_INPUT_LENGTH: Final = 8192

RESERVED_VARIABLES: Final = frozenset(
    {
        "aws.events.rule-arn",
        "aws.events.rule-name",
        "aws.events.event.ingestion-time",
        "aws.events.event",
        "aws.events.event.json",
    }
)

_VARIABLE_NAME: Final = re.compile(r"[A-Za-z0-9_\-]+")
_PLACEHOLDER: Final = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_PATH_STEP: Final = re.compile(
    r"""\.(?P<name>[^.\[\]]+)|\[(?P<index>\d+)\]|\[(?P<quote>['"])(?P<key>.*?)(?P=quote)\]"""
)


class _Missing:
    """Marks a path the event does not have (distinct from a JSON null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


@dataclass(frozen=True, slots=True)
class _Path:
    text: str
    steps: tuple[str | int, ...]

    def resolve(self, document: Any) -> Any:
        current = document
        for step in self.steps:
            if isinstance(step, int):
                if not isinstance(current, list) or step >= len(current):
                    return MISSING
                current = current[step]
            else:
                if not isinstance(current, dict) or step not in current:
                    return MISSING
                current = current[step]
        return current


def parse_path(text: Any, field: str) -> _Path:
    """Parse a JSONPath of the supported subset; InvalidInputError names `field` if it is not."""
    if not isinstance(text, str) or not text.startswith("$"):
        raise InvalidInputError(
            f"{field}: {text!r} is not a valid JSON path; it must start with '$'"
        )
    if len(text) > MAX_INPUT_PATH_LENGTH:
        raise InvalidInputError(
            f"{field}: JSON path is {len(text)} characters long, at most {MAX_INPUT_PATH_LENGTH}"
        )
    steps: list[str | int] = []
    position = 1
    while position < len(text):
        step = _PATH_STEP.match(text, position)
        if step is None:
            raise InvalidInputError(
                f"{field}: {text!r} is not a valid JSON path (unexpected {text[position:]!r} at "
                f"position {position}); use $.a.b, $.a[0] or $['a']"
            )
        if step["name"] is not None:
            steps.append(step["name"])
        elif step["index"] is not None:
            steps.append(int(step["index"]))
        else:
            steps.append(step["key"])
        position = step.end()
    return _Path(text, tuple(steps))


def validate_target_input(target: Mapping[str, Any]) -> None:
    """Reject a target whose Input, InputPath or InputTransformer EventBridge would refuse."""
    target_id = target.get("Id", "?")
    given = [
        key for key in ("Input", "InputPath", "InputTransformer") if target.get(key) is not None
    ]
    if len(given) > 1:
        raise InvalidInputError(
            f"Target {target_id}: only one of Input, InputPath and InputTransformer may be given, "
            f"got {', '.join(given)}"
        )
    if "Input" in given:
        _validate_input(target["Input"], target_id)
    elif "InputPath" in given:
        parse_path(target["InputPath"], f"Target {target_id} InputPath")
    elif "InputTransformer" in given:
        _Transformer.compile(target["InputTransformer"], target_id)


def render_target_input(
    target: Mapping[str, Any],
    event: Mapping[str, Any],
    *,
    rule_arn: str = "",
    rule_name: str = "",
    ingestion_time: str | None = None,
) -> str:
    """The payload the target gets for `event`, as a string.

    `ingestion_time` fills `<aws.events.event.ingestion-time>`; it defaults to the event's `time`.
    Raises InvalidInputError if the target's input settings are malformed.
    """
    target_id = target.get("Id", "?")
    if target.get("Input") is not None:
        return _validate_input(target["Input"], target_id)
    if target.get("InputPath") is not None:
        value = parse_path(target["InputPath"], f"Target {target_id} InputPath").resolve(event)
        return "null" if value is MISSING else json.dumps(value)
    if target.get("InputTransformer") is not None:
        transformer = _Transformer.compile(target["InputTransformer"], target_id)
        if ingestion_time is None:
            ingestion_time = str(event.get("time") or _now())
        reserved = {
            "aws.events.rule-arn": rule_arn,
            "aws.events.rule-name": rule_name,
            "aws.events.event.ingestion-time": ingestion_time,
            "aws.events.event": event,
            "aws.events.event.json": event,
        }
        return transformer.render(event, reserved)
    return json.dumps(event)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _validate_input(value: Any, target_id: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"Target {target_id} Input: must be a string of JSON text")
    if len(value) > MAX_INPUT_LENGTH:
        raise InvalidInputError(
            f"Target {target_id} Input: {len(value)} characters, at most {MAX_INPUT_LENGTH}"
        )
    try:
        json.loads(value)
    except ValueError as exc:
        raise InvalidInputError(f"Target {target_id} Input: not valid JSON ({exc})") from exc
    return value


@dataclass(frozen=True, slots=True)
class _Transformer:
    paths: Mapping[str, _Path]
    template: str
    # (start, end, name, inside_json_string) for each placeholder, in template order.
    placeholders: tuple[tuple[int, int, str, bool], ...]
    is_json: bool

    @classmethod
    def compile(cls, spec: Any, target_id: str) -> _Transformer:
        where = f"Target {target_id} InputTransformer"
        if not isinstance(spec, Mapping):
            raise InvalidInputError(f"{where}: must be an object with InputTemplate")
        template = spec.get("InputTemplate")
        if not isinstance(template, str):
            raise InvalidInputError(f"{where}: InputTemplate is required and must be a string")
        if len(template) > MAX_INPUT_TEMPLATE_LENGTH:
            raise InvalidInputError(
                f"{where}: InputTemplate is {len(template)} characters, "
                f"at most {MAX_INPUT_TEMPLATE_LENGTH}"
            )
        paths_map = spec.get("InputPathsMap") or {}
        if not isinstance(paths_map, Mapping):
            raise InvalidInputError(f"{where}: InputPathsMap must be an object")
        if len(paths_map) > MAX_INPUT_PATHS:
            raise InvalidInputError(
                f"{where}: InputPathsMap has {len(paths_map)} entries, at most {MAX_INPUT_PATHS}"
            )
        paths: dict[str, _Path] = {}
        for name, path in paths_map.items():
            if not isinstance(name, str) or not _VARIABLE_NAME.fullmatch(name):
                raise InvalidInputError(
                    f"{where}: InputPathsMap key {name!r} is not a valid variable name "
                    "(letters, digits, '_' and '-')"
                )
            if name.startswith("aws."):
                raise InvalidInputError(
                    f"{where}: InputPathsMap key {name!r} uses the reserved aws. prefix"
                )
            paths[name] = parse_path(path, f"{where} InputPathsMap[{name!r}]")
        placeholders = _find_placeholders(template)
        for _, _, name, _ in placeholders:
            if name not in paths and name not in RESERVED_VARIABLES:
                raise InvalidInputError(
                    f"{where}: InputTemplate uses <{name}>, which InputPathsMap does not define"
                )
        return cls(paths, template, placeholders, _is_json_template(template, placeholders))

    def render(self, event: Mapping[str, Any], reserved: Mapping[str, Any]) -> str:
        pieces: list[str] = []
        cursor = 0
        for start, end, name, inside_string in self.placeholders:
            pieces.append(self.template[cursor:start])
            path = self.paths.get(name)
            value = path.resolve(event) if path is not None else reserved[name]
            pieces.append(_render_value(value, inside_string if self.is_json else None))
            cursor = end
        pieces.append(self.template[cursor:])
        rendered = "".join(pieces)
        if self.is_json:
            try:
                json.loads(rendered)
            except ValueError as exc:
                raise InvalidInputError(
                    f"InputTransformer produced invalid JSON ({exc}): {rendered[:200]!r}"
                ) from exc
        return rendered


def _render_value(value: Any, inside_string: bool | None) -> str:
    """Text for one placeholder; `inside_string` is None for plain-text templates."""
    if inside_string is None:
        if value is MISSING:
            return ""
        return value if isinstance(value, str) else json.dumps(value)
    if not inside_string:
        return "null" if value is MISSING else json.dumps(value)
    if value is MISSING:
        return ""
    text = value if isinstance(value, str) else json.dumps(value)
    return json.dumps(text)[1:-1]


def _find_placeholders(template: str) -> tuple[tuple[int, int, str, bool], ...]:
    """Placeholders with whether each sits inside a JSON string literal of the template."""
    found: list[tuple[int, int, str, bool]] = []
    inside = False
    escaped = False
    position = 0
    while position < len(template):
        char = template[position]
        if inside and escaped:
            escaped = False
        elif inside and char == "\\":
            escaped = True
        elif char == '"':
            inside = not inside
        elif char == "<":
            match = _PLACEHOLDER.match(template, position)
            if match is not None:
                found.append((match.start(), match.end(), match[1], inside))
                position = match.end()
                continue
        position += 1
    return tuple(found)


def _is_json_template(template: str, placeholders: tuple[tuple[int, int, str, bool], ...]) -> bool:
    """Whether the template is JSON once its placeholders are filled with neutral values."""
    pieces: list[str] = []
    cursor = 0
    for start, end, _, inside_string in placeholders:
        pieces.append(template[cursor:start])
        pieces.append("" if inside_string else "null")
        cursor = end
    pieces.append(template[cursor:])
    try:
        json.loads("".join(pieces))
    except ValueError:
        return False
    return True
