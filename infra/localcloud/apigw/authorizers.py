"""Lambda authorizers: who may call a route, decided by a function, remembered for a while.

A REST API's authorizer is ``TOKEN`` (one header, optionally checked against a regular
expression first) or ``REQUEST`` (any headers, query parameters, stage and context variables);
an HTTP API's is ``REQUEST`` with payload format 1.0 or 2.0, answering either a simple
``{"isAuthorized": bool, "context": {...}}`` (2.0 with simple responses on) or an IAM policy.
``Authorizers.authorize`` reads the identity sources (any missing: 401 without calling the
function), looks in the cache (keyed by the authorizer and the identity values, for the
authorizer's TTL; REST and IAM-format answers are cached as the policy, so one cached answer is
evaluated against each method ARN as on AWS), calls the function on a miss, and returns a
``Grant`` for the integration or the ``Denial`` AWS would send. A function that raises
``Unauthorized`` is a 401; one that raises anything else, times out, or answers what API Gateway
cannot read is AWS's 500 for an authorizer failure; the gateway goes on serving either way.

The events the function receives are built from the proxy event the integration would get
(``token_event``, ``request_event``, ``http_request_event``): AWS derives them the same way.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from localcloud.apigw import denials, policy
from localcloud.apigw.denials import Denial

# More than this many cached answers and the oldest are forgotten first.
CACHE_LIMIT = 10_000

Kind = Literal["TOKEN", "REQUEST"]


@dataclass(frozen=True, slots=True)
class LambdaAuthorizer:
    """One Lambda authorizer as deployed (REST ``AWS::ApiGateway::Authorizer`` or HTTP's)."""

    authorizer_id: str
    name: str
    rest: bool
    kind: Kind
    function: str  # the function's ARN (read from the authorizer's URI)
    identity_sources: tuple[str, ...]
    ttl_s: int
    validation_expression: str | None = None  # REST TOKEN only
    payload_version: str = "1.0"  # HTTP only: "1.0" or "2.0"
    simple_responses: bool = False  # HTTP 2.0 only


@dataclass(frozen=True, slots=True)
class RequestParts:
    """What identity sources can read from a request."""

    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    stage_variables: Mapping[str, str] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Grant:
    """An allowed request: what the authorizer said about its caller."""

    principal_id: str | None
    context: Mapping[str, Any]
    usage_key: str | None = None  # ``usageIdentifierKey`` (API keys sourced from authorizers)
    cached: bool = False


@dataclass(frozen=True, slots=True)
class FunctionAnswer:
    """What the authorizer function returned: its payload, or its error."""

    failed: bool
    payload: bytes


class FunctionCall(Protocol):
    """Run the authorizer function synchronously with ``event``."""

    def __call__(self, function: str, event: dict[str, Any]) -> FunctionAnswer: ...


# --- identity sources -------------------------------------------------------------------------

_REST_SOURCE = re.compile(
    r"^(?:method\.request\.(?P<where>header|querystring)\.|(?P<vars>stageVariables|context)\.)"
    r"(?P<name>.+)$"
)
_HTTP_SOURCE = re.compile(
    r"^\$(?:request\.(?P<where>header|querystring)\.|(?P<vars>stageVariables|context)\.)"
    r"(?P<name>.+)$"
)


def check_identity_source(source: str, rest: bool) -> None:
    """Raise ValueError unless ``source`` is an identity source API Gateway accepts."""
    if not (_REST_SOURCE if rest else _HTTP_SOURCE).match(source.strip()):
        form = (
            "method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME "
            "or context.NAME"
            if rest
            else "$request.header.NAME, $request.querystring.NAME, $stageVariables.NAME or "
            "$context.NAME"
        )
        raise ValueError(f"identity source {source!r} is not one of {form}")


def identity_values(authorizer: LambdaAuthorizer, request: RequestParts) -> tuple[str, ...] | None:
    """The values of the authorizer's identity sources, or None when one is missing or empty."""
    values = []
    for source in authorizer.identity_sources:
        value = _identity_value(source.strip(), authorizer.rest, request)
        if not value:
            return None
        values.append(value)
    return tuple(values)


def _identity_value(source: str, rest: bool, request: RequestParts) -> str | None:
    match = (_REST_SOURCE if rest else _HTTP_SOURCE).match(source)
    if match is None:
        return None
    name = match["name"]
    if match["where"] == "header":
        return request.headers.get(name.lower())
    if match["where"] == "querystring":
        return request.query.get(name)
    if match["vars"] == "stageVariables":
        return request.stage_variables.get(name)
    value: Any = request.context
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return None if value is None else str(value)


# --- events -----------------------------------------------------------------------------------


def token_event(token: str, method_arn: str) -> dict[str, Any]:
    """A REST TOKEN authorizer's event."""
    return {"type": "TOKEN", "methodArn": method_arn, "authorizationToken": token}


def request_event(proxy_event: Mapping[str, Any], method_arn: str) -> dict[str, Any]:
    """A REST REQUEST authorizer's event: the 1.0 proxy event without its body."""
    event = {"type": "REQUEST", "methodArn": method_arn}
    event.update({k: v for k, v in proxy_event.items() if k not in ("body", "isBase64Encoded")})
    return event


def http_request_event(
    proxy_event: Mapping[str, Any], route_arn: str, identity: tuple[str, ...], version: str
) -> dict[str, Any]:
    """An HTTP API Lambda authorizer's event, payload format 1.0 or 2.0."""
    body_free = {k: v for k, v in proxy_event.items() if k not in ("body", "isBase64Encoded")}
    if version == "2.0":
        event: dict[str, Any] = {
            "version": "2.0",
            "type": "REQUEST",
            "routeArn": route_arn,
            "identitySource": list(identity),
        }
        event.update({k: v for k, v in body_free.items() if k != "version"})
        return event
    joined = ",".join(identity)
    event = {
        "version": "1.0",
        "type": "REQUEST",
        "methodArn": route_arn,
        "identitySource": joined,
        "authorizationToken": joined,
    }
    event.update({k: v for k, v in body_free.items() if k != "version"})
    return event


# --- answers ----------------------------------------------------------------------------------


class AnswerError(ValueError):
    """An authorizer's answer that API Gateway cannot use."""


@dataclass(frozen=True, slots=True)
class _Answer:
    """An authorizer's answer, as cached: a policy to evaluate, or a simple yes or no."""

    principal_id: str | None
    context: Mapping[str, Any]
    usage_key: str | None
    document: Any = None  # the policy document (REST and IAM-format HTTP answers)
    authorized: bool | None = None  # simple responses


def read_answer(payload: bytes, authorizer: LambdaAuthorizer) -> _Answer:
    """Parse and check what the function returned; AnswerError when API Gateway would fail."""
    try:
        answer = json.loads(payload or b"null")
    except ValueError as exc:
        raise AnswerError(f"the authorizer returned no JSON: {payload[:200]!r}") from exc
    if not isinstance(answer, dict):
        raise AnswerError(f"the authorizer returned {type(answer).__name__}, not an object")
    context = answer.get("context") or {}
    if not isinstance(context, dict):
        raise AnswerError("the authorizer's context must be an object")
    if authorizer.simple_responses:
        authorized = answer.get("isAuthorized")
        if not isinstance(authorized, bool):
            raise AnswerError("a simple response needs isAuthorized, true or false")
        return _Answer(None, context, None, authorized=authorized)
    if authorizer.rest:
        bad = [k for k, v in context.items() if isinstance(v, dict | list) or v is None]
        if bad:
            raise AnswerError(
                f"context values must be strings, numbers or booleans; {', '.join(bad)} are not"
            )
    document = answer.get("policyDocument")
    if document is None:
        raise AnswerError("the authorizer's answer has no policyDocument")
    policy.evaluate(document, "arn:check")  # raises PolicyError on a malformed document
    principal = answer.get("principalId")
    usage_key = answer.get("usageIdentifierKey")
    return _Answer(
        None if principal is None else str(principal),
        context,
        None if usage_key is None else str(usage_key),
        document=document,
    )


# --- the authorizer step ----------------------------------------------------------------------


class Authorizers:
    """Runs Lambda authorizers and caches their answers (thread-safe)."""

    def __init__(
        self, call: FunctionCall | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """``call`` runs authorizer functions unless ``authorize`` is handed its own."""
        self._call = call
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, tuple[str, ...]], tuple[float, _Answer]] = {}

    def authorize(
        self,
        authorizer: LambdaAuthorizer,
        request: RequestParts,
        arn: str,
        proxy_event: Callable[[], Mapping[str, Any]],
        call: FunctionCall | None = None,
    ) -> Grant | Denial:
        """Allow (a Grant) or refuse (AWS's Denial) the request on ``arn``."""
        rest = authorizer.rest
        identity = identity_values(authorizer, request)
        if identity is None and (authorizer.identity_sources or authorizer.kind == "TOKEN"):
            return denials.unauthorized(rest, f"authorizer {authorizer.name}: no identity")
        identity = identity or ()
        expression = authorizer.validation_expression if authorizer.kind == "TOKEN" else None
        if expression and not re.fullmatch(expression, identity[0]):
            return denials.unauthorized(rest, f"authorizer {authorizer.name}: token format")
        key = (authorizer.authorizer_id, identity)
        answer = self._cached(key) if authorizer.ttl_s > 0 and identity else None
        cached = answer is not None
        if answer is None:
            runner = call or self._call
            if runner is None:
                raise ValueError("Authorizers.authorize needs a FunctionCall")
            outcome = self._run(authorizer, identity, arn, proxy_event, runner)
            if isinstance(outcome, Denial):
                return outcome
            answer = outcome
            if authorizer.ttl_s > 0 and identity:
                self._remember(key, answer, authorizer.ttl_s)
        return _decide(authorizer, answer, arn, cached)

    def forget(self, authorizer_id: str | None = None) -> None:
        """Drop cached answers (of one authorizer, or all): on redeploy and reset."""
        with self._lock:
            if authorizer_id is None:
                self._cache.clear()
            else:
                for key in [k for k in self._cache if k[0] == authorizer_id]:
                    del self._cache[key]

    def _run(
        self,
        authorizer: LambdaAuthorizer,
        identity: tuple[str, ...],
        arn: str,
        proxy_event: Callable[[], Mapping[str, Any]],
        call: FunctionCall,
    ) -> _Answer | Denial:
        rest = authorizer.rest
        if authorizer.kind == "TOKEN":
            event = token_event(identity[0], arn)
        elif rest:
            event = request_event(proxy_event(), arn)
        else:
            event = http_request_event(proxy_event(), arn, identity, authorizer.payload_version)
        outcome = call(authorizer.function, event)
        if outcome.failed:
            if _error_message(outcome.payload) == "Unauthorized":
                return denials.unauthorized(rest, f"authorizer {authorizer.name}: Unauthorized")
            return denials.authorizer_failed(
                rest, f"authorizer {authorizer.name} failed: {_error_message(outcome.payload)}"
            )
        try:
            return read_answer(outcome.payload, authorizer)
        except (AnswerError, policy.PolicyError) as exc:
            return denials.authorizer_failed(rest, f"authorizer {authorizer.name}: {exc}")

    def _cached(self, key: tuple[str, tuple[str, ...]]) -> _Answer | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._cache[key]
                return None
            return entry[1]

    def _remember(self, key: tuple[str, tuple[str, ...]], answer: _Answer, ttl_s: int) -> None:
        with self._lock:
            if len(self._cache) >= CACHE_LIMIT:
                del self._cache[next(iter(self._cache))]
            self._cache[key] = (self._clock() + ttl_s, answer)


