"""The local cloud's HTTP/1.1 server: a thread stays with a connection while its client is busy.

SDK clients keep their connections alive and send one request after another on each. A server
that hands every request from an event loop to a pool thread (waitress, which served here
before) pays two thread wake-ups per request, and on a 2-core virtual machine a wake-up of an
idle thread costs far more than the request: measured here, a hello-world WSGI app on waitress
answered boto3 calls paced at 50/s in 1.4-1.9 ms at p50, where a server answering each
connection on its own thread took 1.0-1.2 ms.

So:

- One thread (``localcloud-http``) accepts connections and watches the idle ones with a
  selector: thousands of open connections cost no thread each.
- When an idle connection has data, a thread of its own takes it over: it parses requests with
  waitress's parser (framing, chunked bodies, header and body limits), calls the WSGI app, writes
  the answer, runs the work that waits for the answer (afterward.py), and waits on the same socket
  for the client's next request. A client quiet for ``linger_s`` goes back to the selector and
  its thread ends.
- A connection with nothing to say for ``idle_s`` is closed, as is one whose request stops half
  way for that long.

Answers are whole (the local cloud's bodies are in memory): a missing Content-Length is added,
header names go out as the app wrote them (botocore reads S3 metadata keys from their case),
and ``Expect: 100-continue`` is answered before the body is read. Proxy headers
(``Forwarded``, ``X-Forwarded-*``) never reach the app: no proxy stands in front of a local cloud.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from email.utils import formatdate
from typing import Any

from waitress.adjustments import Adjustments
from waitress.parser import HTTPRequestParser

from localcloud import afterward
from localcloud.emulator import wire
from localcloud.gateway.request import HEADERS_KEY

log = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]

RECV_BYTES = 1 << 16
SERVER = "localcloud"
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
# Header names waitress's parser gives (upper case, underscores) that are not HTTP_* in WSGI.
UNPREFIXED = {"CONTENT_TYPE": "CONTENT_TYPE", "CONTENT_LENGTH": "CONTENT_LENGTH"}
PROXY_HEADERS = frozenset(
    {
        "HTTP_FORWARDED",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_FORWARDED_PORT",
        "HTTP_X_FORWARDED_BY",
    }
)
# The app's headers the server sets itself (answers are whole: no chunked encoding).
HOP_BY_HOP = frozenset({"connection", "transfer-encoding"})
# Answers that never carry a body (besides any answer to HEAD).
BODILESS = frozenset({204, 304})


class _Quiet(Exception):
    """The client sent nothing for a while between requests: the selector takes it back."""


class _Closed(Exception):
    """The client closed the connection, or stopped half way through a request for too long."""


class Connection:
    """One client connection and the bytes read past the request being served."""

    __slots__ = ("last_active", "peer", "pending", "receive_timeout", "sock")

    def __init__(self, sock: socket.socket, peer: tuple[str, int]) -> None:
        self.sock = sock
        self.peer = peer
        self.pending = b""
        self.last_active = time.monotonic()
        self.receive_timeout = 0.0

    def wait_at_most(self, seconds: float) -> None:
        """Let the next receive wait ``seconds`` at most (then it raises BlockingIOError).

        The socket stays blocking with a kernel receive timeout (SO_RCVTIMEO), set only when
        it changes: a Python socket timeout would cost a system call to set it before every
        receive and a poll() before every receive and every send.
        """
        if seconds != self.receive_timeout:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _timeval(seconds))
            self.receive_timeout = seconds


class HttpServer:
    """Serves ``app`` on ``host:port`` (see the module's docstring) once ``start()`` is called."""

    def __init__(
        self,
        app: WsgiApp,
        host: str,
        port: int,
        *,
        parser_class: type[HTTPRequestParser],
        adjustments: Adjustments,
        idle_s: float,
        linger_s: float = 2.0,
        backlog: int = 2048,
    ) -> None:
        self.app = app
        self.parser_class = parser_class
        self.adj = adjustments
        self.idle_s = idle_s
        self.linger_s = min(linger_s, idle_s)
        self.host = host
        self._listener = socket.create_server((host, port), backlog=backlog)
        self._listener.setblocking(False)
        self.port = int(self._listener.getsockname()[1])
        self._selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        self._returning: list[Connection] = []
        self._open: set[Connection] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the selector thread ------------------------------------------------------------------
    def start(self) -> None:
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._selector.register(self._wake_read, selectors.EVENT_READ, None)
        self._thread = threading.Thread(target=self._run, name="localcloud-http", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        swept = time.monotonic()
        while not self._stopping.is_set():
            for key, _ in self._selector.select(timeout=1.0):
                if key.fileobj is self._listener:
                    self._accept()
                elif key.fileobj == self._wake_read:
                    self._take_back()
                else:
                    self._hand_over(key.data)
            now = time.monotonic()
            if now - swept >= 1.0:
                swept = now
                self._close_idle(now)

    def _accept(self) -> None:
        while True:
            try:
                sock, peer = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of descriptors, say: the next turn tries again
                log.warning("cannot accept a connection: %s", exc)
                return
            sock.setblocking(True)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # A client that stops reading an answer is given up after the idle time.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _timeval(self.idle_s))
            connection = Connection(sock, peer)
            with self._lock:
                self._open.add(connection)
            self._selector.register(sock, selectors.EVENT_READ, connection)

    def _hand_over(self, connection: Connection) -> None:
        self._selector.unregister(connection.sock)
        try:
            threading.Thread(
                target=self._serve, args=(connection,), name="localcloud-conn", daemon=True
            ).start()
        except RuntimeError as exc:  # no more threads: this client is refused, others go on
            log.warning("cannot serve a connection from %s: %s", connection.peer, exc)
            self._close(connection)

    def _take_back(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.read(self._wake_read, 4096)
        with self._lock:
            returning, self._returning = self._returning, []
        for connection in returning:
            if self._stopping.is_set():
                self._close(connection)
                continue
            try:
                self._selector.register(connection.sock, selectors.EVENT_READ, connection)
            except (ValueError, OSError):  # closed meanwhile
                self._close(connection)

    def _close_idle(self, now: float) -> None:
        for key in list(self._selector.get_map().values()):
            connection = key.data
            if connection is not None and now - connection.last_active > self.idle_s:
                self._selector.unregister(connection.sock)
                self._close(connection)

    # -- a connection's thread ------------------------------------------------------------------
    def _serve(self, connection: Connection) -> None:
        try:
            while not self._stopping.is_set():
                parser = self._read_request(connection)
                try:
                    if parser.empty:
                        continue
                    if not self._answer(connection, parser):
                        break
                finally:
                    parser.close()  # a body spooled to a temporary file
        except _Quiet:
            with self._lock:
                self._returning.append(connection)
            with contextlib.suppress(OSError):
                os.write(self._wake_write, b"x")
            return
        except (_Closed, OSError):
            pass
        self._close(connection)

    def _read_request(self, connection: Connection) -> HTTPRequestParser:
        parser = self.parser_class(self.adj)
        try:
            return self._read_into(parser, connection)
        except BaseException:
            parser.close()
            raise

    def _read_into(self, parser: HTTPRequestParser, connection: Connection) -> HTTPRequestParser:
        data, connection.pending = connection.pending, b""
        continued = False
        while True:
            while data:
                used = parser.received(data)
                data = data[used:]
                if parser.completed:
                    connection.pending = data
                    return parser
                if used == 0:  # the parser took nothing of an unfinished request: give up
                    raise _Closed()
            if (
                parser.expect_continue
                and parser.headers_finished
                and not continued
                and not parser.error
            ):
                connection.sock.sendall(CONTINUE)
                continued = True
            started = parser.header_plus or parser.headers_finished
            # One receive timeout for both waits (no system call to change it per request): a
            # request begun may take up to idle_s, checked each time the linger runs out.
            connection.wait_at_most(self.linger_s)
            try:
                data = connection.sock.recv(RECV_BYTES)
            except (BlockingIOError, TimeoutError) as exc:
                if not started:
                    raise _Quiet() from exc
                if time.monotonic() - connection.last_active >= self.idle_s:
                    raise _Closed() from exc
                continue
            if not data:
                raise _Closed()
            connection.last_active = time.monotonic()

    def _answer(self, connection: Connection, parser: HTTPRequestParser) -> bool:
        """Answer one request; whether the connection stays open."""
        if parser.error is not None:
            error = parser.error
            body = f"{error.reason}\r\n\r\n{error.body}".encode()
            head = _head(
                f"{error.code} {error.reason}",
                [("Content-Type", "text/plain"), ("Connection", "close")],
                len(body),
            )
            connection.sock.sendall(head + body)
            return False
        keep = _keeps_alive(parser)
        environ = self._environ(connection, parser)
        answer: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            answer["status"], answer["headers"] = status, headers
            return lambda data: answer.setdefault("written", []).append(data)

        pending = afterward.collect()
        try:
            try:
                result = self.app(environ, start_response)
                try:
                    chunks = [*answer.get("written", ()), *result]
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()
            except Exception:
                log.exception("the local cloud failed to answer %s %s", parser.command, parser.path)
                body = b"Internal Server Error"
                head = _head(
                    "500 Internal Server Error",
                    [("Content-Type", "text/plain"), ("Connection", "close")],
                    len(body),
                )
                connection.sock.sendall(head + body)
                return False
            body = b"".join(chunks)
            status = answer["status"]
            code = int(status[:3])
            # One pass over the app's headers: the hop-by-hop ones out, the length noted.
            headers: list[tuple[str, str]] = []
            length = None
            for name, value in answer["headers"]:
                lowered = name.lower()
                if lowered in HOP_BY_HOP:
                    continue
                if length is None and lowered == "content-length":
                    length = value
                headers.append((name, value))
            if parser.version == "1.0" and keep:
                headers.append(("Connection", "Keep-Alive"))
            elif not keep:
                headers.append(("Connection", "close"))
            if length is None and code not in BODILESS:
                length = str(len(body))
                headers.append(("Content-Length", length))
            if parser.command == "HEAD" or code in BODILESS:
                body = b""
            afterward.acknowledge(pending)
            connection.sock.sendall(_head(status, headers, None) + body)
            connection.last_active = time.monotonic()
        finally:
            afterward.run(pending)
        return keep

    def _environ(self, connection: Connection, parser: Any) -> dict[str, Any]:
        path = parser.path
        if path.startswith("/"):
            path = "/" + path.lstrip("/")
        environ: dict[str, Any] = {
            "REMOTE_ADDR": connection.peer[0],
            "REMOTE_HOST": connection.peer[0],
            "REMOTE_PORT": str(connection.peer[1]),
            "REQUEST_METHOD": parser.command.upper(),
            "SERVER_PORT": str(self.port),
            "SERVER_NAME": self.host,
            "SERVER_SOFTWARE": SERVER,
            "SERVER_PROTOCOL": f"HTTP/{parser.version}",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "REQUEST_URI": parser.request_uri,
            "QUERY_STRING": parser.query,
            "wsgi.url_scheme": parser.url_scheme,
            "wsgi.version": (1, 0),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.input": parser.get_body_stream(),
            "wsgi.input_terminated": True,
        }
        # The headers under their lower-case names as well, for the gateway's request parse
        # (request.py), which otherwise reads them back out of every environ key (4 us).
        headers: dict[str, str] = {}
        for name, value in parser.headers.items():
            key = UNPREFIXED.get(name) or "HTTP_" + name
            if key not in environ and key not in PROXY_HEADERS:
                environ[key] = value
                if value or key[:5] == "HTTP_":
                    headers[name.replace("_", "-").lower()] = value
        underscored = getattr(parser, "underscored", ())
        wire.complete(environ, environ["REQUEST_URI"], underscored)
        if not underscored:  # else the environ's own names say which header was which
            environ[HEADERS_KEY] = headers
        return environ

    # -- stopping -------------------------------------------------------------------------------
    def _close(self, connection: Connection) -> None:
        with self._lock:
            self._open.discard(connection)
        with contextlib.suppress(OSError):
            connection.sock.close()

    def close(self) -> None:
        """Stop accepting, close every connection (their threads end), stop the selector."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"x")
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)
            self._close(connection)
        with contextlib.suppress(OSError):
            self._listener.close()
        self._selector.close()
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)


def _timeval(seconds: float) -> bytes:
    """``seconds`` as the ``struct timeval`` SO_RCVTIMEO and SO_SNDTIMEO take (zero would mean
    no limit there: the shortest is a microsecond)."""
    seconds = min(max(seconds, 1e-6), 1e9)
    whole = int(seconds)
    return struct.pack("@ll", whole, int((seconds - whole) * 1_000_000))


def _keeps_alive(parser: Any) -> bool:
    connection = parser.headers.get("CONNECTION", "").lower()
    if parser.version == "1.0":
        return connection == "keep-alive"
    return connection != "close"


_date_cache: tuple[int, str] = (0, "")


def _date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


def _head(status: str, headers: list[tuple[str, str]], length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines.append(f"Date: {_date()}")
    lines.append(f"Server: {SERVER}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
