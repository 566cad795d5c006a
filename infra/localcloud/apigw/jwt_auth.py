"""JWT authorizers of HTTP APIs, checked against a JWKS on this machine.

AWS fetches the signing keys from the issuer's ``/.well-known/openid-configuration``; the local
cloud never leaves the machine, so the keys come from a JWKS the user points at: a local file,
or a URL on a loopback address (``LOCALCLOUD_JWKS``: ``issuer=location`` pairs), or, when the
issuer itself is a loopback URL, its own discovery document. A token is accepted as AWS does:
a ``Bearer`` token (the prefix is optional) signed with an RSA key of the set whose ``kid`` it
names, ``iss`` equal to the authorizer's issuer, ``aud`` (or ``client_id`` when there is no
``aud``) one of its audiences, ``exp`` in the future, ``nbf`` and ``iat`` not in the future, and,
when the route names authorization scopes, one of them in ``scope`` / ``scp``. A bad token is a
401 with AWS's ``www-authenticate`` header; a good token without the scopes, a 403.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import errors as jose_errors
from joserfc import jwt
from joserfc.jwk import KeySet

from localcloud.apigw import denials
from localcloud.apigw.denials import Denial

# API Gateway verifies JWTs signed with RSA keys only.
ALGORITHMS = ("RS256", "RS384", "RS512")
# How long keys read from a URL are trusted before they are read again.
URL_KEYS_TTL_S = 300.0
FETCH_TIMEOUT_S = 2.0


class JwksError(Exception):
    """The authorizer's keys could not be found or read (the request then fails with 401)."""


@dataclass(frozen=True, slots=True)
class JwtAuthorizer:
    """An HTTP API's JWT authorizer as deployed."""

    authorizer_id: str
    name: str
    issuer: str
    audiences: tuple[str, ...]
    identity_source: str = "$request.header.Authorization"


@dataclass(frozen=True, slots=True)
class JwtGrant:
    """An accepted token: its claims as the integration sees them, and its scopes."""

    claims: Mapping[str, str]
    scopes: tuple[str, ...] | None

    def authorizer_context(self, payload_version: str) -> dict[str, Any]:
        """``requestContext.authorizer`` of the integration's event."""
        jwt_part = {
            "claims": dict(self.claims),
            "scopes": list(self.scopes) if self.scopes is not None else None,
        }
        return {"jwt": jwt_part} if payload_version == "2.0" else jwt_part


