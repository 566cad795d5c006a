"""Function URLs, the pure parts: which URL a request addresses, the event, AWS's refusals.

A function URL is addressed on the cloud's own port in LocalStack's two forms:

- ``Host: {url id}.lambda-url.{region}.localhost.localstack.cloud[:port]`` (or without the
  region: ``{url id}.lambda-url.localhost.localstack.cloud``), the path as the function sees it;
- ``/_aws/lambda-url/{url id}/{path}`` with any Host the cloud serves.

The event is payload format 2.0, as an HTTP API's ``$default`` route sends it: routeKey and stage
``$default``, requestContext.apiId / domainPrefix the URL id, domainName the URL's host on AWS,
``authorizer.iam`` for an ``AWS_IAM`` URL only. The function's answer is mapped as an HTTP API
maps a 2.0 response (payloads.http_response).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from localcloud.apigw.model import Answer, ApiRequest
from localcloud.apigw.payloads import is_text_for_http

PATH_PREFIX = "/_aws/lambda-url/"
_HOST_SUFFIX = ".localhost.localstack.cloud"
_LABEL = ".lambda-url"
DEFAULT = "$default"


@dataclass(frozen=True, slots=True)
class UrlRequest:
    """The URL id a request addresses and the path the function sees."""

    url_id: str
    path: str


def _url_id_of_host(host: str | None) -> str | None:
    if not host or host.startswith("["):
        return None
    name = host.strip().lower().rsplit(":", 1)[0]
    if not name.endswith(_HOST_SUFFIX):
        return None
    labels = name[: -len(_HOST_SUFFIX)].split(".")
    # {id}.lambda-url or {id}.lambda-url.{region}
    if len(labels) in (2, 3) and labels[1] == _LABEL[1:] and labels[0]:
        return labels[0]
    return None


def locate(path: str, host: str | None) -> UrlRequest | None:
    """The function URL ``path`` and ``host`` address, or None: not a function URL request."""
    url_id = _url_id_of_host(host)
    if url_id is not None:
        return UrlRequest(url_id, path or "/")
    if path.startswith(PATH_PREFIX):
        url_id, _, tail = path[len(PATH_PREFIX) :].partition("/")
        return UrlRequest(url_id, "/" + tail) if url_id else None
    return None


def event(
    request: ApiRequest,
    url_id: str,
    region: str,
    account: str,
    authorizer: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The payload 2.0 event a function URL sends for ``request``; ``authorizer`` is
    requestContext.authorizer (``{"iam": ...}`` on an AWS_IAM URL)."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        lower = name.lower()
        if lower == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        headers[lower] = f"{headers[lower]},{value}" if lower in headers else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(request.query, keep_blank_values=True) if request.query else []:
        query[name] = f"{query[name]},{value}" if name in query else value
    text = is_text_for_http(request.header("content-type"), request.body)
    context: dict[str, Any] = {
        "accountId": account if authorizer is not None else "anonymous",
        "apiId": url_id,
        "domainName": f"{url_id}.lambda-url.{region}.on.aws",
        "domainPrefix": url_id,
        "http": {
            "method": request.method,
            "path": request.path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": request.header("user-agent") or "",
        },
        "requestId": request.request_id,
        "routeKey": DEFAULT,
        "stage": DEFAULT,
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(request.received)),
        "timeEpoch": int(request.received * 1000),
    }
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    document: dict[str, Any] = {
        "version": "2.0",
        "routeKey": DEFAULT,
        "rawPath": request.path,
        "rawQueryString": request.query,
    }
    if cookies:
        document["cookies"] = cookies
    document["headers"] = headers
    if query:
        document["queryStringParameters"] = query
    document["requestContext"] = context
    if request.body:
        if text:
            document["body"] = request.body.decode(errors="replace")
        else:
            document["body"] = base64.b64encode(request.body).decode()
    document["isBase64Encoded"] = bool(request.body) and not text
    return document


def forbidden() -> Answer:
    """An unsigned request to an AWS_IAM URL, or no URL with that id."""
    return Answer.json(403, {"Message": "Forbidden"}).with_headers(
        (("x-amzn-ErrorType", "AccessDeniedException"),)
    )


def function_failed() -> Answer:
    """The function failed, timed out or answered something that is no response."""
    return Answer.json(502, {"Message": "Internal Server Error"})


def too_large() -> Answer:
    return Answer.json(413, {"Message": "Request Entity Too Large"})
