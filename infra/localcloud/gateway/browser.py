"""No web page may drive the local cloud: Host and Origin checks, and CORS for allowed origins.

The cloud runs code on the developer's machine (CreateFunction plus Invoke), so a page the
developer happens to open must not reach it:

- DNS rebinding: a page on ``evil.example`` that re-points its name at 127.0.0.1 becomes
  same-origin with the cloud, but its requests still carry ``Host: evil.example``. Only loopback
  names (``localhost``, ``*.localhost``), LocalStack's names (``localhost.localstack.cloud`` and
  its subdomains, which resolve to 127.0.0.1), IP literals (a page cannot be served from the
  cloud's IP by anyone but the cloud), the bound host and names the user lists are served.
- Cross-origin requests: a browser adds ``Origin`` to every cross-origin POST, including the form
  posts it sends without a preflight (SQS's and SNS's query protocol is such a form). A request
  whose Origin is neither the cloud's own nor one the user lists is refused before anything runs;
  SDKs and the CLI send no Origin.
- CORS: preflights are answered for allowed origins only, and only they get
  ``Access-Control-Allow-Origin`` (moto's own allow-everything CORS is switched off:
  emulator/moto_patches/server.py).
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from localcloud.gateway.response import Response, json_response

LOOPBACK_NAMES = ("localhost", "localhost.localstack.cloud")
LOOPBACK_SUFFIXES = (".localhost", ".localhost.localstack.cloud")
OPERATION_HOST_PREFIX = "sync-"
ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"
EXPOSED_HEADERS = "x-amzn-RequestId, x-amz-request-id, x-amzn-ErrorType, ETag, x-amz-version-id"


def _host_name(host: str) -> str:
    """``host`` without its port, lower case, IPv6 brackets removed."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class BrowserPolicy:
    """Which Host headers are served and which browser origins may call the cloud."""

    own_origins: frozenset[str]
    extra_origins: frozenset[str] = frozenset()
    extra_hosts: frozenset[str] = frozenset()

    @classmethod
    def for_endpoint(
        cls, endpoint_url: str, origins: Iterable[str] = (), hosts: Iterable[str] = ()
    ) -> BrowserPolicy:
        """The policy of a cloud at ``endpoint_url`` plus the origins and hosts a user lists."""
        url = urlsplit(endpoint_url)
        port = f":{url.port}" if url.port else ""
        own = {f"{url.scheme}://{name}{port}" for name in (url.hostname or "", "localhost")}
        own.add(f"{url.scheme}://127.0.0.1{port}")
        bound = {_host_name(url.hostname or "")}
        return cls(
            own_origins=frozenset(own),
            extra_origins=frozenset(o.rstrip("/") for o in origins),
            extra_hosts=frozenset(_host_name(h) for h in hosts) | bound,
        )

    def host_allowed(self, host: str | None) -> bool:
        if not host:  # HTTP/1.0 without Host: no browser sends that
            return True
        return self._name_allowed(host)

    # Every request asks, nearly always about the same few Host values: the answer for a value
    # never changes (the policy is frozen), and parsing it as an IP address costs ~5 us.
    @functools.lru_cache(maxsize=1024)  # noqa: B019 (the policy lives as long as the cloud)
    def _name_allowed(self, host: str) -> bool:
        # botocore sends some operations to a prefixed host (Step Functions' StartSyncExecution
        # to ``sync-<endpoint host>``): the prefix names the same, allowed host.
        name = _host_name(host).removeprefix(OPERATION_HOST_PREFIX)
        return (
            name in LOOPBACK_NAMES
            or name.endswith(LOOPBACK_SUFFIXES)
            or _is_ip(name)
            or name in self.extra_hosts
        )

    def origin_allowed(self, origin: str) -> bool:
        origin = origin.rstrip("/")
        return (
            origin in self.own_origins
            or origin in self.extra_origins
            or ("*" in self.extra_origins)
        )

    def refusal(
        self, method: str, headers: Mapping[str, str], api_allows: bool = False
    ) -> Response | None:
        """The answer to a request no page may make, a preflight's answer, or None: serve it.

        ``api_allows``: the request is addressed to an API Gateway API whose own CORS settings
        allow its origin; the API then answers the page (its preflight included), as on AWS."""
        if not self.host_allowed(headers.get("host")):
            return json_response(
                {
                    "message": f"Host {headers.get('host')!r} is not served: the local cloud "
                    "answers loopback names and IP addresses only (a web page may be trying to "
                    "reach it); list other names in LOCALCLOUD_ALLOWED_HOSTS"
                },
                403,
            )
        origin = headers.get("origin")
        if origin is None or api_allows:
            return None
        if not self.origin_allowed(origin):
            return json_response(
                {
                    "message": f"Origin {origin!r} may not call the local cloud: web pages are "
                    "refused unless listed in LOCALCLOUD_CORS_ORIGINS"
                },
                403,
            )
        if method == "OPTIONS" and "access-control-request-method" in headers:
            return self._preflight(origin, headers)
        return None

    def _preflight(self, origin: str, headers: Mapping[str, str]) -> Response:
        allowed = (
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", ALLOWED_METHODS),
            (
                "Access-Control-Allow-Headers",
                headers.get("access-control-request-headers", "*"),
            ),
            ("Access-Control-Max-Age", "600"),
            ("Vary", "Origin"),
            ("Content-Length", "0"),
        )
        return Response(204, allowed)

    @staticmethod
    def cors_headers(origin: str | None) -> list[tuple[str, str]]:
        """Headers that let an allowed origin read a response (call after ``refusal``)."""
        if origin is None:
            return []
        return [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
            ("Vary", "Origin"),
        ]