def parse_locations(text: str) -> dict[str, str]:
    """``issuer=location,issuer=location`` (or a JSON object) as a mapping; ValueError if bad."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        value = json.loads(text)
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValueError("must be a JSON object of issuer to JWKS location")
        return {str(k).rstrip("/"): v for k, v in value.items()}
    locations = {}
    for pair in text.split(","):
        issuer, sep, location = pair.strip().rpartition("=")
        if not sep or not issuer or not location:
            raise ValueError(f"{pair!r} is not issuer=location")
        locations[issuer.strip().rstrip("/")] = location.strip()
    for location in locations.values():
        check_location(location)
    return locations


def check_location(location: str) -> None:
    """ValueError unless ``location`` is a file path or an http(s) URL on a loopback address."""
    if location.startswith(("http://", "https://")) and not is_loopback_url(location):
        raise ValueError(
            f"{location} is not on this machine: a JWKS URL must name 127.0.0.1, ::1 or "
            "localhost (the local cloud sends nothing off the machine)"
        )


def is_loopback_url(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class JwksSource:
    """Signing keys per issuer: read from a file (again when it changes) or a loopback URL."""

    def __init__(
        self,
        locations: Mapping[str, str],
        fetch: Callable[[str], bytes] | None = None,
        clock: Callable[[], float] = time.monotonic,
        local_issuers: Callable[[str], Mapping[str, Any] | None] | None = None,
    ) -> None:
        """``local_issuers(issuer)``: the JWKS of an issuer the local cloud itself runs (a
        Cognito user pool), or None."""
        self._local_issuers = local_issuers
        self._locations = {k.rstrip("/"): v for k, v in locations.items()}
        self._fetch = fetch or _fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[Any, KeySet]] = {}  # location: (freshness mark, keys)

    def keys(self, issuer: str) -> KeySet:
        """The keys that sign ``issuer``'s tokens; JwksError naming what to do when none.

        Where to look, in order: LOCALCLOUD_JWKS, a user pool of the local cloud, the discovery
        document of an issuer on a loopback URL."""
        if issuer.rstrip("/") not in self._locations and self._local_issuers is not None:
            document = self._local_issuers(issuer)
            if document is not None:
                return self._local(issuer, document)
        location = self._location(issuer)
        with self._lock:
            mark = self._mark(location)
            held = self._keys.get(location)
            if held is not None and _fresh(held[0], mark, self._clock()):
                return held[1]
        keys = self._read(location)
        with self._lock:
            self._keys[location] = (mark, keys)
        return keys

    def _local(self, issuer: str, document: Mapping[str, Any]) -> KeySet:
        with self._lock:
            held = self._keys.get("local:" + issuer)
            if held is not None:
                return held[1]
        try:
            keys = KeySet.import_key_set(dict(document))  # type: ignore[arg-type]
        except (ValueError, TypeError, KeyError, jose_errors.JoseError) as exc:
            raise JwksError(f"cannot read the local keys of issuer {issuer}: {exc}") from exc
        with self._lock:
            self._keys["local:" + issuer] = (("local", None), keys)
        return keys

    def _location(self, issuer: str) -> str:
        location = self._locations.get(issuer.rstrip("/"))
        if location is not None:
            return location
        if is_loopback_url(issuer):
            return _discover(issuer.rstrip("/"), self._fetch)
        raise JwksError(
            f"no JWKS for issuer {issuer}: the local cloud does not fetch keys off the machine; "
            f"set LOCALCLOUD_JWKS='{issuer}=/path/to/jwks.json' (a file, or a loopback URL)"
        )

    def _mark(self, location: str) -> Any:
        if location.startswith(("http://", "https://")):
            return ("url", self._clock() + URL_KEYS_TTL_S)
        try:
            return ("file", Path(location).stat().st_mtime_ns)
        except OSError as exc:
            raise JwksError(f"cannot read JWKS file {location}: {exc}") from exc

    def _read(self, location: str) -> KeySet:
        try:
            if location.startswith(("http://", "https://")):
                data = self._fetch(location)
            else:
                data = Path(location).read_bytes()
            document = json.loads(data)
            return KeySet.import_key_set(document)
        except (OSError, ValueError, TypeError, KeyError, jose_errors.JoseError) as exc:
            raise JwksError(f"cannot read a JWKS from {location}: {exc}") from exc


def _fresh(held_mark: Any, mark: Any, now: float) -> bool:
    """A file's keys until it changes; a URL's until their time is up."""
    if mark[0] == "file":
        return bool(held_mark == mark)
    return bool(now < held_mark[1])


def _fetch(url: str) -> bytes:
    if not is_loopback_url(url):
        raise JwksError(f"{url} is not on this machine; the local cloud fetches keys from loopback")
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as response:
        return bytes(response.read())


def _discover(issuer: str, fetch: Callable[[str], bytes]) -> str:
    try:
        document = json.loads(fetch(f"{issuer}/.well-known/openid-configuration"))
        jwks_uri = str(document["jwks_uri"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JwksError(f"cannot read the discovery document of issuer {issuer}: {exc}") from exc
    if not is_loopback_url(jwks_uri):
        raise JwksError(f"issuer {issuer} names jwks_uri {jwks_uri}, which is not on this machine")
    return jwks_uri


class JwtVerifier:
    """Checks bearer tokens for JWT authorizers."""

    def __init__(self, keys: JwksSource, clock: Callable[[], float] = time.time) -> None:
        self._keys = keys
        self._clock = clock

    def verify(
        self, authorizer: JwtAuthorizer, header_value: str | None, scopes: Sequence[str] = ()
    ) -> JwtGrant | Denial:
        """Accept the token (a JwtGrant) or refuse it as AWS does (a Denial)."""
        if not header_value:
            return _invalid(authorizer, "no token", "")
        token = header_value.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            keys = self._keys.keys(authorizer.issuer)
        except JwksError as exc:
            return _invalid(authorizer, str(exc), "unable to find the keys for the issuer")
        try:
            decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
        except jose_errors.BadSignatureError:
            return _invalid(
                authorizer, "bad signature", "the token does not have a valid signature"
            )
        except (jose_errors.JoseError, ValueError) as exc:
            return _invalid(authorizer, f"{type(exc).__name__}: {exc}", "the token is malformed")
        claims = decoded.claims
        problem = self._check_claims(authorizer, claims)
        if problem:
            return _invalid(authorizer, problem, problem)
        granted = _scopes(claims)
        if scopes and not set(scopes) & set(granted or ()):
            wanted = " ".join(scopes)
            return denials.forbidden(
                False,
                f"JWT authorizer {authorizer.name}: the token lacks the scopes {wanted}",
                (
                    "www-authenticate",
                    f'Bearer scope="{wanted}" error="insufficient_scope" '
                    'error_description="expected scopes were not granted"',
                ),
            )
        return JwtGrant({k: _claim_text(v) for k, v in claims.items()}, granted)

    def _check_claims(self, authorizer: JwtAuthorizer, claims: Mapping[str, Any]) -> str:
        now = self._clock()
        if claims.get("iss") != authorizer.issuer:
            return f"the token's issuer {claims.get('iss')!r} is not {authorizer.issuer}"
        audience = claims.get("aud") if "aud" in claims else claims.get("client_id")
        audiences = audience if isinstance(audience, list) else [audience]
        # no audiences: a REST Cognito authorizer, which takes any client of its pools
        if authorizer.audiences and not set(map(str, audiences)) & set(authorizer.audiences):
            return f"the token's audience {audience!r} is not one of {list(authorizer.audiences)}"
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or exp <= now:
            return (
                "the token has expired" if isinstance(exp, int | float) else "the token has no exp"
            )
        for name in ("nbf", "iat"):
            value = claims.get(name)
            if value is not None and (not isinstance(value, int | float) or value > now):
                return f"the token's {name} is in the future"
        return ""


def unverified_issuer(token: str | None) -> str | None:
    """The ``iss`` a token claims, read without checking it (to pick the pool to check it
    against)."""
    if not token:
        return None
    token = token.strip()
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, TypeError):
        return None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else None


def _invalid(authorizer: JwtAuthorizer, reason: str, description: str) -> Denial:
    header = 'Bearer scope="" error="invalid_token"'
    if description:
        header += f' error_description="{description}"'
    return denials.unauthorized(
        False, f"JWT authorizer {authorizer.name}: {reason}", ("www-authenticate", header)
    )


def _scopes(claims: Mapping[str, Any]) -> tuple[str, ...] | None:
    value = claims.get("scope", claims.get("scp"))
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return None


def _claim_text(value: Any) -> str:
    """A claim as HTTP APIs hand it to the integration: every value a string."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(_claim_text(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
