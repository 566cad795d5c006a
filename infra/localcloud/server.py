"""LocalCloud: the whole local cloud in one object, started from the CLI, Python or pytest.

    with LocalCloud(port=0) as cloud:
        sqs = cloud.client("sqs")

Serves HTTP/1.1 with keep-alive (httpserver.py: a thread stays with a busy client's connection,
idle ones wait in a selector), parsing requests with waitress's parser, corrected and with a
shortcut for plain heads (httpparse.py): an empty body is never waited for, and underscored S3
metadata headers and the raw request target reach moto as on moto's own server.
"""

from __future__ import annotations

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

from waitress.adjustments import Adjustments

from localcloud import clients, quotas, runtime
from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.emulator import state
from localcloud.errors import LocalCloudError
from localcloud.gateway import Gateway
from localcloud.httpparse import RequestParser
from localcloud.httpserver import HttpServer
from localcloud.runtime import Runtime
from localcloud.serving import raise_open_files
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
        self._server: HttpServer | None = None
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
        self._server = server = self._bind()
        self.port = server.port
        try:
            self.runtime = runtime.build(self.settings, self.endpoint_url, self.region)
            self._keeper = self._restore()
        except BaseException:
            if self.runtime is not None:
                self.runtime.close()
                self.runtime = None
            server.close()
            self._server = None
            raise
        server.start()
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

    def _bind(self) -> HttpServer:
        # Leave room under the open-file limit for workers' pipes, logs and moto's files.
        raise_open_files()
        adjustments = Adjustments(
            # Bodies up to the largest Invoke payload stay in memory: past this the parser
            # spools to a temporary file.
            inbuf_overflow=quotas.INVOKE_SYNC_REQUEST_BYTES + quotas.MIB,
        )
        try:
            return HttpServer(
                self._serve,
                self.host,
                self.port,
                parser_class=RequestParser,
                adjustments=adjustments,
                idle_s=self.settings.idle_connection_s,
            )
        except socket.gaierror as exc:  # the host does not resolve
            raise LocalCloudError(
                f"cannot listen on {self.host}:{self.port} ({exc}); check --host and --port"
            ) from exc
        except OverflowError as exc:  # a port out of range
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
