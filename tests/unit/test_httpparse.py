"""The plain-head shortcut of the request parser sets exactly what waitress's parse sets.

Heads are generated from request lines and header fields of every kind the parser meets (and
some it must refuse); each is parsed with the shortcut and with waitress's parse alone, and
everything the server reads afterwards must be the same, errors included.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from waitress.adjustments import Adjustments

from localcloud import httpparse
from localcloud.httpparse import RequestParser

BOTO3_HEAD = (
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1:4566\r\nAccept-Encoding: identity\r\n"
    b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
    b"User-Agent: Boto3/1.40.0 md/Botocore#1.40.0 ua/2.1 os/linux#6.1 lang/python#3.12.1\r\n"
    b"X-Amz-Date: 20261205T183000Z\r\n"
    b"Authorization: AWS4-HMAC-SHA256 Credential=test/20261205/us-east-1/sns/aws4_request, "
    b"SignedHeaders=content-type;host;x-amz-date, Signature=abcdef0123456789\r\n"
    b"amz-sdk-invocation-id: 5d3b7c1e-1111-2222-3333-444455556666\r\n"
    b"amz-sdk-request: attempt=1\r\nContent-Length: 5\r\n\r\n"
)

REQUEST_LINES = [
    b"POST / HTTP/1.1",
    b"GET /a%20b/c?x=1&y=%2F HTTP/1.1",
    b"PUT /bucket/key%5Fname HTTP/1.0",
    b"GET http://127.0.0.1:4566/p?q=1 HTTP/1.1",
    b"GET //double/slash HTTP/1.1",
    b"DELETE /x#frag HTTP/1.1",
    b"get / HTTP/1.1",
    b"GET / HTTP/2.0",
    b"GET / HTTP/0.9",
    b"GET /",
    b"GET / HTTP/1.1 extra",
    b"GET  / HTTP/1.1",
    b"GET / HTTP/1.1   ",
    b"GET /\xe9 HTTP/1.1",
    b"",
]

FIELDS = [
    b"Host: 127.0.0.1:4566",
    b"host:localhost",
    b"X-Amz-Target: AWSEvents.PutEvents",
    b"Content-Type: application/x-amz-json-1.1",
    b"Content-Length: 0",
    b"Content-Length: 12",
    b"Content-Length:   3   ",
    b"Content-Length: abc",
    b"Content-Length: ",
    b"Content-Length: -1",
    b"Content-Length: \xb2",
    b"Content-Length: 1 2",
    b"Transfer-Encoding: chunked",
    b"Transfer-Encoding: gzip",
    b"Connection: close",
    b"Connection: Keep-Alive",
    b"Connection: keep-alive",
    b"Expect: 100-continue",
    b"Expect: 100-Continue",
    b"X-Empty:",
    b"X-Spaces:   spaced out value \t ",
    b"X-Tab:\tvalue\twith\ttabs",
    b"X-Obs: caf\xe9",
    b"X-Ctl: a\x01b",
    b"X-Del: a\x7fb",
    b"X-Bare-Cr: a\rb",
    b" folded continuation",
    b"\tfolded with a tab",
    b"x-amz-meta-my_key: value",
    b"X_Underscored: dropped",
    b"Bad Name: x",
    b": no name",
    b"no colon at all",
    b"X-Dup: one",
    b"X-Dup: two",
    b"Authorization: AWS4-HMAC-SHA256 Credential=a/20261205/us-east-1/sqs/aws4_request",
    b"X-Amzn-Trace-Id: Root=1-5f84c7a8-0123456789abcdef01234567;Sampled=1",
]

# What the server and the gateway read off a parser once a head is parsed.
ATTRIBUTES = (
    "headers",
    "first_line",
    "request_uri",
    "command",
    "version",
    "path",
    "query",
    "fragment",
    "proxy_scheme",
    "proxy_netloc",
    "url_scheme",
    "connection_close",
    "expect_continue",
    "content_length",
    "chunked",
    "completed",
    "empty",
    "headers_finished",
    "underscored",
)


class WaitressOnly(RequestParser):
    """The same parser without the shortcut: waitress's parse and the corrections."""

    def _parse_plain(self, header_plus: bytes) -> bool:
        return False


def feed(parser: RequestParser, data: bytes) -> int:
    """Hand ``data`` over as the server does, until the request is whole; bytes consumed."""
    consumed = 0
    while not parser.completed and consumed < len(data):
        used = parser.received(data[consumed:])
        if not used:
            break
        consumed += used
    return consumed


def outcome(parser_class: type[RequestParser], data: bytes) -> dict[str, Any]:
    parser = parser_class(Adjustments())
    consumed = feed(parser, data)
    seen = {name: getattr(parser, name, None) for name in ATTRIBUTES}
    seen["consumed"] = consumed
    seen["body"] = parser.get_body_stream().read() if parser.completed else None
    seen["error"] = None if parser.error is None else (type(parser.error), parser.error.body)
    seen["body_rcv"] = type(parser.body_rcv).__name__
    return seen


def heads(count: int) -> list[bytes]:
    rng = random.Random(20261205)
    made = []
    for _ in range(count):
        fields = rng.sample(FIELDS, rng.randint(0, 6))
        if rng.random() < 0.5:  # most heads an SDK sends are plain: weight them
            fields = [f for f in fields if f in FIELDS[:7] or f.startswith(b"Conn")]
        line = rng.choice(REQUEST_LINES[:6]) if rng.random() < 0.6 else rng.choice(REQUEST_LINES)
        prefix = b"\r\n" if rng.random() < 0.05 else b""  # a blank line left by pipelining
        made.append(prefix + line + b"\r\n" + b"".join(f + b"\r\n" for f in fields) + b"\r\n")
    return made


def test_an_sdk_head_takes_the_shortcut_and_parses_as_waitress_parses_it() -> None:
    parser = RequestParser(Adjustments())
    assert parser._parse_plain(BOTO3_HEAD)
    assert outcome(RequestParser, BOTO3_HEAD + b"hello") == outcome(
        WaitressOnly, BOTO3_HEAD + b"hello"
    )
    parsed = RequestParser(Adjustments())
    feed(parsed, BOTO3_HEAD + b"hello")
    assert parsed.completed and parsed.command == "POST" and parsed.content_length == 5
    assert parsed.headers["X_AMZ_DATE"] == "20261205T183000Z"
    assert parsed.get_body_stream().read() == b"hello"


def test_every_generated_head_parses_as_waitress_parses_it() -> None:
    body = b"0123456789abcdef"
    differing = [
        head
        for head in heads(3000)
        if outcome(RequestParser, head + body) != outcome(WaitressOnly, head + body)
    ]
    assert differing == []


def test_the_generated_heads_exercise_both_ways() -> None:
    taken = [RequestParser(Adjustments())._parse_plain(head.lstrip()) for head in heads(3000)]
    assert 0.2 < sum(taken) / len(taken) < 0.8


@pytest.mark.parametrize(
    "field",
    [
        b"Transfer-Encoding: chunked",
        b"X-Dup: one\r\nX-Dup: two",
        b"x-amz-meta-my_key: v",
        b"X-Obs: a\x01b",
        b" folded",
        b"Content-Length: 1x",
    ],
)
def test_a_head_that_is_not_plain_goes_to_waitress(field: bytes) -> None:
    head = b"GET / HTTP/1.1\r\nHost: h\r\n" + field + b"\r\n\r\n"
    assert not RequestParser(Adjustments())._parse_plain(head)


def test_the_shortcut_is_the_parser_the_server_uses() -> None:
    from localcloud import server

    assert server.RequestParser is httpparse.RequestParser
