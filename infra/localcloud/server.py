"""LocalCloud: the whole local cloud in one object, started from the CLI, Python or pytest.

    with LocalCloud(port=0) as cloud:
        sqs = cloud.client("sqs")

Serves on waitress (keep-alive, a bounded thread pool) so boto3 clients reuse connections.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import threading
import time
from typing import Any

from localcloud import clients
from localcloud.emulator import backends, patches
from localcloud.engine import Engine
from localcloud.errors import LocalCloudError
from localcloud.gateway import Gateway, ServerInfo
from localcloud.routing.eventbridge import EventRouter
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


class LocalCloud:
    """The local cloud: moto's state, the gateway, the Lambda engine and the trace store."""

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
        self.account = backends.ACCOUNT_ID
        self.threads = threads
        self.traces = TraceStore()
        self.router = EventRouter()
        self.engine: Engine = None  # type: ignore[assignment]
        self.started_at = time.monotonic()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalCloud:
        """Bind, start serving in a background thread, and return once requests are accepted."""
        from waitress.server import create_server

        # moto would otherwise try to reach AWS or Docker for a few features.
        os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
        # SAM attaches AWS managed policies (AWSLambdaBasicExecutionRole...) to every role.
        os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        try:
            self._server = create_server(
                # The gateway needs the engine, which needs the bound port: it comes next.
                lambda environ, start_response: self.gateway(environ, start_response),
                host=self.host,
                port=self.port,
                threads=self.threads,
                ident="localcloud",
                channel_timeout=300,
                connection_limit=1000,
                clear_untrusted_proxy_headers=True,
            )
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
        self.port = int(self._server.effective_port)
        self.engine = Engine(self.endpoint_url, self.traces, self.router)
        self.gateway: Gateway = Gateway(
            self.engine.invoker,
            self.router,
            self.traces,
            ServerInfo(self.region, self.account, self.endpoint_url, time.monotonic()),
        )
        self.engine.executor.call_handler = self.gateway.serve_call
        self.router.attach(self.engine)
        patches.install(self.engine)
        self._thread = threading.Thread(
            target=self._server.run, name="localcloud-http", daemon=True
        )
        self._thread.start()
        self._wait_ready()
        self.started_at = time.monotonic()
        return self

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
        patches.uninstall(self.engine)
        self.engine.close()
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

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` pointed at this cloud."""
        return clients.client(service, self.endpoint_url, self.region)
