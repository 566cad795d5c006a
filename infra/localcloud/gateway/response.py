"""What the gateway answers when it answers itself (intercepted operations, direct paths, admin).

One value both doors can write out: the WSGI door as a status line and headers, the pipe door
as the answer the executor frames back to the worker, for botocore.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from localcloud import ids
from localcloud.gateway.request import AwsRequest

JSON = "application/json"
AMZ_JSON = "application/x-amz-json-1.0"
# botocore reads a JSON-protocol response's RequestId (ResponseMetadata) from this header.
REQUEST_ID = "x-amzn-RequestId"
# Every status line made once: HTTPStatus(code) is an enum lookup (0.6 us) per answer.
STATUS_LINES = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}


class Response(NamedTuple):
    """A whole HTTP response: status code, headers in order, body.

    A named tuple: a direct path's answer makes two (with its request id), and a tuple is made
    in one step where a frozen dataclass sets each field through ``object.__setattr__``.
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    @property
    def status_line(self) -> str:
        line = STATUS_LINES.get(self.status)
        return line if line is not None else f"{self.status} {HTTPStatus(self.status).phrase}"


def json_response(
    body: Any,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    content_type: str = JSON,
) -> Response:
    """A JSON response; ``body`` is sent as is when already bytes."""
    data = body if isinstance(body, bytes) else json.dumps(body, default=str).encode()
    fixed = (("Content-Type", content_type), ("Content-Length", str(len(data))))
    return Response(status, fixed + tuple((headers or {}).items()), data)


def empty_response(status: int) -> Response:
    return Response(status, (("Content-Length", "0"),))


def error_response(request: AwsRequest, status: int, code: str, message: str) -> Response:
    """An AWS error in the shape the request's protocol reads errors in."""
    protocol = request.protocol
    if protocol == "query":
        return query_error_response(status, code, message)
    if protocol == "rest-xml":
        return rest_xml_error_response(status, code, message)
    response = aws_error_response(status, code, message)
    if request.service == "sqs":
        # SQS's JSON protocol is "query compatible": botocore takes the code its query
        # protocol would have sent from this header.
        fault = "Receiver" if status >= 500 else "Sender"
        return Response(
            status, (*response.headers, ("x-amzn-query-error", f"{code};{fault}")), response.body
        )
    return response


def aws_error_response(status: int, code: str, message: str) -> Response:
    """An error in the JSON protocols' shape, which botocore reads for every service here."""
    return json_response(
        {"__type": code, "message": message, "Type": "Server" if status >= 500 else "User"},
        status,
        {"x-amzn-ErrorType": code},
    )


def query_error_response(status: int, code: str, message: str) -> Response:
    """An error in the query protocol's XML shape (SNS, SQS's query form, IAM, STS...)."""
    fault = "Receiver" if status >= 500 else "Sender"
    body = (
        f"<ErrorResponse><Error><Type>{fault}</Type>"
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        "</Error></ErrorResponse>"
    ).encode()
    headers = (("Content-Type", "text/xml"), ("Content-Length", str(len(body))))
    return Response(status, headers, body)


def rest_xml_error_response(status: int, code: str, message: str) -> Response:
    """An error in S3's shape: a bare <Error> document."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
    ).encode()
    headers = (("Content-Type", "application/xml"), ("Content-Length", str(len(body))))
    return Response(status, headers, body)


def with_request_id(response: Response) -> Response:
    """``response`` with a request id header unless it has one (AWS sends one with every answer)."""
    wanted = REQUEST_ID.lower()
    for name, _ in response.headers:
        if name.lower() == wanted:
            return response
    return Response(
        response.status, (*response.headers, (REQUEST_ID, ids.request_id())), response.body
    )
