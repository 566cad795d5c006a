"""The HTTP/1.1 server on its own, with a small WSGI app, over raw loopback sockets: framing,
keep-alive, pipelining, chunked bodies, 100-continue, HEAD, errors, and a connection going back
to the selector and being served again."""

from __future__ import annotations

import socket
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from waitress.adjustments import Adjustments

from localcloud.httpparse import RequestParser
from localcloud.httpserver import HttpServer

pytestmark = pytest.mark.integration


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Echo what the request was, as the server handed it over."""
    if environ["PATH_INFO"] == "/fail":
        raise RuntimeError("the app failed")
    body = environ["wsgi.input"].read()
    echoed = "|".join(
        [
            environ["REQUEST_METHOD"],
            environ["PATH_INFO"],
            environ["QUERY_STRING"],
            environ.get("HTTP_X_FORWARDED_FOR", "-"),
            body.decode(),
            threading.current_thread().name,
        ]
    ).encode()
    start_response("200 OK", [("x-amz-meta-Color", "blue"), ("Content-Type", "text/plain")])
    return [echoed]


def started(idle_s: float = 5, linger_s: float = 0.3) -> HttpServer:
    served = HttpServer(
        app,
        "127.0.0.1",
        0,
        parser_class=RequestParser,
        adjustments=Adjustments(),
        idle_s=idle_s,
        linger_s=linger_s,
    )
    served.start()
    return served


@pytest.fixture
def server() -> Iterator[HttpServer]:
    served = started()
    yield served
    served.close()


def connect(server: HttpServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


_readers: weakref.WeakKeyDictionary[socket.socket, Any] = weakref.WeakKeyDictionary()


def read_answer(sock: socket.socket) -> tuple[str, dict[str, str], bytes]:
    """One answer: status line, headers (names as sent), body (by Content-Length). Reads
    through one buffered reader per socket, so answers sent together are not lost."""
    reader = _readers.get(sock)
    if reader is None:
        reader = _readers[sock] = sock.makefile("rb")
    status = reader.readline().decode("latin-1").rstrip("\r\n")
    assert status, "closed before an answer"
    headers: dict[str, str] = {}
    while (line := reader.readline().decode("latin-1").rstrip("\r\n")) != "":
        name, _, value = line.partition(": ")
        headers[name] = value
    return status, headers, reader.read(int(headers.get("Content-Length", "0")))


def closed(sock: socket.socket) -> bool:
    sock.settimeout(2)
    try:
        return sock.recv(1) == b""
    except (TimeoutError, ConnectionResetError):
        return False


def request(path: str, body: bytes = b"", extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


def test_requests_on_one_connection_are_answered_in_turn_with_header_names_as_written(
    server: HttpServer,
) -> None:
    with connect(server) as sock:
        sock.sendall(request("/a?x=1", b"one"))
        first = read_answer(sock)
        sock.sendall(request("/b", b"two"))
        second = read_answer(sock)

    assert first[0] == "HTTP/1.1 200 OK"
    assert first[1]["x-amz-meta-Color"] == "blue"
    assert first[2].startswith(b"POST|/a|x=1|-|one|")
    assert second[2].startswith(b"POST|/b||-|two|")


def test_pipelined_requests_sent_at_once_are_answered_in_order(server: HttpServer) -> None:
    with connect(server) as sock:
        sock.sendall(request("/1", b"a") + request("/2", b"b") + request("/3", b"c"))
        answers = [read_answer(sock)[2].split(b"|")[1] for _ in range(3)]

    assert answers == [b"/1", b"/2", b"/3"]


def test_a_chunked_body_reaches_the_app_whole(server: HttpServer) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )
        _, _, body = read_answer(sock)

    assert body.startswith(b"POST|/c||-|hello world|")


def test_a_client_expecting_100_continue_is_told_to_send_its_body(server: HttpServer) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"
        )
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"data")
        status, _, body = read_answer(sock)

    assert status == "HTTP/1.1 200 OK"
    assert body.startswith(b"PUT|/k||-|data|")


def test_connection_close_and_http_1_0_close_after_the_answer(server: HttpServer) -> None:
    with connect(server) as sock:
        sock.sendall(request("/x", extra="Connection: close\r\n"))
        _, headers, _ = read_answer(sock)
        assert headers["Connection"] == "close"
        assert closed(sock)
    with connect(server) as sock:
        sock.sendall(b"GET /old HTTP/1.0\r\n\r\n")
        status, _, body = read_answer(sock)
        assert status == "HTTP/1.1 200 OK"
        assert body.startswith(b"GET|/old|")
        assert closed(sock)


def test_head_answers_the_length_without_the_body(server: HttpServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        sock.sendall(request("/after"))  # the connection goes on: no body was left to read
        _, _, after = read_answer(sock)

    head = data.decode("latin-1")
    assert "Content-Length: " in head
    assert data.endswith(b"\r\n\r\n")
    assert after.startswith(b"POST|/after|")


def test_a_malformed_request_is_a_400_and_the_connection_closes(server: HttpServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"POST /x HTTP/1.1\r\nContent-Length: nope\r\n\r\n")
        status, _, _ = read_answer(sock)
        assert status.startswith("HTTP/1.1 400")
        assert closed(sock)


def test_an_app_failure_is_a_500_and_the_server_goes_on(server: HttpServer) -> None:
    with connect(server) as sock:
        sock.sendall(request("/fail"))
        status, _, _ = read_answer(sock)
        assert status == "HTTP/1.1 500 Internal Server Error"
    with connect(server) as sock:
        sock.sendall(request("/ok"))
        assert read_answer(sock)[0] == "HTTP/1.1 200 OK"


def test_proxy_headers_never_reach_the_app(server: HttpServer) -> None:
    with connect(server) as sock:
        sock.sendall(request("/p", extra="X-Forwarded-For: 203.0.113.9\r\n"))
        _, _, body = read_answer(sock)

    assert body.split(b"|")[3] == b"-"


def test_a_connection_quiet_past_the_linger_is_served_again_on_a_new_thread(
    server: HttpServer,
) -> None:
    with connect(server) as sock:
        sock.sendall(request("/1"))
        first = read_answer(sock)[2]
        time.sleep(0.8)  # past linger_s: the connection waits in the selector
        sock.sendall(request("/2"))
        second = read_answer(sock)[2]

    assert first.startswith(b"POST|/1|") and second.startswith(b"POST|/2|")
    assert first.rsplit(b"|", 1)[1] == second.rsplit(b"|", 1)[1] == b"localcloud-conn"


def test_closing_the_server_closes_its_connections(server: HttpServer) -> None:
    busy, idle = connect(server), connect(server)
    busy.sendall(request("/x"))
    read_answer(busy)

    server.close()

    assert closed(busy)
    assert closed(idle)
    busy.close()
    idle.close()


def test_a_request_begun_waits_past_the_linger_and_is_closed_after_the_idle_time() -> None:
    served = started(idle_s=1.5, linger_s=0.2)
    try:
        with connect(served) as late, connect(served) as stalled:
            late.sendall(b"POST /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            stalled.sendall(b"POST /never HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            time.sleep(0.7)  # several lingers: a begun request is still waited for
            late.sendall(b"Content-Length: 2\r\n\r\nok")
            assert read_answer(late)[2].startswith(b"POST|/slow||-|ok|")
            began = time.monotonic()
            stalled.settimeout(4.0)
            assert stalled.recv(1) == b""  # closed once the idle time ran out, not before
            assert 0.3 < time.monotonic() - began < 4.0
    finally:
        served.close()
