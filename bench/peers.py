"""The systems under test, each run as a subprocess on a free loopback port.

Every peer pays the same costs: a separate server process, HTTP over 127.0.0.1, boto3 clients in
the bench process. A peer is started once per bench run and stopped in ``finally`` (its whole
process group, so handler workers go with it). A peer runs the scenarios it can (``scenarios``):
LocalStack in host mode has no Lambda or DynamoDB without Docker or a download.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import boto3
from botocore.config import Config

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEER_VENV = BENCH / ".peer"
MINISTACK_VERSION = "1.5.33"
# A real Lambda Python runtime ships boto3; MiniStack runs handlers on its own interpreter.
PEER_REQUIREMENTS = (f"ministack=={MINISTACK_VERSION}", "boto3")
READY_TIMEOUT_S = 60.0
REGION = "us-east-1"
ACCESS_KEY = SECRET_KEY = "test"  # any credentials work on a local emulator


class PeerError(RuntimeError):
    """A peer could not be installed or did not become ready."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Peer:
    """One emulator: how to start it; readiness, clients and stopping are shared."""

    name = "peer"
    # The scenarios this peer can run (None: every one).
    scenarios: frozenset[str] | None = None
    ready_timeout_s = READY_TIMEOUT_S

    def runs(self, scenario: str) -> bool:
        return self.scenarios is None or scenario in self.scenarios

    def __init__(self, logs: Path) -> None:
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = logs / f"{self.name}.log"
        self._log: IO[bytes] | None = None
        self._session = boto3.session.Session(
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
        )
        self._clients: dict[str, Any] = {}

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> tuple[list[str], dict[str, str]]:
        """The argv and extra environment that start this peer on ``self.port``."""
        raise NotImplementedError

    def prepare(self) -> None:
        """One-time installation, before the clock starts."""

    def version(self) -> str:
        return "?"

    def start(self) -> None:
        self.prepare()
        self.port = free_port()
        argv, extra = self.command()
        env = {**os.environ, **extra, "AWS_DEFAULT_REGION": REGION}
        env.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            argv,
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        probe = self._session.client(
            "sqs",
            endpoint_url=self.endpoint_url,
            config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=5),
        )
        deadline = time.monotonic() + self.ready_timeout_s
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise PeerError(
                    f"{self.name} exited with {self.process.returncode} while starting; "
                    f"see {self.log_path}"
                )
            try:
                probe.list_queues()
                return
            except Exception as exc:  # any failure means "not ready yet"
                last_error = exc
                time.sleep(0.1)
        raise PeerError(
            f"{self.name} did not answer ListQueues on {self.endpoint_url} within "
            f"{self.ready_timeout_s:.0f} s (last error: {last_error}); see {self.log_path}"
        )

    def client(self, service: str) -> Any:
        """A cached boto3 client for ``service`` on this peer."""
        if service not in self._clients:
            self._clients[service] = self.new_client(service)
        return self._clients[service]

    def new_client(self, service: Any, read_timeout: float = 60.0) -> Any:
        config = Config(
            retries={"max_attempts": 1, "mode": "standard"},
            read_timeout=read_timeout,
            connect_timeout=5,
            max_pool_connections=20,
        )
        return self._session.client(service, endpoint_url=self.endpoint_url, config=config)

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU time used so far: (the server process, its other processes, handlers included).

        Read from /proc for every live process of the peer's process group (it is started as a
        session leader); (0, 0) where /proc is not there. Processes that ended take their CPU
        with them, so take both readings while the same workers are alive.
        """
        if self.process is None:
            return 0.0, 0.0
        server = others = 0.0
        ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # the process ended while we looked
            # after the command: state ppid pgrp session ... utime (12th) stime (13th)
            if int(fields[2]) != self.process.pid:
                continue
            used = (int(fields[11]) + int(fields[12])) / ticks
            if int(stat.parent.name) == self.process.pid:
                server += used
            else:
                others += used
        return server, others

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None


class LocalCloudPeer(Peer):
    """This project: `localcloud up` from the bench's own virtualenv."""

    name = "localcloud"

    def execute_api(self, api_id: str, path: str) -> tuple[str, str]:
        """(request path, Host header) of ``path`` on an HTTP API's $default stage."""
        return f"/_aws/execute-api/{api_id}{path}", f"127.0.0.1:{self.port}"

    def command(self) -> tuple[list[str], dict[str, str]]:
        executable = Path(sys.executable).parent / "localcloud"
        return [str(executable), "up", "--host", "127.0.0.1", "--port", str(self.port)], {}

    def version(self) -> str:
        from importlib.metadata import version

        return version("localcloud")


