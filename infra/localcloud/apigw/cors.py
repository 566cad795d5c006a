"""CORS of HTTP APIs: the preflight API Gateway answers itself, and the headers it adds.

With a ``CorsConfiguration`` on the API (SAM's ``CorsConfiguration``), API Gateway answers
every preflight ``OPTIONS`` (one with ``Origin`` and ``Access-Control-Request-Method``) before
routing, with 204 and the configured headers, whether or not an OPTIONS route exists; and on
every other request from an allowed origin it sets the CORS headers on the integration's answer,
replacing any the integration sent. An origin that is not allowed gets no CORS headers (the
browser then refuses). Origins may hold one ``*`` wildcard (``https://*.example.com``).

REST APIs have no such setting: SAM's ``Cors`` becomes an ``OPTIONS`` method with a ``MOCK``
integration whose response parameters set the headers, answered by the integration step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CORS_HEADERS = frozenset(
    {
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "access-control-expose-headers",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
    }
)


@dataclass(frozen=True, slots=True)
class CorsConfig:
    """An HTTP API's ``CorsConfiguration``."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    @classmethod
    def from_api(cls, config: Mapping[str, Any] | None) -> CorsConfig | None:
        """From the API's ``CorsConfiguration`` (either key case, as CloudFormation and the API
        spell it); None when the API has none."""
        if not config:
            return None

        def get(name: str) -> Any:
            return config.get(name, config.get(name[0].lower() + name[1:]))

        max_age = get("MaxAge")
        return cls(
            allow_origins=tuple(get("AllowOrigins") or ()),
            allow_methods=tuple(m.upper() for m in get("AllowMethods") or ()),
            allow_headers=tuple(get("AllowHeaders") or ()),
            expose_headers=tuple(get("ExposeHeaders") or ()),
            max_age=None if max_age is None else int(max_age),
            allow_credentials=bool(get("AllowCredentials")),
        )

    def allowed_origin(self, origin: str) -> str | None:
        """The ``Access-Control-Allow-Origin`` value for ``origin``, or None if not allowed."""
        for pattern in self.allow_origins:
            if pattern == "*":
                return origin if self.allow_credentials else "*"
            if _origin_pattern(pattern).fullmatch(origin):
                return origin
        return None


def is_preflight(method: str, headers: Mapping[str, str]) -> bool:
    """A browser's preflight: OPTIONS with Origin and Access-Control-Request-Method."""
    return (
        method == "OPTIONS"
        and bool(headers.get("origin"))
        and bool(headers.get("access-control-request-method"))
    )


def preflight(config: CorsConfig, headers: Mapping[str, str]) -> list[tuple[str, str]]:
    """The headers of API Gateway's 204 answer to a preflight (none for a refused origin)."""
    allowed = config.allowed_origin(headers.get("origin", ""))
    if allowed is None:
        return []
    answer = [("access-control-allow-origin", allowed)]
    if config.allow_methods:
        answer.append(("access-control-allow-methods", ",".join(config.allow_methods)))
    if config.allow_headers:
        answer.append(("access-control-allow-headers", ",".join(config.allow_headers)))
    if config.max_age is not None:
        answer.append(("access-control-max-age", str(config.max_age)))
    if config.allow_credentials:
        answer.append(("access-control-allow-credentials", "true"))
    if config.expose_headers:
        answer.append(("access-control-expose-headers", ",".join(config.expose_headers)))
    return answer


def apply(
    config: CorsConfig, request_headers: Mapping[str, str], answer: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """An integration's answer headers with the API's CORS headers in place of its own."""
    kept = [(k, v) for k, v in answer if k.lower() not in CORS_HEADERS]
    origin = request_headers.get("origin")
    allowed = config.allowed_origin(origin) if origin else None
    if allowed is None:
        return kept
    kept.append(("access-control-allow-origin", allowed))
    if config.allow_credentials:
        kept.append(("access-control-allow-credentials", "true"))
    if config.expose_headers:
        kept.append(("access-control-expose-headers", ",".join(config.expose_headers)))
    return kept


def _origin_pattern(pattern: str) -> re.Pattern[str]:
    parts: Sequence[str] = pattern.split("*")
    return re.compile(".*".join(re.escape(p) for p in parts), re.IGNORECASE)