def _decide(
    authorizer: LambdaAuthorizer, answer: _Answer, arn: str, cached: bool
) -> Grant | Denial:
    rest = authorizer.rest
    if answer.authorized is not None:
        if not answer.authorized:
            return denials.forbidden_by_policy(rest, True, f"{authorizer.name}: not authorized")
    else:
        decision = policy.evaluate(answer.document, arn)
        if decision is not policy.Decision.ALLOW:
            explicit = decision is policy.Decision.EXPLICIT_DENY
            return denials.forbidden_by_policy(
                rest, explicit, f"{authorizer.name}: {decision.value} on {arn}"
            )
    return Grant(answer.principal_id, answer.context, answer.usage_key, cached)


def _error_message(payload: bytes) -> str:
    try:
        error = json.loads(payload or b"{}")
    except ValueError:
        return payload.decode(errors="replace")[:200]
    if isinstance(error, dict):
        return str(error.get("errorMessage", ""))
    return str(error)[:200]


def rest_authorizer_context(grant: Grant, latency_ms: int = 0) -> dict[str, Any]:
    """``requestContext.authorizer`` of a REST proxy event: the context's values as strings."""
    context: dict[str, Any] = {k: _as_string(v) for k, v in grant.context.items()}
    if grant.principal_id is not None:
        context["principalId"] = grant.principal_id
    context["integrationLatency"] = latency_ms
    return context


def http_authorizer_context(grant: Grant, payload_version: str) -> dict[str, Any]:
    """``requestContext.authorizer`` of an HTTP API's integration event for a Lambda authorizer."""
    if payload_version == "2.0":
        return {"lambda": dict(grant.context)}
    context = dict(grant.context)
    if grant.principal_id is not None:
        context["principalId"] = grant.principal_id
    return context


def _as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
