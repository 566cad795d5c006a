"""What the gateway answers when it answers itself (intercepted operations, direct paths, admin).

One value both doors can write out: the WSGI door as a status line and headers, the pipe door
as the dict the worker hands back to botocore.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from xml.sax.saxutils import escape

JSON = "application/json"
AMZ_JSON = "application/x-amz-json-1.0"


@dataclass(frozen=True, slots=True)
class Response:
    """A whole HTTP response: status code, headers in order, body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTPStatus(self.status).phrase}"


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


def aws_error_response(status: int, code: str, message: str) -> Response:
    """An error in the JSON protocols' shape, which botocore reads for every service here."""
    return json_response(
        {"__type": code, "message": message, "Type": "User"},
        status,
        {"x-amzn-ErrorType": code},
    )


def query_error_response(status: int, code: str, message: str) -> Response:
    """An error in the query protocol's XML shape (SNS, SQS's query form, IAM, STS...)."""
    body = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        "</Error></ErrorResponse>"
    ).encode()
    headers = (("Content-Type", "text/xml"), ("Content-Length", str(len(body))))
    return Response(status, headers, body)
