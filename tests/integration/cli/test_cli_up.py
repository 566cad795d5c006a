"""`localcloud up` as a user runs it: a subprocess that says when it is ready, answers health
checks, stops cleanly on SIGINT and SIGTERM, and fails in one line on a taken port or a bad flag."""

from __future__ import annotations

import json
import logging
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from cli_support import free_port

pytestmark = pytest.mark.integration

LOCALCLOUD = Path(sys.executable).with_name("localcloud")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def read_line(stream: IO[str], timeout: float) -> str:
    """One line from a child's pipe, failing the test instead of hanging past ``timeout``."""
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"no line from `localcloud up` within {timeout} s")
    return stream.readline()


class Running:
    def __init__(self, port: int, *options: str) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [str(LOCALCLOUD), "up", "--port", str(port), *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.ready_line = read_line(self.process.stdout, START_TIMEOUT)

    def stop(self, signum: int) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        stdout, stderr = self.process.communicate(timeout=STOP_TIMEOUT)
        return self.process.returncode, stdout, stderr

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=STOP_TIMEOUT)


@pytest.fixture
def running() -> Iterator[Running]:
    cloud = Running(free_port())
    try:
        yield cloud
    finally:
        cloud.kill()


def test_up_prints_one_ready_line_with_the_url_once_requests_are_accepted(
    running: Running,
) -> None:
    url = f"http://127.0.0.1:{running.port}"

    assert "ready" in running.ready_line
    assert url in running.ready_line
    # the line comes only once the port accepts connections: no retry needed here
    with socket.create_connection(("127.0.0.1", running.port), timeout=2):
        pass


def test_health_answers_ready_with_the_services(running: Running) -> None:
    with urllib.request.urlopen(
        f"http://127.0.0.1:{running.port}/_localcloud/health", timeout=5
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        body = json.loads(response.read())

    assert body["status"] == "ready"
    assert set(body["services"]) >= {
        "sts",
        "iam",
        "s3",
        "sqs",
        "sns",
        "events",
        "lambda",
        "dynamodb",
        "logs",
        "ses",
    }


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_up_stops_cleanly_on_signal(running: Running, signum: int) -> None:
    started = time.monotonic()

    code, stdout, stderr = running.stop(signum)

    assert code == 0, stderr
    assert time.monotonic() - started < STOP_TIMEOUT
    assert "Traceback" not in stdout + stderr
    assert "stopping" in stderr
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=1).close()


def test_port_in_use_is_a_one_line_error_and_a_non_zero_exit() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = subprocess.run(
            [str(LOCALCLOUD), "up", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )

    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert f"port {port}" in lines[0] and "in use" in lines[0] and "--port" in lines[0]


def test_unresolvable_host_is_a_one_line_error() -> None:
    result = subprocess.run(
        [str(LOCALCLOUD), "up", "--host", "no-such-host.invalid", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no-such-host.invalid" in lines[0] and "--host" in lines[0]


@pytest.mark.parametrize("argv", [["up", "--prot", "1"], ["up", "--port", "many"]])
def test_bad_flag_is_an_argparse_error_with_exit_2(argv: list[str]) -> None:
    result = subprocess.run(
        [str(LOCALCLOUD), *argv], capture_output=True, text=True, timeout=START_TIMEOUT
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("localcloud up: error:") or (
        result.stderr.splitlines()[-1].startswith("localcloud: error:")
    )


def test_errors_logged_while_up_runs_are_one_line_without_traceback() -> None:
    from localcloud.cli import OneLineFormatter

    try:
        raise ValueError("bad\nrequest")
    except ValueError:
        record = logging.LogRecord(
            "waitress",
            logging.ERROR,
            __file__,
            1,
            "Exception while serving %s",
            ("/x",),
            sys.exc_info(),
        )

    line = OneLineFormatter().format(record)

    assert line == (
        "localcloud: error: waitress: Exception while serving /x (ValueError: bad request)"
    )


def post(url: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_motos_admin_paths_are_off_unless_up_is_given_moto_api(running: Running) -> None:
    import boto3

    status, body = post(f"http://127.0.0.1:{running.port}/moto-api/reset")
    assert status == 404
    assert "--moto-api" in str(body["message"])

    port = free_port()
    served = Running(port, "--moto-api")
    try:
        sqs = boto3.client(
            "sqs",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="k",
            aws_secret_access_key="s",
        )
        sqs.create_queue(QueueName="before-reset")
        assert post(f"http://127.0.0.1:{port}/moto-api/reset") == (200, {"status": "ok"})
        assert sqs.list_queues().get("QueueUrls", []) == []
    finally:
        served.kill()
