"""Helpers for the CLI and tracing integration tests: unique names, functions from inline code,
free ports, and polling with a deadline."""

from __future__ import annotations

import io
import json
import socket
import textwrap
import time
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

ASSUME_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def poll[T](condition: Callable[[], T | None], timeout: float = 15.0, what: str = "condition") -> T:
    """Return ``condition()``'s first truthy value, re-checking until ``timeout`` s pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", textwrap.dedent(source))
    return buffer.getvalue()


def role_arn(cloud: Any) -> str:
    iam = cloud.client("iam")
    name = unique("cli-role")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(ASSUME_LAMBDA))
    return str(role["Role"]["Arn"])


def create_function(
    cloud: Any, name: str, source: str, timeout: int = 10, environment: dict[str, str] | None = None
) -> str:
    """Deploy ``source`` as handler.handler and return the function's ARN."""
    response = cloud.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn(cloud),
        Handler="handler.handler",
        Code={"ZipFile": zipped(source)},
        Timeout=timeout,
        Environment={"Variables": environment or {}},
    )
    return str(response["FunctionArn"])


def queue(cloud: Any, name: str, **attributes: str) -> tuple[str, str]:
    """Create a queue and return (url, arn)."""
    sqs = cloud.client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return str(url), str(arn)