class MiniStackPeer(Peer):
    """MiniStack, installed once into bench/.peer; handlers run on that interpreter."""

    name = "ministack"
    # Everything but the warm start (a `localcloud deploy --warm` of the user service).
    scenarios = frozenset(
        {
            "invoke",
            "sqs_send",
            "sns_sqs",
            "sns_fanout",
            "putevents_sqs",
            "putevents",
            "s3_put",
            "http_api",
            "stream",
        }
    )

    def execute_api(self, api_id: str, path: str) -> tuple[str, str]:
        # MiniStack's path form always takes a stage segment, $default included.
        return f"/_aws/execute-api/{api_id}/$default{path}", f"127.0.0.1:{self.port}"

    @property
    def python(self) -> Path:
        return PEER_VENV / "bin" / "python"

    def prepare(self) -> None:
        if self._python_version() != f"{sys.version_info.major}.{sys.version_info.minor}":
            # Missing, or made by another Python than the bench's: both peers use the same one.
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
        if self.version() != MINISTACK_VERSION or not self._has_boto3():
            print(f"installing {', '.join(PEER_REQUIREMENTS)} into {PEER_VENV}", file=sys.stderr)
            subprocess.run(
                [str(self.python), "-m", "pip", "install", "-q", *PEER_REQUIREMENTS], check=True
            )

    def _python_version(self) -> str:
        if not self.python.exists():
            return "none"
        probe = subprocess.run(
            [str(self.python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        return probe.stdout.strip()

    def _has_boto3(self) -> bool:
        probe = subprocess.run([str(self.python), "-c", "import boto3"], capture_output=True)
        return probe.returncode == 0

    def version(self) -> str:
        probe = subprocess.run(
            [
                str(self.python),
                "-c",
                "from importlib.metadata import version; print(version('ministack'))",
            ],
            capture_output=True,
            text=True,
        )
        return probe.stdout.strip() if probe.returncode == 0 else "not installed"

    def command(self) -> tuple[list[str], dict[str, str]]:
        return [str(PEER_VENV / "bin" / "ministack")], {
            "GATEWAY_PORT": str(self.port),
            "BIND_HOST": "127.0.0.1",
            # Access logs on every request would tax it for something we never read.
            "LOG_LEVEL": "WARNING",
        }


class LocalStackPeer(Peer):
    """LocalStack 2026.3.0 in host mode (no Docker), from the .venv-localstack that
    `make test-localstack` uses (made by tests/localstack/venv.sh when missing): the services it
    serves without Docker or a download, so the scenarios without Lambda or DynamoDB."""

    name = "localstack"
    scenarios = frozenset({"sqs_send", "sns_sqs", "putevents_sqs"})
    ready_timeout_s = 120.0
    venv = REPO / ".venv-localstack"

    def prepare(self) -> None:
        made = subprocess.run(
            ["bash", str(REPO / "tests" / "localstack" / "venv.sh")],
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode != 0:
            raise PeerError(f"cannot install LocalStack: {made.stderr.strip()[-300:]}")
        self._root = tempfile.mkdtemp(prefix="localstack-bench-")

    def version(self) -> str:
        probe = subprocess.run(
            [
                str(self.venv / "bin" / "python"),
                "-c",
                "from importlib.metadata import version; print(version('localstack-core'))",
            ],
            capture_output=True,
            text=True,
        )
        return probe.stdout.strip() if probe.returncode == 0 else "not installed"

    def command(self) -> tuple[list[str], dict[str, str]]:
        # The settings tests/localstack/run.sh explains: host mode, no DNS, no internet calls.
        address = f"127.0.0.1:{self.port}"
        return [str(self.venv / "bin" / "python"), "-m", "localstack.runtime.main"], {
            "GATEWAY_LISTEN": address,
            "LOCALSTACK_HOST": address,
            "SERVICES": "sqs,sns,events,iam,sts",
            "OVERRIDE_IN_DOCKER": "0",
            "FILESYSTEM_ROOT": str(Path(self._root) / "fs"),
            "DNS_ADDRESS": "0",
            "SKIP_SSL_CERT_DOWNLOAD": "1",
            "DISABLE_EVENTS": "1",
            "EAGER_SERVICE_LOADING": "1",
            "PYTHONPATH": "",
        }
