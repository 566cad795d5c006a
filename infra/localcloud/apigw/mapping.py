"""Parameter mapping: the values an integration's parameters name, read from the request.

REST APIs write ``method.request.header.NAME``, ``method.request.querystring.NAME``,
``method.request.path.NAME``, ``method.request.body`` (or ``method.request.body.JSONPATH``),
``context.NAME``, ``stageVariables.NAME`` or a quoted static value ``'text'``; HTTP APIs'
first-class integrations write ``$request.header.NAME``, ``$request.querystring.NAME``,
``$request.path.NAME``, ``$request.path``, ``$request.body`` or ``$request.body.PATH``,
``$context.NAME``, ``$stageVariables.NAME``, a static value, or text with ``${request...}``
references inside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from localcloud.apigw import vtl


@dataclass(frozen=True, slots=True)
class MappedRequest:
    """The method request, as parameter mappings and templates read it."""

    method: str
    path: str  # the request's path within the stage
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    path_params: Mapping[str, str]
    body: str
    context: Mapping[str, Any] = field(default_factory=dict)
    stage_variables: Mapping[str, str] = field(default_factory=dict)

    def vtl_input(self) -> vtl.Input:
        return vtl.Input(self.body, self.path_params, self.query, self.headers)


def rest_value(expression: str, request: MappedRequest) -> str | None:
    """A REST request parameter's source, evaluated (None when the request lacks it)."""
    static = vtl.static_value(expression)
    if static is not None:
        return static
    expression = expression.strip()
    for prefix, source in (
        ("method.request.header.", "header"),
        ("method.request.querystring.", "querystring"),
        ("method.request.path.", "path"),
        ("method.request.multivalueheader.", "header"),
        ("method.request.multivaluequerystring.", "querystring"),
    ):
        if expression.startswith(prefix):
            return _named(request, source, expression[len(prefix) :])
    if expression == "method.request.body":
        return request.body
    if expression.startswith("method.request.body."):
        return _body_path(request, "$." + expression[len("method.request.body.") :])
    if expression.startswith("context."):
        return _context(request.context, expression[len("context.") :])
    if expression.startswith("stageVariables."):
        return request.stage_variables.get(expression[len("stageVariables.") :])
    raise ValueError(f"unsupported request parameter source {expression!r}")


_HTTP_REFERENCE = re.compile(r"\$\{([^}]+)\}|\$((?:request|context|stageVariables)\.[\w.\-]+)")


def http_value(expression: str, request: MappedRequest) -> str | None:
    """An HTTP API integration parameter, evaluated; references inside text are replaced."""
    whole = _HTTP_REFERENCE.fullmatch(expression.strip())
    if whole:
        return _http_reference(whole[1] or whole[2], request)
    if expression.strip() == "$request.path":
        return request.path
    if expression.strip() == "$request.body":
        return request.body

    def replace(match: re.Match[str]) -> str:
        value = _http_reference(match[1] or match[2], request)
        return "" if value is None else value

    return _HTTP_REFERENCE.sub(replace, expression)


def _http_reference(reference: str, request: MappedRequest) -> str | None:
    if reference == "request.path":
        return request.path
    if reference == "request.body":
        return request.body
    for prefix, source in (
        ("request.header.", "header"),
        ("request.querystring.", "querystring"),
        ("request.path.", "path"),
    ):
        if reference.startswith(prefix):
            return _named(request, source, reference[len(prefix) :])
    if reference.startswith("request.body."):
        return _body_path(request, "$." + reference[len("request.body.") :])
    if reference.startswith("context."):
        return _context(request.context, reference[len("context.") :])
    if reference.startswith("stageVariables."):
        return request.stage_variables.get(reference[len("stageVariables.") :])
    raise ValueError(f"unsupported parameter mapping ${reference}")


def _named(request: MappedRequest, source: str, name: str) -> str | None:
    if source == "header":
        return request.headers.get(name.lower())
    if source == "querystring":
        return request.query.get(name)
    return request.path_params.get(name)


def _body_path(request: MappedRequest, path: str) -> str | None:
    value = json.loads(request.vtl_input().json(path))
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _context(context: Mapping[str, Any], name: str) -> str | None:
    value: Any = context
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)
