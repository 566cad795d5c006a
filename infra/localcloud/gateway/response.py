"""What the gateway answers when it answers itself (intercepted operations, direct paths, admin).

One value both doors can write out: the WSGI door as a status line and headers, the pipe door
as the dict the worker hands back to botocore.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

JSON = "application/json"
AMZ_JSON = "application/x-amz-json-1.0"
# botocore reads a JSON-protocol response's RequestId (ResponseMetadata) from this header.
REQUEST_ID = "x-amzn-RequestId"


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


def with_request_id(response: Response) -> Response:
    """``response`` with a request id header unless it has one (AWS sends one with every answer)."""
    wanted = REQUEST_ID.lower()
    if any(name.lower() == wanted for name, _ in response.headers):
        return response
    return Response(
        response.status, (*response.headers, (REQUEST_ID, str(uuid.uuid4()))), response.body
    )
