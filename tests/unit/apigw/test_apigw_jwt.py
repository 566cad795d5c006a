"""JWT authorizers: tokens checked against a local JWKS as HTTP APIs check them."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from localcloud.apigw.denials import Denial
from localcloud.apigw.jwt_auth import (
    JwksError,
    JwksSource,
    JwtAuthorizer,
    JwtGrant,
    JwtVerifier,
    parse_locations,
)

ISSUER = "https://issuer.example.com/pool"
AUTHORIZER = JwtAuthorizer("j1", "Jwt", ISSUER, ("client-a",))


@pytest.fixture(scope="module")
def keys() -> tuple[RSAKey, RSAKey]:
    return (
        RSAKey.generate_key(2048, parameters={"kid": "good"}),
        RSAKey.generate_key(2048, parameters={"kid": "good"}),  # same kid, other key
    )


@pytest.fixture
def verifier(keys: tuple[RSAKey, RSAKey], tmp_path: Path) -> JwtVerifier:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(KeySet([keys[0]]).as_dict(private=False)))
    return JwtVerifier(JwksSource({ISSUER: str(path)}))


def token(key: RSAKey, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": "client-a", "sub": "ann", "exp": now + 60, "iat": now - 1}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": "good"}, body, key)


def test_good_token_grants_string_claims_and_scopes(keys: Any, verifier: JwtVerifier) -> None:
    grant = verifier.verify(
        AUTHORIZER, "Bearer " + token(keys[0], scope="read write", groups=["a", "b"]), ("read",)
    )
    assert isinstance(grant, JwtGrant)
    assert grant.claims["sub"] == "ann"
    assert grant.claims["groups"] == "[a b]"
    assert isinstance(grant.claims["exp"], str)
    assert grant.scopes == ("read", "write")
    assert grant.authorizer_context("2.0")["jwt"]["claims"]["sub"] == "ann"


def test_bad_signature_is_401_with_www_authenticate(keys: Any, verifier: JwtVerifier) -> None:
    denial = verifier.verify(AUTHORIZER, token(keys[1]))
    assert isinstance(denial, Denial)
    assert (denial.status, denial.body) == (401, {"message": "Unauthorized"})
    header = dict(denial.headers)["www-authenticate"]
    assert 'error="invalid_token"' in header and "signature" in header


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://other"},
        {"aud": "someone-else"},
        {"exp": 1},
        {"exp": None},
        {"nbf": int(time.time()) + 3600},
    ],
)
def test_claims_that_fail_are_401(keys: Any, verifier: JwtVerifier, claims: dict) -> None:
    denial = verifier.verify(AUTHORIZER, token(keys[0], **claims))
    assert isinstance(denial, Denial) and denial.status == 401


def test_client_id_stands_for_a_missing_aud(keys: Any, verifier: JwtVerifier) -> None:
    grant = verifier.verify(AUTHORIZER, token(keys[0], aud=None, client_id="client-a"))
    assert isinstance(grant, JwtGrant)


def test_missing_scope_is_403(keys: Any, verifier: JwtVerifier) -> None:
    denial = verifier.verify(AUTHORIZER, token(keys[0], scope="read"), ("admin",))
    assert isinstance(denial, Denial)
    assert (denial.status, denial.body) == (403, {"message": "Forbidden"})
    assert 'error="insufficient_scope"' in dict(denial.headers)["www-authenticate"]


def test_missing_or_garbage_token_is_401(verifier: JwtVerifier) -> None:
    for value in (None, "", "Bearer not.a.jwt"):
        denial = verifier.verify(AUTHORIZER, value)
        assert isinstance(denial, Denial) and denial.status == 401


def test_unknown_issuer_names_the_setting() -> None:
    source = JwksSource({})
    with pytest.raises(JwksError, match="LOCALCLOUD_JWKS"):
        source.keys("https://cognito-idp.us-east-1.amazonaws.com/pool")


def test_loopback_issuer_is_discovered(keys: Any) -> None:
    fetched: list[str] = []
    jwks = json.dumps(KeySet([keys[0]]).as_dict(private=False)).encode()

    def fetch(url: str) -> bytes:
        fetched.append(url)
        if url.endswith("openid-configuration"):
            return b'{"jwks_uri": "http://127.0.0.1:9/keys"}'
        return jwks

    source = JwksSource({}, fetch=fetch)
    assert source.keys("http://127.0.0.1:9/issuer")
    source.keys("http://127.0.0.1:9/issuer")
    assert fetched.count("http://127.0.0.1:9/keys") == 1


def test_locations_refuse_urls_off_the_machine() -> None:
    assert parse_locations("https://a/=/tmp/k.json") == {"https://a": "/tmp/k.json"}
    assert parse_locations('{"https://a": "http://localhost:1/k"}') == {
        "https://a": "http://localhost:1/k"
    }
    with pytest.raises(ValueError, match="not on this machine"):
        parse_locations("https://a=https://example.com/keys")
