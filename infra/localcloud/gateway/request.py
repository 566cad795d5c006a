"""The one parsed form of an AWS request, whichever door it came through.

A request reaches the gateway either over HTTP (a WSGI environ) or over a worker's
call pipe (the Call botocore's request became in the handler's process). Both doors build the
same ``AwsRequest``, once, and everything after that (routing, tracing, the intercepted
operations) reads only this object.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from localcloud.emulator.wire import PRESERVED_NAMES
from localcloud.engine.callframe import Call
from localcloud.gateway.forms import parse_form
from localcloud.trace import TraceContext

CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]*/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# The REST services that speak XML; every other REST service here speaks JSON (Lambda...).
REST_XML_SERVICES = frozenset({"", "s3", "route53", "cloudfront"})
NO_PARAMS: Mapping[str, str] = MappingProxyType({})
# Where the HTTP server (httpserver.py) leaves the request's headers as ``_environ_headers``
# would read them from the environ.
HEADERS_KEY = "localcloud.headers"


@dataclass(frozen=True, slots=True)
class RestOperation:
    """A REST operation the gateway needs by name: REST requests carry no operation header."""

    service: str
    method: str
    path: re.Pattern[str]
    name: str


# Only the REST operations some route intercepts need a name; the others go to moto unnamed.
REST_OPERATIONS = (
    RestOperation(
        "lambda",
        "POST",
        re.compile(r"^/2015-03-31/functions/(?P<function>[^/]+)/invocations/?$"),
        "Invoke",
    ),
    RestOperation("lambda", "POST", re.compile(r"^/2015-03-31/functions/?$"), "CreateFunction"),
    RestOperation(
        "lambda",
        "PUT",
        re.compile(r"^/2015-03-31/functions/(?P<function>[^/]+)/code/?$"),
        "UpdateFunctionCode",
    ),
    RestOperation(
        "lambda",
        "PUT",
        re.compile(r"^/2015-03-31/functions/(?P<function>[^/]+)/configuration/?$"),
        "UpdateFunctionConfiguration",
    ),
    RestOperation(
        "lambda",
        "POST",
        re.compile(r"^/2015-03-31/event-source-mappings/?$"),
        "CreateEventSourceMapping",
    ),
    RestOperation(
        "lambda",
        "PUT",
        re.compile(r"^/2015-03-31/event-source-mappings/(?P<uuid>[^/]+)/?$"),
        "UpdateEventSourceMapping",
    ),
    RestOperation(
        "lambda",
        "POST",
        re.compile(r"^/2015-03-31/functions/(?P<function>[^/]+)/aliases/?$"),
        "CreateAlias",
    ),
    RestOperation(
        "lambda",
        "PUT",
        re.compile(r"^/2015-03-31/functions/(?P<function>[^/]+)/aliases/(?P<alias>[^/]+)/?$"),
        "UpdateAlias",
    ),
    RestOperation(
        "scheduler", "POST", re.compile(r"^/schedules/(?P<name>[^/]+)/?$"), "CreateSchedule"
    ),
    RestOperation(
        "scheduler", "PUT", re.compile(r"^/schedules/(?P<name>[^/]+)/?$"), "UpdateSchedule"
    ),
    # Path-style only; a subresource (?acl, ?tagging, parts) or a copy is still named so, and
    # its direct path leaves it to moto. The key is read from the path, not from a param.
    RestOperation("s3", "PUT", re.compile(r"^/[^/]+/.", re.DOTALL), "PutObject"),
)


class AwsRequest(NamedTuple):
    """One AWS request, parsed once.

    ``service`` and ``region`` come from the SigV4 credential scope (``""`` and the server's
    region when unsigned). ``operation`` is the X-Amz-Target's operation (JSON protocol), the
    form's Action (query protocol), a REST operation's name, or else ``"METHOD /path"``.
    ``path`` is as WSGI's PATH_INFO holds it: percent-decoded, one character per byte.

    A named tuple: one is made for every request and every handler call, and a tuple of twelve
    is made in one step (0.3 us) where a frozen dataclass sets each field through
    ``object.__setattr__`` (1.7 us).
    """

    service: str
    region: str
    operation: str
    target: str
    method: str
    path: str
    query: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    trace_context: TraceContext | None  # the X-Amzn-Trace-Id the caller sent
    form: Mapping[str, list[str]] | None = None  # the body of a query-protocol request
    path_params: Mapping[str, str] = NO_PARAMS  # the names in a REST operation's path

    @property
    def route_key(self) -> tuple[str, str]:
        return (self.service, self.operation)

    @property
    def moto_body(self) -> bytes:
        """The body moto is handed: the request's, or ``{}`` for a Lambda call that has none.

        AWS's REST-JSON services read an absent body as an empty object (Smithy's restJson1
        protocol tests: a service tolerates a client that omits it); moto's Lambda parses every
        body as JSON and fails on none.
        """
        if not self.body and self.service == "lambda" and self.method in ("POST", "PUT"):
            return b"{}"
        return self.body

    @property
    def protocol(self) -> str:
        """The wire protocol: ``json``, ``query``, ``rest-json`` or ``rest-xml``.

        What the request looks like decides it, as it decides how an error must look to the
        client that sent it: an unsigned REST request is S3's, as moto takes it to be.
        """
        if self.target:
            return "json"
        rest_xml = self.service in REST_XML_SERVICES
        if self.form is not None and (not rest_xml or "Action" in self.form):
            return "query"  # a form to S3 without an Action is a browser's upload (POST Object)
        if "Action=" in self.query:
            return "query"
        return "rest-xml" if rest_xml else "rest-json"

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any], default_region: str) -> AwsRequest:
        """Parse a WSGI request; reads (consumes) its body."""
        return cls.parse(
            method=environ.get("REQUEST_METHOD", "GET"),
            path=environ.get("PATH_INFO", ""),
            query=environ.get("QUERY_STRING", ""),
            headers=environ.get(HEADERS_KEY) or _environ_headers(environ),
            body=_read_body(environ),
            default_region=default_region,
        )

    @classmethod
    def from_call(cls, call: Call, default_region: str) -> AwsRequest:
        """Parse a pipe call (engine/callframe.py: method, url, headers in order, raw body)."""
        url = urlsplit(call.url)
        headers = {name.lower(): value for name, value in call.headers}
        # botocore leaves Host to the connection; over HTTP (and to moto) it is the URL's.
        headers.setdefault("host", url.netloc)
        return cls.parse(
            method=call.method,
            path=_wsgi_path(url.path or "/"),
            query=url.query,
            headers=headers,
            body=call.body,
            default_region=default_region,
        )

    @classmethod
    def parse(
        cls,
        *,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        default_region: str,
    ) -> AwsRequest:
        """The request both doors describe; ``headers`` must have lower-case names."""
        scope = CREDENTIAL_SCOPE.search(headers.get("authorization", ""))
        service = scope["service"] if scope else ""
        target = headers.get("x-amz-target", "")
        form = None if target else _form(method, headers, body)
        operation, params = _operation(service, method, path, target, form)
        # Positional: this runs for every call.
        return cls(
            service,
            scope["region"] if scope else default_region,
            operation,
            target,
            method,
            path,
            query,
            headers,
            body,
            TraceContext.parse(headers.get("x-amzn-trace-id")),
            form,
            params,
        )


def _wsgi_path(path: str) -> str:
    """The text WSGI's PATH_INFO holds for a URL path: percent-decoded bytes read as latin-1."""
    return unquote_to_bytes(path).decode("latin-1") if "%" in path else path


