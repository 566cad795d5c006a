"""Which requests count as SigV4-signed on an AWS_IAM route, and who the signer is."""

from __future__ import annotations

import pytest

from localcloud.apigw import iam_auth
from localcloud.apigw.model import ApiRequest

CREDENTIAL = "AKIDLOCAL/20261205/us-east-1/execute-api/aws4_request"


def request(headers: dict[str, str] | None = None, query: str = "") -> ApiRequest:
    return ApiRequest(
        "GET", "/iam", query, tuple((headers or {}).items()), b"", "127.0.0.1", "h", "p", "r", 0.0
    )


def test_an_authorization_header_names_the_signer() -> None:
    header = (
        f"AWS4-HMAC-SHA256 Credential={CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=ab"
    )
    caller = iam_auth.signed_caller(
        request({"Authorization": header, "X-Amz-Security-Token": "tok"}), "111122223333"
    )
    assert caller == iam_auth.SignedCaller("AKIDLOCAL", "111122223333", "tok")
    assert caller.rest_identity() == {
        "accessKey": "AKIDLOCAL",
        "accountId": "111122223333",
        "caller": "AKIDLOCAL",
        "user": "AKIDLOCAL",
        "userArn": "arn:aws:iam::111122223333:user/AKIDLOCAL",
    }
    assert caller.http_authorizer()["iam"]["userId"] == "AKIDLOCAL"


def test_a_presigned_query_string_names_the_signer() -> None:
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
        + CREDENTIAL.replace("/", "%2F")
        + "&X-Amz-Date=20261205T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=ab"
    )
    caller = iam_auth.signed_caller(request(query=query), "123456789012")
    assert caller is not None and caller.access_key == "AKIDLOCAL"


@pytest.mark.parametrize(
    "headers, query",
    [
        ({}, ""),
        ({"Authorization": "Bearer abc"}, ""),
        ({"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/bad, Signature=ab"}, ""),
        ({"Authorization": f"AWS4-HMAC-SHA256 Credential={CREDENTIAL}, SignedHeaders=host"}, ""),
        ({"X-Amz-Security-Token": "tok"}, ""),
        ({}, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab"),
    ],
)
def test_what_is_not_a_signature(headers: dict[str, str], query: str) -> None:
    assert iam_auth.signed_caller(request(headers, query), "123456789012") is None


def test_unsigned_answers_as_aws_does() -> None:
    rest = iam_auth.unsigned(True)
    assert (rest.status, rest.body_bytes()) == (403, b'{"message":"Missing Authentication Token"}')
    assert ("x-amzn-ErrorType", "MissingAuthenticationTokenException") in rest.headers
    assert rest.response_type == "MISSING_AUTHENTICATION_TOKEN"
    http = iam_auth.unsigned(False)
    assert (http.status, http.body_bytes()) == (403, b'{"message":"Forbidden"}')
