"""A local cloud of its own, in a child process, for tests that load or probe the server itself.

The session's in-process cloud shares its interpreter with the test; these tests open hundreds of
connections or send what a web page would, so the cloud under test runs apart, started the way a
user starts it (`localcloud up`), with the settings each test asks for.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import boto3

LOCALCLOUD = Path(sys.executable).with_name("localcloud")
START_TIMEOUT = 30.0


def _line(stream: IO[str], timeout: float) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"no line from `localcloud up` within {timeout} s")
    return stream.readline()


class Cloud:
    """`localcloud up` on a free port; ``url`` once it says it is ready."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [str(LOCALCLOUD), "up", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )
        assert self.process.stdout is not None
        line = _line(self.process.stdout, START_TIMEOUT)
        if not line.startswith("localcloud ready on "):
            _, stderr = self.process.communicate(timeout=15)
            raise AssertionError(f"`localcloud up` did not start: {stderr.strip()[-2000:]}")
        self.url = line.rsplit(" ", 1)[1].strip()
        self.port = int(self.url.rsplit(":", 1)[1])

    def client(self, service: str) -> object:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def stop(self) -> str:
        """Stop it; returns what it wrote on stderr."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            _, stderr = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate(timeout=5)
        return stderr


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
