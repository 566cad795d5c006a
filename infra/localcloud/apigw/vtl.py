"""API Gateway's mapping templates: Velocity (VTL) rendered with airspeed, and AWS's variables.

A REST API's non-proxy integration turns the method request into the integration request with a
request template, and the integration's answer into the method response with a response
template. Templates see ``$input`` (``body``, ``json(path)``, ``path(path)``, ``params()``,
``params(name)``), ``$util`` (``escapeJavaScript``, ``parseJson``, ``urlEncode``, ``urlDecode``,
``base64Encode``, ``base64Decode``), ``$context`` (the request's context variables;
``$context.responseOverride.status`` and ``.header.Name`` set by a response template change the
answer) and ``$stageVariables``.

Values a template prints look as Java's Velocity prints them: ``true``/``false``, a map as
``{a=1, b=2}``, a list as ``[1, 2]``; maps and lists answer ``size()``, ``keySet()``,
``isEmpty()``, ``get()`` and ``containsKey()`` as Java's do.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import airspeed
from jsonpath_ng import parse as parse_jsonpath
from jsonpath_ng.exceptions import JsonPathParserError


class TemplateError(ValueError):
    """A mapping template that does not parse or fails while rendering."""


# --- values as Java prints them ---------------------------------------------------------------


class JavaMap(dict[str, Any]):
    """A JSON object in a template."""

    def __str__(self) -> str:
        return "{" + ", ".join(f"{k}={_text(v)}" for k, v in self.items()) + "}"

    def size(self) -> int:
        return len(self)

    def keySet(self) -> list[str]:
        return list(self.keys())

    def isEmpty(self) -> bool:
        return not self

    def containsKey(self, key: str) -> bool:
        return key in self

    def entrySet(self) -> list[JavaMap]:
        return [JavaMap(key=k, value=v) for k, v in self.items()]


class JavaList(list[Any]):
    """A JSON array in a template."""

    def __str__(self) -> str:
        return "[" + ", ".join(_text(v) for v in self) + "]"

    def size(self) -> int:
        return len(self)

    def isEmpty(self) -> bool:
        return not self

    def contains(self, value: Any) -> bool:
        return value in self


class JavaBool:
    """A JSON boolean in a template (Python's prints as ``True``, Velocity's as ``true``)."""

    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def __bool__(self) -> bool:
        return self.value

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, JavaBool) else other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        return "true" if self.value else "false"

    __repr__ = __str__


def java(value: Any) -> Any:
    """A parsed JSON value wrapped to print and behave as in Java's Velocity."""
    if isinstance(value, bool):
        return JavaBool(value)
    if isinstance(value, dict):
        return JavaMap((k, java(v)) for k, v in value.items())
    if isinstance(value, list):
        return JavaList(java(v) for v in value)
    return value


def _text(value: Any) -> str:
    return "null" if value is None else str(value)


def _plain(value: Any) -> Any:
    """Back to JSON-ready values (for ``$input.json``)."""
    if isinstance(value, JavaBool):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- $input and $util -------------------------------------------------------------------------


_MISSING = object()


class Input:
    """``$input``: the body being mapped and the method request's parameters."""

    def __init__(
        self,
        body: str,
        path: Mapping[str, str] | None = None,
        querystring: Mapping[str, str] | None = None,
        header: Mapping[str, str] | None = None,
    ) -> None:
        self.body = body
        self._params = {
            "path": dict(path or {}),
            "querystring": dict(querystring or {}),
            "header": dict(header or {}),
        }
        self._document: Any = _MISSING

    def _parsed(self) -> Any:
        if self._document is _MISSING:
            try:
                self._document = json.loads(self.body) if self.body.strip() else {}
            except ValueError:
                self._document = self.body  # not JSON: `$` is the text itself
        return self._document

    def path(self, expression: str) -> Any:
        """The value at a JSONPath of the body (an object, list, string, number...)."""
        return java(_select(self._parsed(), expression))

    def json(self, expression: str) -> str:
        """The JSON text of the value at a JSONPath of the body."""
        return json.dumps(
            _plain(_select(self._parsed(), expression)), separators=(",", ":"), ensure_ascii=False
        )

    def params(self, name: str | None = None) -> Any:
        """All parameters by kind, or one by name (path, then query string, then header)."""
        if name is None:
            return java(self._params)
        for kind in ("path", "querystring"):
            if name in self._params[kind]:
                return self._params[kind][name]
        lowered = name.lower()
        for key, value in self._params["header"].items():
            if key.lower() == lowered:
                return value
        return ""


