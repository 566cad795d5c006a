"""A clean cloud on demand: POST /_localcloud/reset (and LocalStack's alias), and the pytest
fixture. A cloud of its own: a reset forgets what the session's shared cloud holds for others."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from server_support import Cloud

pytestmark = pytest.mark.integration


def post(url: str, content_type: str = "application/json") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=b"{}", method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("path", ["/_localcloud/reset", "/_localstack/state/reset"])
def test_a_reset_forgets_every_resource_and_the_cloud_works_after(cloud: Cloud, path: str) -> None:
    sqs: Any = cloud.client("sqs")
    url = sqs.create_queue(QueueName="before-reset")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="traced")

    status, answer = post(cloud.url + path)

    assert status == 200 and answer["reset"] is True
    print(f"reset took {answer['took_ms']} ms")
    assert "QueueUrls" not in sqs.list_queues()
    with urllib.request.urlopen(cloud.url + "/_localcloud/traces", timeout=10) as response:
        assert json.loads(response.read())["traces"] == []
    again = sqs.create_queue(QueueName="after-reset")["QueueUrl"]
    sqs.send_message(QueueUrl=again, MessageBody="fine")
    assert sqs.receive_message(QueueUrl=again)["Messages"][0]["Body"] == "fine"


def test_a_reset_needs_a_json_body_so_no_web_form_can_send_one(cloud: Cloud) -> None:
    sqs: Any = cloud.client("sqs")
    sqs.create_queue(QueueName="kept")
    status, answer = post(cloud.url + "/_localcloud/reset", "application/x-www-form-urlencoded")
    assert status == 415 and "JSON" in answer["message"]
    assert sqs.get_queue_url(QueueName="kept")["QueueUrl"].endswith("kept")


def test_the_localcloud_reset_fixture_gives_each_test_a_clean_cloud(tmp_path: Path) -> None:
    tests = tmp_path / "test_clean.py"
    tests.write_text(
        textwrap.dedent(
            """
            def test_leaves_a_queue(localcloud_reset):
                localcloud_reset.client("sqs").create_queue(QueueName="left-behind")

            def test_starts_clean(localcloud_reset):
                assert "QueueUrls" not in localcloud_reset.client("sqs").list_queues()
                assert localcloud_reset.traces.traces() == []
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout


def test_isolation_mode_deploys_each_module_to_a_clean_cloud(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        textwrap.dedent(
            """
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Inbox:
                Type: AWS::SQS::Queue
            Outputs:
              InboxUrl:
                Value: !Ref Inbox
            """
        )
    )
    body = """
        def test_{name}(deployed_stack):
            sqs = deployed_stack.client("sqs")
            queues = sqs.list_queues().get("QueueUrls", [])
            assert queues == [deployed_stack.outputs["InboxUrl"]], queues
            sqs.create_queue(QueueName="stray-{name}")
        """
    for name in ("first", "second"):
        (tmp_path / f"test_{name}.py").write_text(textwrap.dedent(body.format(name=name)))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--localcloud-isolate",
            "--localcloud-template",
            str(tmp_path / "template.yaml"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout
