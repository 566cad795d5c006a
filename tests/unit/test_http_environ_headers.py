"""The headers the HTTP server hands the gateway with its environ are exactly those the
gateway's request parse would read back out of the environ's keys."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import pytest
from waitress.adjustments import Adjustments

from localcloud.gateway.request import HEADERS_KEY, AwsRequest, _environ_headers
from localcloud.httpparse import RequestParser
from localcloud.httpserver import HttpServer

FIELDS = [
    b"Host: 127.0.0.1:4566",
    b"Content-Type: application/x-www-form-urlencoded; charset=utf-8",
    b"Content-Type: ",
    b"Content-Length: 0",
    b"X-Amz-Target: AWSEvents.PutEvents",
    b"Authorization: AWS4-HMAC-SHA256 Credential=test/20261205/us-east-1/sns/aws4_request, x",
    b"X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678",
    b"X-Empty: ",
    b"X-Forwarded-For: 10.0.0.1",
    b"Forwarded: for=10.0.0.1",
    b"Origin: http://localhost:3000",
    b"Access-Control-Request-Method: PUT",
    b"x-amz-meta-Mixed-Case: v",
    b"Accept-Encoding: identity",
    b"Accept-Encoding: gzip",
    b"Remote-Addr: spoofed",
    b"Connection: keep-alive",
    b"X_Underscored: 1",
    b"x-amz-meta-under_score: 2",
]


def _environ(head: bytes) -> dict[str, Any]:
    parser = RequestParser(Adjustments())
    parser.received(head)
    assert parser.completed and parser.error is None
    server = SimpleNamespace(port=4566, host="127.0.0.1")
    connection = SimpleNamespace(peer=("127.0.0.1", 50000))
    return HttpServer._environ(server, connection, parser)  # type: ignore[arg-type]


def _head(fields: list[bytes]) -> bytes:
    return b"POST /?a=1 HTTP/1.1\r\n" + b"".join(f + b"\r\n" for f in fields) + b"\r\n"


def test_the_handed_headers_are_the_environs() -> None:
    picker = random.Random(5)
    handed = 0
    for _ in range(400):
        fields = picker.sample(FIELDS, picker.randint(0, len(FIELDS)))
        environ = _environ(_head(fields))
        headers = environ.pop(HEADERS_KEY, None)
        if headers is None:  # an underscored name: the environ's own keys say which was which
            assert any(b"_" in field.split(b":")[0] for field in fields)
            continue
        handed += 1
        assert headers == _environ_headers(environ), fields
    assert handed > 50


@pytest.mark.parametrize("fields", [FIELDS[:8], FIELDS[8:17]])
def test_a_request_parses_the_same_with_the_handed_headers(fields: list[bytes]) -> None:
    environ = _environ(_head(fields))
    assert HEADERS_KEY in environ
    without = {key: value for key, value in environ.items() if key != HEADERS_KEY}

    assert AwsRequest.from_environ(environ, "us-east-1") == AwsRequest.from_environ(
        without, "us-east-1"
    )