def _select(document: Any, expression: str) -> Any:
    expression = expression.strip()
    if expression in ("$", ""):
        return document
    matches = [m.value for m in _jsonpath(expression).find(document)]
    if not matches:
        return None
    # a path that can only name one value gives it; a wildcard or filter gives the list
    return matches[0] if len(matches) == 1 and not _selects_many(expression) else matches


@lru_cache(maxsize=512)
def _jsonpath(expression: str) -> Any:
    try:
        return parse_jsonpath(expression)
    except (JsonPathParserError, Exception) as exc:
        raise TemplateError(f"invalid JSONPath {expression!r}: {exc}") from exc


def _selects_many(expression: str) -> bool:
    return any(token in expression for token in ("*", "..", "?(", ":", ","))


class Util:
    """``$util``."""

    @staticmethod
    def escapeJavaScript(text: Any) -> str:
        return escape_javascript("" if text is None else str(text))

    @staticmethod
    def parseJson(text: str) -> Any:
        try:
            return java(json.loads(text))
        except ValueError as exc:
            raise TemplateError(f"$util.parseJson: not JSON: {text[:100]!r}") from exc

    @staticmethod
    def urlEncode(text: Any) -> str:
        # Java's URLEncoder: space as +, only letters, digits and .-*_ left as they are
        return urllib.parse.quote_plus(str(text), safe="*").replace("~", "%7E")

    @staticmethod
    def urlDecode(text: Any) -> str:
        return urllib.parse.unquote_plus(str(text))

    @staticmethod
    def base64Encode(text: Any) -> str:
        return base64.b64encode(str(text).encode()).decode()

    @staticmethod
    def base64Decode(text: Any) -> str:
        return base64.b64decode(str(text)).decode(errors="replace")


_JS_ESCAPES = {
    '"': '\\"',
    "'": "\\'",
    "\\": "\\\\",
    "/": "\\/",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def escape_javascript(text: str) -> str:
    """As API Gateway's ``$util.escapeJavaScript`` (JavaScript string rules; a single quote
    becomes ``\\'``, which JSON does not accept, as on AWS)."""
    out = []
    for char in text:
        if char in _JS_ESCAPES:
            out.append(_JS_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) > 0x7E:
            out.extend(f"\\u{unit:04X}" for unit in _utf16_units(char))
        else:
            out.append(char)
    return "".join(out)


def _utf16_units(char: str) -> list[int]:
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


# --- rendering --------------------------------------------------------------------------------


@dataclass
class Rendered:
    """A template's output, and what it set in ``$context.responseOverride``."""

    text: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=256)
def _compiled(template: str) -> airspeed.Template:
    return airspeed.Template(template)


def render(
    template: str,
    input_: Input,
    context: Mapping[str, Any],
    stage_variables: Mapping[str, str] | None = None,
) -> Rendered:
    """Render ``template``; TemplateError when it does not parse or fails."""
    override: dict[str, Any] = {"header": {}}
    namespace = {
        "input": input_,
        "util": Util(),
        "context": {**context, "responseOverride": override},
        "stageVariables": dict(stage_variables or {}),
    }
    try:
        text = _compiled(template).merge(namespace)
    except airspeed.TemplateError as exc:
        raise TemplateError(f"mapping template: {exc}") from exc
    except TemplateError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise TemplateError(f"mapping template failed: {type(exc).__name__}: {exc}") from exc
    status = override.get("status")
    try:
        status_code = int(status) if status is not None else None
    except (TypeError, ValueError):
        status_code = None
    headers = {str(k): str(v) for k, v in (override.get("header") or {}).items()}
    return Rendered(text, status_code, headers)


def select_template(
    templates: Mapping[str, str] | None, content_type: str | None
) -> tuple[bool, str | None]:
    """(whether templates exist, the template for ``content_type``); no type means JSON."""
    if not templates:
        return False, None
    wanted = (content_type or "application/json").split(";", 1)[0].strip().lower()
    for key, template in templates.items():
        if key.lower() == wanted:
            return True, template
    return True, None


_STATIC = re.compile(r"^'(.*)'$", re.DOTALL)


def static_value(expression: str) -> str | None:
    """The text of a quoted static value (``'application/json'``), or None."""
    match = _STATIC.match(expression.strip())
    return match[1] if match else None
