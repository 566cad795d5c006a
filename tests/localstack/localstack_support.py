"""Helpers for the LocalStack tests: run the CLI's deploy, read its summary, receive messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).with_name("template.yaml")
LOCALCLOUD = Path(sys.executable).with_name("localcloud")
_SUMMARY_LINE = re.compile(r"^\s+(created|updated|removed)\s+(\S+)")


@dataclass
class CliRun:
    """One `localcloud deploy` run: its output, and what it says it created, updated, removed."""

    returncode: int
    stdout: str
    stderr: str
    changes: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def no_changes(self) -> bool:
        return "no changes" in self.stdout and not any(self.changes.values())


def run_deploy(stack: str, *args: str) -> CliRun:
    """`localcloud deploy --target localstack --stack STACK ARGS`; LOCALSTACK_HOST is inherited."""
    command = [str(LOCALCLOUD), "deploy", "--target", "localstack", "--stack", stack, *args]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    run = CliRun(done.returncode, done.stdout, done.stderr, seconds=time.monotonic() - started)
    run.changes = {"created": [], "updated": [], "removed": []}
    for line in done.stdout.splitlines():
        match = _SUMMARY_LINE.match(line)
        if match:
            run.changes[match.group(1)].append(match.group(2))
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return run


def outputs_of(run: CliRun) -> dict[str, str]:
    """The stack outputs printed after `outputs:` (`  Key = value`)."""
    lines = run.stdout.split("outputs:", 1)[1].splitlines() if "outputs:" in run.stdout else []
    pairs = (line.strip().partition(" = ") for line in lines if " = " in line)
    return {key: value for key, _, value in pairs}


@dataclass
class Stack:
    name: str
    first: CliRun
    outputs: dict[str, str]


def receive(
    sqs: Any, queue_url: str, count: int = 1, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """Up to ``count`` messages from the queue within ``timeout`` seconds (deleted once read)."""
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        wait = max(0, min(2, int(deadline - time.monotonic())))
        response = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(10, count - len(got)),
            WaitTimeSeconds=wait,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        )
        for message in response.get("Messages", []):
            got.append(message)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return got


def body(message: dict[str, Any]) -> Any:
    return json.loads(message["Body"])
