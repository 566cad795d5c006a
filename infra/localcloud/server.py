"""LocalCloud: the whole local cloud in one object, started from the CLI, Python or pytest.

    with LocalCloud(port=0) as cloud:
        sqs = cloud.client("sqs")

Serves on waitress (keep-alive, so boto3 clients reuse connections), with request threads that
grow while requests wait (serving.py). Its HTTP gets a few
corrections (``RequestParser``, ``Task``): an empty body is never waited for, underscored S3
metadata headers and the raw request target reach moto as on moto's own server, and response
header names go out as the application wrote them.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import WSGITask

from localcloud import afterward, clients, quotas, runtime
from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.emulator import state, wire
from localcloud.errors import LocalCloudError
from localcloud.gateway import Gateway
from localcloud.runtime import Runtime
from localcloud.serving import (
    ElasticDispatcher,
    Trimmer,
    accept_in_batches,
    raise_open_files,
)
from localcloud.settings import Settings
from localcloud.trace import TraceStore

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address to bind) is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PortInUseError(LocalCloudError):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            f"port {port} on {host} is in use: stop what runs there (another local cloud or "
            f"LocalStack?) or pick another port with --port"
        )


class StateKeeper:
    """Saves the state into its folder every ``interval_s`` while anything moved, and on request."""

    def __init__(self, folder: Path, interval_s: float, moved: Callable[[], object]) -> None:
        self.folder = folder
        self.interval_s = interval_s
        # A value that changes whenever the state may have (requests answered, hops recorded).
        self.moved = moved
        self._saved_at: object = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="localcloud-state", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.save()
            except Exception:  # a failed save is retried at the next interval
                log.exception("could not save the state into %s", self.folder)

    def save(self) -> None:
        with self._lock:
            mark = self.moved()
            if mark == self._saved_at:
                return
            started = time.monotonic()
            size = state.save(self.folder)
            self._saved_at = mark
            log.info(
                "state saved to %s (%d KB, %.0f ms)",
                self.folder,
                size // 1024,
                (time.monotonic() - started) * 1000,
            )

    def stop(self) -> None:
        self._stop.set()


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

    def service(self) -> None:
        # Deliveries AWS makes after acknowledging (afterward.py) wait until the answer is out.
        pending = afterward.collect()
        try:
            super().service()
            # Send the answer from this thread, as waitress itself does when output piles up:
            # left to the main loop, each response waits for that thread to be woken and
            # scheduled, which on a busy 2-core machine is most of a small request's latency.
            # What cannot be sent now (a full socket buffer, an error) stays queued for the
            # main loop as before.
            channel = self.channel
            with channel.outbuf_lock:
                channel._flush_exception(channel._flush_some, do_close=False)
        finally:
            afterward.run(pending)

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
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        self.host = host
        self.port = port
        self.region = region
        self.account = DEFAULT_ACCOUNT
        self.runtime: Runtime | None = None
        self._keeper: StateKeeper | None = None
        # The folder the state was loaded from at start, if any.
        self.restored_from: Path | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        # The clients ``client`` made, one per service, closed at ``stop``.
        self._clients: dict[str, Any] = {}
        self._clients_lock = threading.Lock()

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
        accept_in_batches(self._server)
        self.port = int(self._server.effective_port)
        try:
            self.runtime = runtime.build(self.settings, self.endpoint_url, self.region)
            self._keeper = self._restore()
        except BaseException:
            if self.runtime is not None:
                self.runtime.close()
                self.runtime = None
            self._server.close()
            self._server = None
            raise
        self._thread = threading.Thread(
            target=self._server.run, name="localcloud-http", daemon=True
        )
        self._thread.start()
        self._trimmer = Trimmer(self._dispatcher)
        self._trimmer.start()
        self._wait_ready()
        if not is_loopback(self.host):
            log.warning(
                "serving on %s, which is not a loopback address: anyone who can reach this "
                "machine on port %d can create and invoke functions (running code as this "
                "user), read and change every resource and wipe the state; use --host "
                "127.0.0.1 unless that is what you want",
                self.host,
                self.port,
            )
        return self

    def _restore(self) -> StateKeeper | None:
        """Load the saved state (with --state) and start keeping it; None without a folder."""
        if not self.settings.state_dir:
            return None
        folder = Path(self.settings.state_dir)
        started = time.monotonic()
        if state.load(folder):
            self.restored_from = folder
            resumed = self.running().resume_sources()
            log.info(
                "state restored from %s in %.0f ms (%d event source mappings resumed)",
                folder,
                (time.monotonic() - started) * 1000,
                resumed,
            )
        running = self.running()
        keeper = StateKeeper(
            folder,
            self.settings.state_interval_s,
            lambda: (running.gateway.requests, running.traces.sequence),
        )
        keeper.start()
        return keeper

    def _bind(self) -> Any:
        from waitress.server import create_server

        settings = self.settings
        self._dispatcher = ElasticDispatcher(settings.server_threads, settings.max_server_threads)
        self._dispatcher.set_thread_count(settings.server_threads)
        # Leave room under the open-file limit for workers' pipes, logs and moto's files.
        connections = max(100, raise_open_files() - 1024)
        try:
            server = create_server(
                self._serve,
                host=self.host,
                port=self.port,
                ident="localcloud",
                _dispatcher=self._dispatcher,
                channel_timeout=settings.idle_connection_s,
                cleanup_interval=1,
                connection_limit=connections,
                asyncore_use_poll=True,
                backlog=2048,
                clear_untrusted_proxy_headers=True,
                # Bodies up to the largest Invoke payload stay in memory: past these waitress
                # spools to a temporary file it leaves to the garbage collector to close.
                inbuf_overflow=quotas.INVOKE_SYNC_REQUEST_BYTES + quotas.MIB,
                outbuf_overflow=quotas.INVOKE_RESPONSE_BYTES + quotas.MIB,
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
        self._close_clients()
        self._server.close()
        # waitress's loop runs until its map is empty: close the open connections too, and
        # wake it so it notices.
        for channel in list(self._server._map.values()):
            with contextlib.suppress(OSError):
                channel.close()
        self._trimmer.stop()
        self._server.task_dispatcher.shutdown(timeout=1)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        if self.runtime is not None:
            # Nothing may change the state while it is saved: sources stop first.
            self.runtime.sources.close()
            if self._keeper is not None:
                self._keeper.stop()
                self._keeper.save()
            self.runtime.close()
            self.runtime = None

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` pointed at this cloud: one per service, shared (boto3
        clients are thread-safe) and closed when the cloud stops, so their pooled connections
        do not outlive it."""
        with self._clients_lock:
            made = self._clients.get(service)
            if made is None:
                made = self._clients[service] = clients.client(
                    service, self.endpoint_url, self.region
                )
            return made

    def _close_clients(self) -> None:
        with self._clients_lock:
            made, self._clients = list(self._clients.values()), {}
        for client in made:
            client.close()
