"""The answers API Gateway gives when it refuses a request before its integration runs.

Each is AWS's default gateway response: its status, its body word for word (REST's policy
denials say ``Message`` with a capital M, as AWS sends them) and, on REST APIs, the
``x-amzn-ErrorType`` header naming the refusal. A denial is a value, so the pipeline returns it
as it returns an integration's answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Denial:
    """A refusal: the status, the JSON body and the headers API Gateway sends with it."""

    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = field(default=())
    # why, in the local cloud's words (for traces and logs, never sent)
    reason: str = ""
    # the REST gateway response type a template may customize (UNAUTHORIZED, ACCESS_DENIED...)
    response_type: str = ""

    def body_bytes(self) -> bytes:
        return json.dumps(self.body, separators=(",", ":")).encode()

    def all_headers(self) -> list[tuple[str, str]]:
        return [("Content-Type", "application/json"), *self.headers]


def _rest(status: int, body: Any, error_type: str, reason: str, response_type: str) -> Denial:
    return Denial(status, body, (("x-amzn-ErrorType", error_type),), reason, response_type)


def unauthorized(rest: bool, reason: str, *extra: tuple[str, str]) -> Denial:
    """401: no identity, an authorizer that said ``Unauthorized``, or a bad JWT."""
    body = {"message": "Unauthorized"}
    if rest:
        return _rest(401, body, "UnauthorizedException", reason, "UNAUTHORIZED")
    return Denial(401, body, extra, reason)


def forbidden_by_policy(rest: bool, explicit: bool, reason: str) -> Denial:
    """403 from an authorizer's decision (a policy's deny, or ``isAuthorized`` false)."""
    if not rest:
        return Denial(403, {"message": "Forbidden"}, (), reason)
    message = "User is not authorized to access this resource"
    if explicit:
        message += " with an explicit deny"
    return _rest(403, {"Message": message}, "AccessDeniedException", reason, "ACCESS_DENIED")


def forbidden(
    rest: bool, reason: str, *extra: tuple[str, str], response_type: str = "INVALID_API_KEY"
) -> Denial:
    """403 ``Forbidden``: a missing or unknown API key, or a JWT lacking the route's scopes."""
    body = {"message": "Forbidden"}
    if rest:
        return _rest(403, body, "ForbiddenException", reason, response_type)
    return Denial(403, body, extra, reason)


def authorizer_failed(rest: bool, reason: str) -> Denial:
    """500: the authorizer raised, timed out or answered something API Gateway cannot read."""
    if rest:
        return _rest(
            500,
            {"message": None},
            "AuthorizerConfigurationException",
            reason,
            "AUTHORIZER_CONFIGURATION_ERROR",
        )
    return Denial(500, {"message": "Internal Server Error"}, (), reason)


def too_many_requests(reason: str) -> Denial:
    """429: a usage plan's throttle (rate and burst) refused the key's request."""
    return _rest(
        429, {"message": "Too Many Requests"}, "TooManyRequestsException", reason, "THROTTLED"
    )


def limit_exceeded(reason: str) -> Denial:
    """429: the key used up its usage plan's quota for the period."""
    return _rest(
        429, {"message": "Limit Exceeded"}, "LimitExceededException", reason, "QUOTA_EXCEEDED"
    )
