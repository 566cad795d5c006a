"""The pipeline's extension points: preflight, authorization, integrations, responders.

Each is a registry of plain callables (door.py calls them in that order; see the package
docstring). Access control, CORS and service integrations plug in here without touching the
door:

    steps.register_preflight(answer_cors_preflight)        # before routing
    steps.register_authorizer(run_lambda_or_jwt_authorizer) # after routing, before integration
    steps.register_integration("AWS", vtl_integration)     # keyed by the integration's type
    steps.register_responder(add_cors_headers)              # on every answer of a located API

An integration receives an ``IntegrationCall`` (everything known about the request) and returns
the client's ``Answer``; it answers AWS's errors itself (errors.py's shapes via ``errors``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from localcloud.apigw import payloads
from localcloud.apigw.model import (
    Allow,
    Answer,
    ApiRequest,
    ApiView,
    Deny,
    IntegrationView,
    Match,
    StageView,
)
from localcloud.trace import TraceContext


class Invoke(Protocol):
    """A synchronous (RequestResponse) invocation through the engine's invoker."""

    def __call__(
        self, function: str, payload: bytes, context: TraceContext | None, timeout_s: float
    ) -> InvokeOutcome: ...


def traced(invoke: Invoke, here: TraceContext) -> Invoke:
    """``invoke`` that records under ``here`` when its caller names no context (an authorizer
    step runs its function under the request's own hop)."""

    def bound(
        function: str, payload: bytes, context: TraceContext | None, timeout_s: float
    ) -> InvokeOutcome:
        return invoke(function, payload, context or here, timeout_s)

    return bound


@dataclass(frozen=True, slots=True)
class InvokeOutcome:
    """What an invocation gave back: ``timed_out`` when the integration stopped waiting."""

    payload: bytes = b""
    failed: bool = False
    missing: bool = False  # no such function
    timed_out: bool = False


@dataclass(frozen=True, slots=True)
class IntegrationCall:
    """One request at its integration: the API, route, stage, request and authorizer context."""

    api: ApiView
    match: Match
    integration: IntegrationView
    stage: StageView
    request: ApiRequest
    authorizer: Mapping[str, Any] | None
    trace: TraceContext  # the request's hop: work done for it is recorded under this
    invoke: Invoke
    region: str


Preflight = Callable[[ApiView, ApiRequest], Answer | None]
OriginCheck = Callable[[ApiView, str], bool]
Authorizer = Callable[[ApiView, Match, ApiRequest, StageView, Invoke], Allow | Deny]
Integration = Callable[[IntegrationCall], Answer]
Responder = Callable[[ApiView, ApiRequest, Answer], Answer]


def no_preflight(api: ApiView, request: ApiRequest) -> Answer | None:
    return None


def no_origins(api: ApiView, origin: str) -> bool:
    return False


def open_routes_only(
    api: ApiView, match: Match, request: ApiRequest, stage: StageView, invoke: Invoke
) -> Allow | Deny:
    """Until access control is registered: routes without authorization pass, others fail."""
    if match.route.authorization_type in ("NONE", ""):
        return Allow(None)
    return Deny(payloads.internal_error(api.protocol))


_lock = threading.Lock()
_preflight: list[Preflight] = [no_preflight]
_origins: list[OriginCheck] = [no_origins]
_authorizer: list[Authorizer] = [open_routes_only]
INTEGRATIONS: dict[str, Integration] = {}
RESPONDERS: list[Responder] = []


def register_preflight(step: Preflight) -> None:
    with _lock:
        _preflight[0] = step


def register_origin_check(step: OriginCheck) -> None:
    """Who says which web origins an API's CORS settings let call it."""
    with _lock:
        _origins[0] = step


def allows_origin(api: ApiView, origin: str) -> bool:
    return _origins[0](api, origin)


def register_authorizer(step: Authorizer) -> Authorizer:
    """Make ``step`` the authorizer; returns the one it replaces (to put back)."""
    with _lock:
        previous, _authorizer[0] = _authorizer[0], step
    return previous


def register_integration(integration_type: str, step: Integration) -> None:
    with _lock:
        INTEGRATIONS[integration_type.upper()] = step


# Responders registered by name: a runtime built again in the same process replaces its own.
_NAMED_RESPONDERS: dict[str, Responder] = {}


def register_responder(step: Responder, name: str | None = None) -> None:
    with _lock:
        if name is None:
            RESPONDERS.append(step)
        else:
            _NAMED_RESPONDERS[name] = step


def preflight(api: ApiView, request: ApiRequest) -> Answer | None:
    return _preflight[0](api, request)


def authorize(
    api: ApiView, match: Match, request: ApiRequest, stage: StageView, invoke: Invoke
) -> Allow | Deny:
    return _authorizer[0](api, match, request, stage, invoke)


# The key HTTP APIs' first-class integrations (those with an IntegrationSubtype) register under,
# whatever their integration type says (AWS_PROXY).
FIRST_CLASS = "FIRST_CLASS"


def integration_for(integration: IntegrationView) -> Integration | None:
    if integration.subtype:
        return INTEGRATIONS.get(FIRST_CLASS)
    return INTEGRATIONS.get(integration.type)


def respond(api: ApiView, request: ApiRequest, answer: Answer) -> Answer:
    for step in (*RESPONDERS, *_NAMED_RESPONDERS.values()):
        answer = step(api, request, answer)
    return answer
