"""IAM policy documents a Lambda authorizer returns, evaluated for one ``execute-api`` method ARN.

A REST API's Lambda authorizer (and an HTTP API's, in the IAM-policy response format) answers
with ``{"principalId", "policyDocument": {"Version", "Statement": [...]}, "context"}``. API
Gateway allows the request when some statement allows ``execute-api:Invoke`` on the request's
method ARN (``arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{resource path}``,
or for an HTTP API the route ARN of the same shape) and none denies it: an explicit deny wins,
and no matching statement is an implicit deny. ``*`` and ``?`` are IAM's wildcards in actions
and resources; ``NotAction`` and ``NotResource`` invert a statement's scope.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

INVOKE_ACTION = "execute-api:Invoke"


class PolicyError(ValueError):
    """A policy document that API Gateway could not read (its authorizer is misconfigured)."""


class Decision(enum.Enum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


def evaluate(document: Any, resource: str, action: str = INVOKE_ACTION) -> Decision:
    """Whether ``document`` allows ``action`` on ``resource`` (explicit deny wins)."""
    statements = _statements(document)
    allowed = False
    for statement in statements:
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise PolicyError(f"a statement's Effect must be Allow or Deny, not {effect!r}")
        if not _applies(statement, resource, action):
            continue
        if effect == "Deny":
            return Decision.EXPLICIT_DENY
        allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


def _statements(document: Any) -> Sequence[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        raise PolicyError(f"policyDocument must be an object, not {type(document).__name__}")
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not all(isinstance(s, Mapping) for s in statements):
        raise PolicyError("policyDocument.Statement must be a statement or a list of them")
    return statements


def _applies(statement: Mapping[str, Any], resource: str, action: str) -> bool:
    return _in_scope(statement, "Action", action, ignore_case=True) and _in_scope(
        statement, "Resource", resource, ignore_case=False
    )


def _in_scope(statement: Mapping[str, Any], key: str, value: str, *, ignore_case: bool) -> bool:
    """``Key`` matches the value, or ``NotKey`` does not; a statement needs one of the two."""
    if key in statement:
        return any(_matches(p, value, ignore_case) for p in _patterns(statement[key], key))
    if f"Not{key}" in statement:
        patterns = _patterns(statement[f"Not{key}"], f"Not{key}")
        return not any(_matches(p, value, ignore_case) for p in patterns)
    raise PolicyError(f"a statement needs {key} or Not{key}")


def _patterns(value: Any, key: str) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise PolicyError(f"a statement's {key} must be a string or a list of strings")
    return values


def _matches(pattern: str, value: str, ignore_case: bool) -> bool:
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


@lru_cache(maxsize=1024)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def method_arn(
    region: str, account: str, api_id: str, stage: str, method: str, resource_path: str
) -> str:
    """The ARN a REST request (or an HTTP API route) is authorized on.

    ``resource_path`` is the request's path within the stage (``/pets/1``), as API Gateway puts
    it in ``methodArn``; HTTP APIs' ``$default`` stage and route keep their ``$default`` names.
    """
    path = resource_path if resource_path.startswith("/") else f"/{resource_path}"
    return f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{method}{path}"
