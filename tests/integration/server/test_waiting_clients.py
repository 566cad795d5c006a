"""Waiting never starves the server: long polls and slow synchronous invokes hold no other caller
back, thousands of open connections leave room for a new one, and idle connections close."""

from __future__ import annotations

import io
import json
import socket
import statistics
import time
import zipfile
from typing import Any

import pytest
from server_support import Cloud, wait_for

pytestmark = pytest.mark.integration

LONG_POLLS = 500
SLOW_INVOKES = 100
IDLE_CONNECTIONS = 5000
SLOW_HANDLER = "import time\n\ndef handler(event, context):\n    time.sleep(5)\n    return 'late'\n"


def scope(service: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )


def send_raw(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes
) -> socket.socket:
    """Send one request and leave its answer unread (the connection stays open)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return sock


def health_seconds(port: int) -> float:
    """How long a health check takes on a new connection."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"GET /_localcloud/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    return time.perf_counter() - started


def slow_function(cloud: Cloud) -> str:
    iam: Any = cloud.client("iam")
    lam: Any = cloud.client("lambda")
    role = iam.create_role(RoleName="slow-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("slow.py", SLOW_HANDLER)
    lam.create_function(
        FunctionName="slow",
        Runtime="python3.12",
        Role=role,
        Handler="slow.handler",
        Code={"ZipFile": archive.getvalue()},
        Timeout=30,
    )
    return "slow"


def test_health_answers_at_once_while_500_long_polls_and_100_slow_invokes_wait(
    start_cloud: Any,
) -> None:
    cloud = start_cloud()
    sqs: Any = cloud.client("sqs")
    queue = sqs.create_queue(QueueName="quiet")["QueueUrl"]
    function = slow_function(cloud)
    poll = json.dumps({"QueueUrl": queue, "WaitTimeSeconds": 20}).encode()
    poll_headers = {
        "Authorization": scope("sqs"),
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "AmazonSQS.ReceiveMessage",
    }
    invoke_path = f"/2015-03-31/functions/{function}/invocations"
    open_sockets = [
        send_raw(cloud.port, "POST", "/", poll_headers, poll) for _ in range(LONG_POLLS)
    ]
    open_sockets += [
        send_raw(cloud.port, "POST", invoke_path, {"Authorization": scope("lambda")}, b"{}")
        for _ in range(SLOW_INVOKES)
    ]
    try:
        time.sleep(1.0)  # let every request reach its wait
        timings = [health_seconds(cloud.port) for _ in range(7)]
        print(f"health while waiting: {[round(t * 1000, 1) for t in timings]} ms")
        assert statistics.median(timings) < 0.05, timings
        assert max(timings) < 1.0, timings
    finally:
        for sock in open_sockets:
            sock.close()


def test_a_new_connection_is_answered_while_5000_idle_ones_are_open(start_cloud: Any) -> None:
    cloud = start_cloud()
    idle = []
    try:
        for _ in range(IDLE_CONNECTIONS):
            idle.append(socket.create_connection(("127.0.0.1", cloud.port), timeout=10))
        took = health_seconds(cloud.port)
        print(f"health with {IDLE_CONNECTIONS} idle connections open: {took * 1000:.1f} ms")
        assert took < 1.0
    finally:
        for sock in idle:
            sock.close()


def test_idle_and_half_open_connections_are_closed_after_the_idle_time(start_cloud: Any) -> None:
    cloud = start_cloud(LOCALCLOUD_IDLE_CONNECTION_S="1")
    kept_alive = send_raw(cloud.port, "GET", "/_localcloud/health", {}, b"")
    assert kept_alive.recv(65536).startswith(b"HTTP/1.1 200")
    half_open = socket.create_connection(("127.0.0.1", cloud.port), timeout=10)
    half_open.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\npartial")

    def closed(sock: socket.socket) -> bool:
        sock.settimeout(0.2)
        try:
            return sock.recv(65536) == b""
        except TimeoutError:
            return False

    try:
        wait_for(lambda: closed(kept_alive), 6.0, "the idle keep-alive connection closing")
        wait_for(lambda: closed(half_open), 6.0, "the half-open connection closing")
    finally:
        kept_alive.close()
        half_open.close()
