"""The developer's loop around a running cloud: handler output as it happens (`up`, `logs -f`),
ready hooks, LocalStack's health, `status`, `up --detach` and `stop`, `--region`."""

from __future__ import annotations

import io
import json
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
from server_support import LOCALCLOUD, Cloud, wait_for

pytestmark = pytest.mark.integration

PRINTER = """
def handler(event, context):
    for record in event["Records"]:
        print("got", record["body"])
"""


def sqs_triggered_function(cloud: Cloud, name: str = "printer") -> str:
    """A function printing each SQS record's body, mapped to a new queue; the queue's URL."""
    iam: Any = cloud.client("iam")
    lam: Any = cloud.client("lambda")
    sqs: Any = cloud.client("sqs")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("printer.py", PRINTER)
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="printer.handler",
        Code={"ZipFile": archive.getvalue()},
    )
    url = sqs.create_queue(QueueName=f"{name}-queue")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    lam.create_event_source_mapping(EventSourceArn=arn["QueueArn"], FunctionName=name, BatchSize=1)
    return str(url)


def test_up_prints_an_sqs_triggered_handlers_output_and_logs_follows_it(start_cloud: Any) -> None:
    cloud = start_cloud()
    url = sqs_triggered_function(cloud)
    follower = subprocess.Popen(
        [
            str(LOCALCLOUD),
            "logs",
            "printer",
            "-f",
            "--follow-seconds",
            "20",
            "--since",
            "1m",
            "--endpoint",
            cloud.url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)  # the follower is polling
        sent = time.monotonic()
        cloud.client("sqs").send_message(QueueUrl=url, MessageBody="hello-loop")  # type: ignore[attr-defined]
        assert follower.stdout is not None
        line = follower.stdout.readline()
        while "got hello-loop" not in line:
            assert line, "logs -f ended without the handler's line"
            line = follower.stdout.readline()
        print(f"logs -f showed the line {(time.monotonic() - sent) * 1000:.0f} ms after the send")
        assert line.split()[1] == "printer"
    finally:
        follower.terminate()
        follower.communicate(timeout=10)
    stderr = cloud.stop()
    lines = stderr.splitlines()
    printed = [line for line in lines if "got hello-loop" in line]
    assert len(printed) == 1 and "printer" in printed[0]
    assert any("START RequestId" in line and "printer" in line for line in lines)


def test_up_quiet_prints_no_handler_output(start_cloud: Any) -> None:
    cloud = start_cloud("--quiet")
    url = sqs_triggered_function(cloud)
    cloud.client("sqs").send_message(QueueUrl=url, MessageBody="hush")  # type: ignore[attr-defined]
    logs: Any = cloud.client("logs")

    def logged() -> bool:
        try:
            events = logs.filter_log_events(logGroupName="/aws/lambda/printer")["events"]
        except logs.exceptions.ResourceNotFoundException:
            return False
        return any("got hush" in e["message"] for e in events)

    wait_for(logged, 20, "the handler's line in CloudWatch Logs")
    assert "got hush" not in cloud.stop()


def test_ready_hooks_run_once_with_the_endpoint(start_cloud: Any, tmp_path: Path) -> None:
    hooks = tmp_path / "ready.d"
    hooks.mkdir()
    (hooks / "10-queue.py").write_text(
        "import boto3\nboto3.client('sqs').create_queue(QueueName='made-by-hook')\n"
    )
    (hooks / "20-fails.sh").write_text("#!/bin/sh\nexit 3\n")
    (hooks / "20-fails.sh").chmod(0o755)
    (hooks / "notes.txt").write_text("not run")
    cloud = start_cloud("--init", str(hooks))
    sqs: Any = cloud.client("sqs")
    wait_for(
        lambda: "QueueUrls" in sqs.list_queues(QueueNamePrefix="made-by-hook"),
        20,
        "the hook's queue",
    )
    stderr = cloud.stop()
    assert "init 10-queue.py: exit 0" in stderr
    assert "init 20-fails.sh: exit 3" in stderr
    assert "notes.txt" not in stderr


def test_localstacks_health_is_answered_in_its_shape(cloud: Cloud) -> None:
    with urllib.request.urlopen(f"{cloud.url}/_localstack/health", timeout=10) as response:
        health = json.loads(response.read())
    assert health["services"]["sqs"] == "running"
    assert set(health["services"]) >= {"lambda", "sns", "events", "dynamodb", "s3"}
    assert health["version"]


def test_up_detach_status_and_stop(tmp_path: Path) -> None:
    from server_support import free_port

    env = {"XDG_STATE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    port = str(free_port())

    def localcloud(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(LOCALCLOUD), *argv], capture_output=True, text=True, timeout=90, env=env
        )

    started = localcloud("up", "--detach", "--port", port)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == f"localcloud ready on http://127.0.0.1:{port}"
    assert (tmp_path / "localcloud" / f"up-{port}.pid").is_file()
    status = localcloud("status", "--endpoint", f"http://127.0.0.1:{port}")
    assert status.returncode == 0 and "running at" in status.stdout
    again = localcloud("up", "--detach", "--port", port)
    assert again.returncode == 2 and "already runs" in again.stderr
    stopped = localcloud("stop", "--port", port)
    assert stopped.returncode == 0, stopped.stderr
    assert not (tmp_path / "localcloud" / f"up-{port}.pid").exists()
    after = localcloud("status", "--endpoint", f"http://127.0.0.1:{port}")
    assert after.returncode == 2 and "start one with `localcloud up`" in after.stderr


def test_invoke_finds_a_function_in_the_region_it_is_given(cloud: Cloud) -> None:
    iam: Any = cloud.client("iam")
    role = iam.create_role(RoleName="eu-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("echo.py", "def handler(event, context):\n    return event\n")
    import boto3

    boto3.client(
        "lambda",
        endpoint_url=cloud.url,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_function(
        FunctionName="european",
        Runtime="python3.12",
        Role=role,
        Handler="echo.handler",
        Code={"ZipFile": archive.getvalue()},
    )

    def invoke(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(LOCALCLOUD), "invoke", "european", "--endpoint", cloud.url, *extra],
            capture_output=True,
            text=True,
            timeout=60,
            input="",
        )

    found = invoke("--region", "eu-west-1")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout) == {}
    missing = invoke("--region", "us-east-1")
    assert missing.returncode == 2 and "european" in missing.stderr


def test_every_flag_of_every_command_has_help_text() -> None:
    from localcloud.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    bare = [
        f"{name} {action.option_strings or action.dest}"
        for name, command in commands.items()
        for action in command._actions
        if not action.help
    ]
    assert bare == []
