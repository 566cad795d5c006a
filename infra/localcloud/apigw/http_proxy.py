"""``HTTP_PROXY`` integrations to a server on this machine: the request passed through as it came.

API Gateway passes the whole request (method, headers, query string, body) to the integration's
URL and the backend's whole answer back. The local cloud does the same for a loopback URL
(``http://127.0.0.1:{port}/...``, ``http://localhost:{port}/...``) and for nothing else: no
request leaves the machine (the deployer refuses any other URL, and one a stage variable
makes at request time is answered 500). The URL is used as written, with ``{name}`` path
variables filled from the route's path parameters (REST: through the integration's
``integration.request.path.*`` mappings where it has them; ``{proxy}`` for a greedy
``{proxy+}``) and ``${stageVariables.name}`` from the stage; the request path is not
appended, as on AWS. A backend that cannot be reached is AWS's integration failure (REST 502,
HTTP APIs 500); one that does not answer within the integration's timeout a 504.

Each forwarded request is a ``deliver http:{METHOD} {url} {status}`` hop under the request.
"""

from __future__ import annotations

import http.client
import logging
import re
import time
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from localcloud.apigw import payloads, steps
from localcloud.apigw.jwt_auth import is_loopback_url
from localcloud.apigw.model import REST, Answer
from localcloud.trace import HopKind, Outcome, TraceContext

log = logging.getLogger(__name__)

# Headers that describe one connection, not the request: never passed on (RFC 9110 7.6.1).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
_VARIABLE = re.compile(r"\{(?P<name>[A-Za-z0-9_.+-]+)\}")
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.(?P<name>[A-Za-z0-9_]+)\}")
_PATH_MAPPING = "integration.request.path."


class Traces(Protocol):
    def record(
        self,
        kind: HopKind,
        service: str,
        resource: str,
        *,
        context: TraceContext | None = None,
        **detail: Any,
    ) -> TraceContext: ...


def target_url(call: steps.IntegrationCall) -> str:
    """The integration's URL for this request: stage and path variables filled in."""
    uri = _STAGE_VARIABLE.sub(
        lambda m: call.stage.variables.get(m["name"], ""), call.integration.uri
    )
    parameters = dict(call.match.path_parameters)
    mapped: dict[str, str] = {}
    for target, source in call.integration.request_parameters.items():
        source_text = str(source)
        if str(target).startswith(_PATH_MAPPING) and source_text.startswith("method.request.path."):
            value = parameters.get(source_text[len("method.request.path.") :])
            if value is not None:
                mapped[str(target)[len(_PATH_MAPPING) :]] = value

    def fill(found: re.Match[str]) -> str:
        name = found["name"].rstrip("+")
        value = mapped.get(name, parameters.get(name))
        return found[0] if value is None else quote(value, safe="/")

    head, _, query = uri.partition("?")
    filled = _VARIABLE.sub(fill, head)
    return f"{filled}?{query}" if query else filled


class HttpProxy:
    """The ``HTTP_PROXY`` step, recording each forwarded request in the trace store."""

    def __init__(self, traces: Traces) -> None:
        self.traces = traces

    def install(self, pipeline: steps.Steps) -> None:
        pipeline.register_integration("HTTP_PROXY", self.integrate)

    def integrate(self, call: steps.IntegrationCall) -> Answer:
        protocol = call.api.protocol
        url = target_url(call)
        parts = urlsplit(url)
        if parts.scheme != "http" or not is_loopback_url(url):
            log.warning(
                "API %s route %s: HTTP_PROXY to %s refused: only http:// URLs on this machine "
                "(127.0.0.1, localhost) are served",
                call.api.id,
                call.match.route.key,
                url,
            )
            return payloads.internal_error(protocol)
        method = str(call.integration.method or "ANY").upper()
        method = call.request.method if method == "ANY" else method
        query = "&".join(q for q in (parts.query, call.request.query) if q)
        target = (parts.path or "/") + (f"?{query}" if query else "")
        headers = [(k, v) for k, v in call.request.headers if k.lower() not in HOP_BY_HOP]
        headers.append(("Host", parts.netloc))
        default_ms = payloads.REST_TIMEOUT_MS if protocol == REST else payloads.HTTP_TIMEOUT_MS
        timeout_s = (call.integration.timeout_ms or default_ms) / 1000
        started = time.time()
        answer, outcome = self._send(parts, method, target, headers, call.request.body, timeout_s)
        status = answer.status if outcome is None else None
        self.traces.record(
            HopKind.DELIVER,
            "http",
            f"{method} {parts.scheme}://{parts.netloc}{target} {status or outcome}",
            context=call.trace,
            outcome=Outcome.OK if outcome is None else Outcome.ERROR,
            duration_ms=(time.time() - started) * 1000,
            at=started,
            status=status,
        )
        if outcome == "timed out":
            return payloads.timed_out(protocol)
        if outcome is not None:
            log.warning("API %s: HTTP_PROXY to %s failed: %s", call.api.id, url, outcome)
            return payloads.integration_failure(protocol)
        return answer

    @staticmethod
    def _send(
        parts: Any,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        timeout_s: float,
    ) -> tuple[Answer, str | None]:
        """The backend's answer, or why there is none ("timed out", the connection's error)."""
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout_s)
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                connection.putheader(name, value)
            if body or method in ("POST", "PUT", "PATCH"):
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body or None)
            response = connection.getresponse()
            data = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            kept.append(("Content-Length", str(len(data))))
            return Answer(response.status, tuple(kept), data), None
        except TimeoutError:
            return Answer(504), "timed out"
        except (OSError, http.client.HTTPException) as exc:
            return Answer(502), f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