def _environ_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    # An underscored S3 metadata header under its own name, as the pipe door has it (wire.py).
    for key, name in (environ.get(PRESERVED_NAMES) or {}).items():
        dashed = key[5:].replace("_", "-").lower()
        if dashed in headers:
            headers[name.lower()] = headers.pop(dashed)
    return headers


def _read_body(environ: Mapping[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length else b""


def _form(method: str, headers: Mapping[str, str], body: bytes) -> dict[str, list[str]] | None:
    if method == "POST" and headers.get("content-type", "").startswith(FORM_CONTENT_TYPE):
        return parse_form(body.decode(errors="replace"))
    return None


def _operation(
    service: str,
    method: str,
    path: str,
    target: str,
    form: Mapping[str, list[str]] | None,
) -> tuple[str, Mapping[str, str]]:
    """The operation's name and, for a named REST operation, the names in its path."""
    if target:  # JSON protocol (REST requests carry no target)
        return target.rsplit(".", 1)[-1], NO_PARAMS
    if form is not None:  # query protocol
        return form.get("Action", [""])[0], NO_PARAMS
    for rest in REST_OPERATIONS:
        match = rest.path.match(path) if (service, method) == (rest.service, rest.method) else None
        if match:
            return rest.name, {key: unquote(value) for key, value in match.groupdict().items()}
    # WSGI hands the path over as latin-1 text; the name shown in traces is the UTF-8 one.
    return f"{method} {path.encode('latin-1', 'replace').decode('utf-8', 'replace')}", NO_PARAMS
