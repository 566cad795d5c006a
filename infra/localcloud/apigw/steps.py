"""The pipeline's extension points: preflight, authorization, integrations, responders.

A ``Steps`` object holds them for one local cloud: runtime.build makes it, access control and
service integrations register on it, and the cloud's ``ApiDoor`` calls them in order (see the
package docstring). Nothing here is module state, so two clouds built in one process (one
stopped, the next started; the pytest plugin's) never see each other's steps, and a test that
replaces a step on its cloud (``cloud.running().apis.steps``) touches nothing else:

    pipeline = Steps()
    pipeline.register_preflight(answer_cors_preflight)         # before routing
    pipeline.register_authorizer(run_lambda_or_jwt_authorizer) # after routing, before integration
    pipeline.register_integration("AWS", vtl_integration)      # keyed by the integration's type
    pipeline.register_responder("cors", add_cors_headers)      # on every answer of a located API

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
    # requestContext.identity's fields the authorizer step filled (Allow.identity)
    identity: Mapping[str, Any] | None = None


Preflight = Callable[[ApiView, ApiRequest], Answer | None]
OriginCheck = Callable[[ApiView, str], bool]
Authorizer = Callable[[ApiView, Match, ApiRequest, StageView, Invoke], Allow | Deny]
Integration = Callable[[IntegrationCall], Answer]
Responder = Callable[[ApiView, ApiRequest, Answer], Answer]

# The key HTTP APIs' first-class integrations (those with an IntegrationSubtype) register under,
# whatever their integration type says (AWS_PROXY).
FIRST_CLASS = "FIRST_CLASS"


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


class Steps:
    """One cloud's pipeline steps. Registration replaces a step (returning the one it replaced,
    to put back); reads take no lock (each step is one attribute or one dict entry)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._preflight: Preflight = no_preflight
        self._origins: OriginCheck = no_origins
        self._authorizer: Authorizer = open_routes_only
        self._integrations: dict[str, Integration] = {}
        self._responders: dict[str, Responder] = {}

    # -- registration ---------------------------------------------------------------------------
    def register_preflight(self, step: Preflight) -> Preflight:
        with self._lock:
            previous, self._preflight = self._preflight, step
        return previous

    def register_origin_check(self, step: OriginCheck) -> OriginCheck:
        """Who says which web origins an API's CORS settings let call it."""
        with self._lock:
            previous, self._origins = self._origins, step
        return previous

    def register_authorizer(self, step: Authorizer) -> Authorizer:
        with self._lock:
            previous, self._authorizer = self._authorizer, step
        return previous

    def register_integration(self, integration_type: str, step: Integration) -> Integration | None:
        """``step`` answers integrations of ``integration_type`` (or ``FIRST_CLASS``)."""
        with self._lock:
            key = integration_type.upper()
            previous = self._integrations.get(key)
            self._integrations = {**self._integrations, key: step}
        return previous

    def register_responder(self, name: str, step: Responder) -> Responder | None:
        """``step`` sees every answer of a located API; a second one of the same name replaces
        the first."""
        with self._lock:
            previous = self._responders.get(name)
            self._responders = {**self._responders, name: step}
        return previous

    # -- the pipeline's calls -------------------------------------------------------------------
    def preflight(self, api: ApiView, request: ApiRequest) -> Answer | None:
        return self._preflight(api, request)

    def allows_origin(self, api: ApiView, origin: str) -> bool:
        return self._origins(api, origin)

    def authorize(
        self, api: ApiView, match: Match, request: ApiRequest, stage: StageView, invoke: Invoke
    ) -> Allow | Deny:
        return self._authorizer(api, match, request, stage, invoke)

    def integration_for(self, integration: IntegrationView) -> Integration | None:
        if integration.subtype:
            return self._integrations.get(FIRST_CLASS)
        return self._integrations.get(integration.type.upper())

    def respond(self, api: ApiView, request: ApiRequest, answer: Answer) -> Answer:
        for step in self._responders.values():
            answer = step(api, request, answer)
        return answer
