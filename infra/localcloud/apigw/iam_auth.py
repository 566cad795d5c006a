"""``AWS_IAM`` authorization: a route that requires it takes only SigV4-signed requests.

A request is signed when it carries an ``Authorization: AWS4-HMAC-SHA256 Credential=...,
SignedHeaders=..., Signature=...`` header, or a presigned query string (``X-Amz-Algorithm=
AWS4-HMAC-SHA256`` with ``X-Amz-Credential`` and ``X-Amz-Signature``). An unsigned one is
refused as AWS refuses it: REST APIs' 403 ``{"message":"Missing Authentication Token"}``,
HTTP APIs' 403 ``{"message":"Forbidden"}``.

The signature itself is NOT verified: the local cloud's credentials are fake (any key signs),
and no IAM policy is evaluated. The caller is named by the credential alone: its access key id
is ``accessKey``, and stands for the caller and user ids (there is no IAM user behind it to look
up); the account is the API's. Pure: no moto, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from localcloud.apigw import denials
from localcloud.apigw.denials import Denial
from localcloud.apigw.model import ApiRequest

ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True, slots=True)
class SignedCaller:
    """Who signed a request, as far as its credential says."""

    access_key: str
    account: str
    session_token: str | None = None

    @property
    def user_arn(self) -> str:
        return f"arn:aws:iam::{self.account}:user/{self.access_key}"

    def rest_identity(self) -> dict[str, Any]:
        """The fields of a REST event's ``requestContext.identity`` an IAM caller fills."""
        return {
            "accessKey": self.access_key,
            "accountId": self.account,
            "caller": self.access_key,
            "user": self.access_key,
            "userArn": self.user_arn,
        }

    def http_authorizer(self) -> dict[str, Any]:
        """An HTTP API event's ``requestContext.authorizer`` for an IAM route."""
        return {
            "iam": {
                "accessKey": self.access_key,
                "accountId": self.account,
                "callerId": self.access_key,
                "cognitoIdentity": None,
                "principalOrgId": None,
                "userArn": self.user_arn,
                "userId": self.access_key,
            }
        }


def signed_caller(request: ApiRequest, account: str) -> SignedCaller | None:
    """The caller a SigV4 signature names, or None: the request is not signed."""
    token = request.header("x-amz-security-token")
    authorization = (request.header("authorization") or "").strip()
    if authorization.startswith(ALGORITHM + " "):
        fields = _fields(authorization[len(ALGORITHM) + 1 :])
        key = _access_key(fields.get("Credential", ""))
        if key and fields.get("Signature") and fields.get("SignedHeaders"):
            return SignedCaller(key, account, token)
        return None
    query = dict(parse_qsl(request.query, keep_blank_values=True))
    if query.get("X-Amz-Algorithm") == ALGORITHM and query.get("X-Amz-Signature"):
        key = _access_key(query.get("X-Amz-Credential", ""))
        if key:
            return SignedCaller(key, account, query.get("X-Amz-Security-Token") or token)
    return None


def unsigned(rest: bool) -> Denial:
    """AWS's answer to an unsigned request on an ``AWS_IAM`` route."""
    reason = "the route requires AWS_IAM authorization; the request is not SigV4-signed"
    if rest:
        return Denial(
            403,
            {"message": "Missing Authentication Token"},
            (("x-amzn-ErrorType", "MissingAuthenticationTokenException"),),
            reason,
            "MISSING_AUTHENTICATION_TOKEN",
        )
    return denials.forbidden(False, reason)


def _fields(text: str) -> dict[str, str]:
    """``Credential=a/b, SignedHeaders=h, Signature=s`` -> its fields."""
    found: dict[str, str] = {}
    for part in text.split(","):
        name, equals, value = part.strip().partition("=")
        if equals:
            found[name.strip()] = value.strip()
    return found


def _access_key(credential: str) -> str | None:
    """``AKID/20260101/us-east-1/execute-api/aws4_request`` -> ``AKID``."""
    parts = credential.split("/")
    if len(parts) != 5 or not parts[0] or parts[4] != "aws4_request":
        return None
    return parts[0]
