"""The values a request through an API is made of: the request, its match, the answer.

Pure and frozen. The API's configuration itself is ``emulator.apigw_views.ApiView`` (re-exported
here so steps import one module).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from localcloud.emulator.apigw_views import (
    DEFAULT_ROUTE,
    DEFAULT_STAGE,
    HTTP,
    REST,
    ApiView,
    IntegrationView,
    RouteView,
    StageView,
)

__all__ = [
    "DEFAULT_ROUTE",
    "DEFAULT_STAGE",
    "HTTP",
    "REST",
    "Allow",
    "Answer",
    "ApiRequest",
    "ApiView",
    "Deny",
    "IntegrationView",
    "Located",
    "Match",
    "RouteView",
    "StageView",
]


@dataclass(frozen=True, slots=True)
class Located:
    """Where a request is addressed: the API, the stage (``$default`` when none), the path."""

    api_id: str
    stage: str | None  # the first segment, read as a stage (None: the path had none)
    path: str  # the API's own path after that stage, from "/" ("/users/1"), still URL-encoded
    # The whole path when the first segment may instead be the path's own (an HTTP API
    # served on its $default stage); None where the URL form always names a stage.
    unstaged_path: str | None = None


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One HTTP request to an API, as it arrived."""

    method: str
    path: str  # the API path (no stage), URL-encoded as sent
    query: str  # the raw query string, without "?"
    headers: tuple[tuple[str, str], ...]  # in arrival order, names as sent
    body: bytes
    source_ip: str
    host: str
    stage: str  # the stage serving it ($default when the URL named none)
    request_id: str
    received: float  # time.time()
    protocol: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        """The last value of header ``name`` (any case), or None."""
        name = name.lower()
        found = None
        for key, value in self.headers:
            if key.lower() == name:
                found = value
        return found


@dataclass(frozen=True, slots=True)
class Match:
    """The route a request matched and the path parameters it bound (decoded)."""

    route: RouteView
    path_parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Allow:
    """An authorizer let the request through; ``context`` is requestContext.authorizer,
    ``identity`` what it learnt of the caller for a payload 1.0 event's requestContext.identity
    (an IAM signer's access key, the API key used)."""

    context: Mapping[str, Any] | None = None
    identity: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """The HTTP answer to a client."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    # API Gateway's own refusal of this type (MISSING_AUTHENTICATION_TOKEN, INTEGRATION_FAILURE,
    # ...), which a REST API's gateway responses may reword; "" for an integration's answer.
    response_type: str = field(default="", compare=False)
    # Why API Gateway refused it, for a gateway response's $context.error.validationErrorString
    # (request validation's refusals); "" otherwise.
    reason: str = field(default="", compare=False)

    @property
    def status_line(self) -> str:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Unknown"
        return f"{self.status} {phrase}"

    def with_headers(self, extra: tuple[tuple[str, str], ...]) -> Answer:
        return Answer(self.status, self.headers + extra, self.body, self.response_type, self.reason)

    @classmethod
    def json(cls, status: int, document: Any, *, compact: bool = True) -> Answer:
        separators = (",", ":") if compact else (", ", ": ")
        body = json.dumps(document, separators=separators).encode()
        return cls(status, (("Content-Type", "application/json"),), body)


@dataclass(frozen=True, slots=True)
class Deny:
    """An authorizer refused the request: ``answer`` is AWS's (401/403 with its body)."""

    answer: Answer
