"""The unsubscribe link of SNS notifications: ``GET /?Action=Unsubscribe&SubscriptionArn=ARN``.

Every notification SNS delivers names this URL (``UnsubscribeURL``; engine/shapes.py points it at
the local cloud). As on AWS, whoever holds the link may follow it without signing anything: the
GET deletes the subscription and answers SNS's ``UnsubscribeResponse`` with a request id. moto
would take an unsigned ``GET /`` for S3's ListBuckets, so the gateway answers it here, before any
route (dispatch.py asks ``is_link``). A signed Unsubscribe call is SNS's own and goes to moto.

A web page must not follow the link for the user. browser.py already refuses a foreign Host (DNS
rebinding) and a foreign Origin, but a page's ``<img src=...>`` or no-cors fetch is a GET that
carries no Origin at all; browsers do mark it ``Sec-Fetch-Site: cross-site`` (or ``same-site``
for another port of localhost), and that is refused here. A link pasted into the address bar
(``Sec-Fetch-Site: none``), or fetched by a program that sends no such header, unsubscribes.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from localcloud.emulator import backends
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import REQUEST_ID, Response

SNS_NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/"
# What a browser says of a request a page did not send from another site.
OWN_FETCH_SITES = ("none", "same-origin")


def is_link(request: AwsRequest) -> bool:
    """Whether ``request`` is an unsubscribe link being followed (an unsigned GET)."""
    return (
        request.method == "GET"
        and request.path in ("", "/")
        and "Action=Unsubscribe" in request.query
        and "authorization" not in request.headers
        and _param(request, "Action") == "Unsubscribe"
    )


def answer(request: AwsRequest) -> Response:
    """Unsubscribe, answering SNS's XML: its UnsubscribeResponse, or its error."""
    request_id = str(uuid.uuid4())
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in OWN_FETCH_SITES:
        return _error(
            403,
            "AuthorizationError",
            f"A web page ({site}) may not follow an unsubscribe link of the local cloud: "
            "open the link itself (paste it into the address bar) or call SNS Unsubscribe",
            request_id,
        )
    arn = _param(request, "SubscriptionArn")
    if not arn:
        return _error(
            400,
            "InvalidParameter",
            "Invalid parameter: SubscriptionArn Reason: the link names no subscription",
            request_id,
        )
    if not backends.unsubscribe(arn):
        return _error(404, "NotFound", f"Subscription does not exist: {arn}", request_id)
    return _xml(200, unsubscribe_response(request_id), request_id)


def unsubscribe_response(request_id: str) -> bytes:
    """SNS's answer to Unsubscribe."""
    return (
        f'<UnsubscribeResponse xmlns="{SNS_NAMESPACE}">'
        f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>"
        "</UnsubscribeResponse>"
    ).encode()


def error_document(code: str, message: str, request_id: str) -> bytes:
    """SNS's error XML (a client's fault: Type Sender)."""
    return (
        f'<ErrorResponse xmlns="{SNS_NAMESPACE}"><Error><Type>Sender</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    ).encode()


def _error(status: int, code: str, message: str, request_id: str) -> Response:
    return _xml(status, error_document(code, message, request_id), request_id)


def _xml(status: int, body: bytes, request_id: str) -> Response:
    headers = (
        ("Content-Type", "text/xml"),
        ("Content-Length", str(len(body))),
        (REQUEST_ID, request_id),
    )
    return Response(status, headers, body)


def _param(request: AwsRequest, name: str) -> str:
    return (parse_qs(request.query).get(name) or [""])[0]
