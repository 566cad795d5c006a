"""Two Lambda authorizers: owners of the HTTP API (simple responses), and the REST API's admin
(a TOKEN authorizer answering with an IAM policy)."""

from __future__ import annotations

import hmac
import os
from typing import Any


def _owners() -> dict[str, str]:
    pairs = (pair.partition("=") for pair in os.environ["OWNER_TOKENS"].split(","))
    return {token: owner for token, _, owner in pairs}


def owner_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """HTTP API, payload 2.0: `Authorization: Bearer <token>` of a known owner."""
    header = (event.get("identitySource") or [""])[0]
    scheme, _, token = header.partition(" ")
    owner = _owners().get(token) if scheme.lower() == "bearer" else None
    return {"isAuthorized": owner is not None, "context": {"owner": owner or ""}}


def _policy(principal: str, effect: str, method_arn: str) -> dict[str, Any]:
    # Allow the whole API, so a cached answer serves the admin's other routes too.
    api_arn = "/".join(method_arn.split("/")[:2]) + "/*"
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": api_arn}],
        },
        "context": {"role": "admin" if effect == "Allow" else "none"},
    }


def admin_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """REST TOKEN authorizer: the admin token is allowed, a revoked one denied, others 401."""
    token = event["authorizationToken"].removeprefix("Bearer ")
    if hmac.compare_digest(token, os.environ["ADMIN_TOKEN"]):
        return _policy("admin", "Allow", event["methodArn"])
    if token.startswith("revoked-"):
        return _policy(token, "Deny", event["methodArn"])
    raise Exception("Unauthorized")  # API Gateway's way to answer 401
