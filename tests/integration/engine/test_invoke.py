"""Synchronous Invoke: payloads, errors, logs, timeouts, crashes, context and configuration."""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from engine_support import HANDLERS, invoke, unique, wait_until

pytestmark = pytest.mark.integration


def test_request_response_returns_the_handler_value(lam: Any, make_function: Any) -> None:
    name = make_function("basic.echo")

    response, payload = invoke(lam, name, {"n": 1, "s": "x"})

    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert payload == {"echo": {"n": 1, "s": "x"}}


def test_unhandled_error_reports_message_type_and_stack(lam: Any, make_function: Any) -> None:
    name = make_function("basic.fail")

    response, payload = invoke(lam, name, {"id": "e1"})

    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert payload["errorMessage"] == "boom: e1"
    assert payload["errorType"] == "ValueError"
    assert isinstance(payload["stackTrace"], list)
    assert any("basic.py" in frame for frame in payload["stackTrace"])


def test_log_type_tail_returns_the_invocation_log(lam: Any, make_function: Any) -> None:
    name = make_function("basic.printer")

    response, _ = invoke(lam, name, {"lines": ["first line", "second line"]}, LogType="Tail")

    tail = base64.b64decode(response["LogResult"]).decode()
    assert "first line\nsecond line" in tail
    assert "REPORT RequestId:" in tail


def test_timeout_kills_the_invocation_and_the_next_invoke_works(
    lam: Any, make_function: Any
) -> None:
    name = make_function("basic.sleepy", timeout=1)

    response, payload = invoke(lam, name, {"seconds": 5})
    after, after_payload = invoke(lam, name, {"seconds": 0})

    assert response["FunctionError"] == "Unhandled"
    assert "Task timed out after 1.00 seconds" in payload["errorMessage"]
    assert "FunctionError" not in after
    assert after_payload == {"slept": 0}


def test_worker_crash_is_an_exit_error_and_the_next_invoke_works(
    lam: Any, make_function: Any
) -> None:
    name = make_function("basic.crash")

    response, payload = invoke(lam, name, {"crash": True})
    after, after_payload = invoke(lam, name, {"crash": False})

    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Runtime.ExitError"
    assert "exit status 3" in payload["errorMessage"]
    assert "FunctionError" not in after
    assert after_payload == {"crashed": False}


def test_dry_run_checks_the_function_without_running_it(
    lam: Any, make_function: Any, traces: Any
) -> None:
    name = make_function("basic.echo")

    response = lam.invoke(FunctionName=name, InvocationType="DryRun")

    assert response["StatusCode"] == 204
    assert traces.invocations(name) == []


def test_unknown_function_is_resource_not_found(lam: Any) -> None:
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=unique("missing"), Payload=b"{}")

    error = caught.value.response
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_invalid_json_payload_is_invalid_request_content(lam: Any, make_function: Any) -> None:
    name = make_function("basic.echo")

    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name, Payload=b"{not json")

    assert caught.value.response["Error"]["Code"] == "InvalidRequestContentException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_context_and_environment_describe_the_function(lam: Any, make_function: Any) -> None:
    name = make_function("basic.context_info", memory=256, timeout=5, env={"GREETING": "hello"})

    _, first = invoke(lam, name)
    _, second = invoke(lam, name)

    assert first["function_name"] == name
    assert first["function_version"] == "$LATEST"
    assert first["invoked_function_arn"].endswith(f":function:{name}")
    assert first["memory_limit_in_mb"] == 256
    assert first["log_group_name"] == f"/aws/lambda/{name}"
    assert first["log_stream_name"]
    early, late = first["remaining"]
    assert 4000 < early <= 5000
    assert early - late >= 150
    assert first["aws_request_id"] != second["aws_request_id"]
    env = first["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_REGION"] == "us-east-1"
    assert env["_HANDLER"] == "basic.context_info"
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=")
    assert env["AWS_ENDPOINT_URL"]
    assert env["GREETING"] == "hello"


def test_code_edit_under_code_path_takes_effect_on_next_invoke(
    lam: Any, make_function: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "code"
    shutil.copytree(HANDLERS / "versioned", folder)
    name = make_function("app.handler", tags={"localcloud:code-path": str(folder)})
    _, before = invoke(lam, name)

    source = folder / "app.py"
    source.write_text(source.read_text().replace('"v1"', '"v2"'))
    later = time.time() + 1
    os.utime(source, (later, later))
    time.sleep(0.6)  # the executor looks for edits at most every 0.5 s (CODE_CHECK_INTERVAL)
    _, after = invoke(lam, name)

    assert before == {"version": "v1"}
    assert after == {"version": "v2"}


def test_configuration_update_takes_effect_on_next_invoke(lam: Any, make_function: Any) -> None:
    name = make_function("basic.greeting", env={"GREETING": "before"})
    _, before = invoke(lam, name)

    lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"GREETING": "after"}}
    )
    _, after = invoke(lam, name)

    assert before == {"greeting": "before"}
    assert after == {"greeting": "after"}


def test_logs_reach_the_function_log_group(lam: Any, make_function: Any, localcloud: Any) -> None:
    name = make_function("basic.printer")
    logs = localcloud.client("logs")

    invoke(lam, name, {"lines": ["hello from the handler"]})

    def messages() -> list[str]:
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            return []
        return [e["message"] for e in events]

    lines = wait_until(lambda: len(messages()) >= 4 and messages(), message="log lines")
    assert lines[0].startswith("START RequestId: ")
    assert "hello from the handler" in lines
    assert lines[-2].startswith("END RequestId: ")
    assert lines[-1].startswith("REPORT RequestId: ")
    assert "Memory Size: 128 MB" in lines[-1]


def test_reserved_concurrency_zero_throttles_sync_invoke(lam: Any, make_function: Any) -> None:
    name = make_function("basic.echo")
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)

    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name, Payload=b"{}")

    assert caught.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_payload_round_trips_unicode_and_nesting(lam: Any, make_function: Any) -> None:
    name = make_function("basic.echo")
    event = {"text": "héllo ✓", "nested": {"list": [1, 2.5, None, True]}}

    _, payload = invoke(lam, name, event)

    assert payload == {"echo": json.loads(json.dumps(event))}
