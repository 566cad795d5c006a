"""Route matching as API Gateway does it: the most specific route wins. Pure, compiled once.

Specificity is read segment by segment from the left: a literal segment beats a ``{variable}``,
which beats a greedy ``{name+}`` (one or more segments, last only). Among routes for the same
path a method beats ``ANY``. An HTTP API falls back to its ``$default`` route. A REST API picks
the resource first and then its method, so a path whose resource lacks the method is not found
even when a greedier resource has it (AWS's Missing Authentication Token).

Paths match with one trailing slash ignored (``/users/`` is ``/users``); path parameters are
URL-decoded, as API Gateway decodes them before they reach the integration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from localcloud.apigw.model import DEFAULT_ROUTE, Match, RouteView

LITERAL, VARIABLE, GREEDY = 0, 1, 2
ANY = "ANY"


@dataclass(frozen=True, slots=True)
class _Compiled:
    route: RouteView
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    rank: tuple[int, ...]  # one per segment
    method: str


def _compile(route: RouteView) -> _Compiled:
    path = route.path
    parts: list[str] = []
    names: list[str] = []
    rank: list[int] = []
    for segment in [s for s in path.split("/") if s]:
        if segment.startswith("{") and segment.endswith("+}"):
            names.append(segment[1:-2])
            parts.append("(.+)")
            rank.append(GREEDY)
        elif segment.startswith("{") and segment.endswith("}"):
            names.append(segment[1:-1])
            parts.append("([^/]+)")
            rank.append(VARIABLE)
        else:
            parts.append(re.escape(segment))
            rank.append(LITERAL)
    regex = "/" + "/".join(parts)
    return _Compiled(route, re.compile(regex + r"\Z"), tuple(names), tuple(rank), route.method)


def _normal(path: str) -> str:
    """The path as routes match it: leading slash, one trailing slash dropped."""
    if not path.startswith("/"):
        path = "/" + path
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


class Router:
    """The routes of one API, ordered most specific first."""

    def __init__(self, routes: Iterable[RouteView], *, rest: bool) -> None:
        self.rest = rest
        compiled = []
        self.default: RouteView | None = None
        for route in routes:
            if route.key == DEFAULT_ROUTE:
                self.default = route
            else:
                compiled.append(_compile(route))
        # Most specific path first; for one path, a method before ANY.
        compiled.sort(key=lambda c: (c.rank, c.route.path, c.method == ANY))
        self._routes = tuple(compiled)

    def match(self, method: str, path: str) -> Match | None:
        """The route ``method path`` takes, with its decoded path parameters, or None."""
        method = method.upper()
        path = _normal(path)
        chosen_path: str | None = None
        for candidate in self._routes:
            if chosen_path is not None and candidate.route.path != chosen_path:
                break  # REST: the resource was chosen and has neither the method nor ANY
            found = candidate.pattern.match(path)
            if found is None:
                continue
            if candidate.method == method or candidate.method == ANY:
                params = {
                    name: unquote(value)
                    for name, value in zip(candidate.names, found.groups(), strict=True)
                }
                return Match(candidate.route, params)
            if self.rest:
                chosen_path = candidate.route.path
        if self.default is not None and not self.rest:
            return Match(self.default, {})
        return None
