"""LocalCloud: the whole local cloud in one object, started from the CLI, Python or pytest.

    with LocalCloud(port=0) as cloud:
        sqs = cloud.client("sqs")

Serves on waitress (keep-alive, a bounded thread pool) so boto3 clients reuse connections, with
corrections to its HTTP (``RequestParser``, ``Task``): an empty body is never waited for,
underscored S3 metadata headers and the raw request target reach moto as on moto's own server,
and response header names go out as the application wrote them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import threading
import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import WSGITask

from localcloud import clients, runtime
from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.emulator import wire
from localcloud.errors import LocalCloudError
from localcloud.gateway import Gateway
from localcloud.runtime import Runtime
from localcloud.settings import Settings
from localcloud.trace import TraceStore

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566


class PortInUseError(LocalCloudError):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            f"port {port} on {host} is in use: stop what runs there (another local cloud or "
            f"LocalStack?) or pick another port with --port"
        )


class RequestParser(HTTPRequestParser):
    """waitress's request parser, with two corrections.

    - It does not expect a body a request says it does not have: botocore sends ``Expect:
      100-continue`` with every S3 PutObject, an empty one included (``Content-Length: 0``);
      waitress answered ``100 Continue`` and then waited for the body of a request it had
      already found complete, until the client timed out.
    - It keeps the ``x-amz-meta-*`` headers whose names hold underscores (S3 metadata keys such
      as ``my_key``), which waitress drops as WSGI cannot tell ``_`` from ``-``; the task hands
      them to moto as moto's own server does (emulator/wire.py).
    """

    expect_continue: bool
    chunked: bool
    content_length: int

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if self.expect_continue and not self.chunked and self.content_length == 0:
            self.expect_continue = False
        self.underscored: list[tuple[str, str]] = []
        for line in header_plus.split(b"\r\n")[1:]:
            name, colon, value = line.partition(b":")
            if colon and b"_" in name and wire.keeps_header(name.decode("latin-1")):
                self.underscored.append(
                    (name.decode("latin-1"), value.strip(b" \t").decode("latin-1"))
                )


class Task(WSGITask):
    """waitress's task, with moto's environ (wire.complete) and header names kept as given.

    waitress capitalises every word of a response header name (``x-amz-meta-color`` goes out as
    ``X-Amz-Meta-Color``). Clients read some names as data: botocore takes an S3 object's
    metadata keys from its ``x-amz-meta-*`` headers, which AWS (and moto) send in lower case, so
    a capitalised name turned the key ``color`` into ``Color``.
    """

    def get_environment(self) -> dict[str, Any]:
        if self.environ is not None:
            return self.environ
        environ: dict[str, Any] = super().get_environment()
        wire.complete(environ, environ["REQUEST_URI"], getattr(self.request, "underscored", ()))
        return environ

    def build_response_header(self) -> bytes:
        given = {name.lower(): name for name, _ in self.response_headers}
        head: bytes = super().build_response_header()
        lines = head.decode("latin-1").split("\r\n")
        for index, line in enumerate(lines[1:], start=1):
            name, colon, value = line.partition(":")
            if colon:
                lines[index] = f"{given.get(name.lower(), name)}:{value}"
        return "\r\n".join(lines).encode("latin-1")


class Channel(HTTPChannel):
    task_class = Task
    parser_class = RequestParser


class LocalCloud:
    """The local cloud: binds, serves the runtime's gateway, stops (runtime.py wires the rest)."""

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        region: str = clients.DEFAULT_REGION,
        threads: int = 24,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        self.host = host
        self.port = port
        self.region = region
        self.account = DEFAULT_ACCOUNT
        self.threads = threads
        self.runtime: Runtime | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def traces(self) -> TraceStore:
        """The trace store (for tests and tools in the same process)."""
        return self.running().traces

    @property
    def gateway(self) -> Gateway:
        """The gateway (its route table, for tests in the same process)."""
        return self.running().gateway

    def running(self) -> Runtime:
        """The runtime of a started cloud (LocalCloudError when it is not started)."""
        if self.runtime is None:
            raise LocalCloudError("the local cloud is not running: call start() first")
        return self.runtime

    def start(self) -> LocalCloud:
        """Bind, start serving in a background thread, and return once requests are accepted."""
        # moto would otherwise try to reach AWS or Docker for a few features.
        os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
        # SAM attaches AWS managed policies (AWSLambdaBasicExecutionRole...) to every role.
        os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        self._server = self._bind()
        self.port = int(self._server.effective_port)
        try:
            self.runtime = runtime.build(self.settings, self.endpoint_url, self.region)
        except BaseException:
            self._server.close()
            self._server = None
            raise
        self._thread = threading.Thread(
            target=self._server.run, name="localcloud-http", daemon=True
        )
        self._thread.start()
        self._wait_ready()
        return self

    def _bind(self) -> Any:
        from waitress.server import create_server

        try:
            server = create_server(
                self._serve,
                host=self.host,
                port=self.port,
                threads=self.threads,
                ident="localcloud",
                channel_timeout=300,
                connection_limit=1000,
                clear_untrusted_proxy_headers=True,
            )
            server.channel_class = Channel
            return server
        except ValueError as exc:  # waitress: the host does not resolve or the port is invalid
            raise LocalCloudError(
                f"cannot listen on {self.host}:{self.port} ({exc}); check --host and --port"
            ) from exc
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUseError(self.host, self.port) from exc
            raise LocalCloudError(
                f"cannot listen on {self.host}:{self.port} ({exc}); check --host and --port"
            ) from exc

    def _serve(self, environ: dict[str, Any], start_response: Any) -> Any:
        # Bound before the runtime exists (the port decides the endpoint URL it is built with);
        # requests are served only once start() has built it.
        return self.running().gateway(environ, start_response)

    def _wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.01)
        raise LocalCloudError(f"the local cloud did not start listening on {self.endpoint_url}")

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        # waitress's loop runs until its map is empty: close the open connections too, and
        # wake it so it notices.
        for channel in list(self._server._map.values()):
            with contextlib.suppress(OSError):
                channel.close()
        self._server.task_dispatcher.shutdown(timeout=1)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        if self.runtime is not None:
            self.runtime.close()
            self.runtime = None

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` pointed at this cloud."""
        return clients.client(service, self.endpoint_url, self.region)
