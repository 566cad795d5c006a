"""The Python runtime's logging, as AWS sets it up: the root handler with the request id, in the
Text and JSON log formats, into CloudWatch Logs and the LogType=Tail result."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from engine_support import invoke, wait_until

TEXT_RECORD = re.compile(
    r"^\[(?P<level>[A-Z]+)\]\t(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\t"
    r"(?P<request>[0-9a-f-]+)\t(?P<message>.*)$"
)
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _tail(response: dict[str, Any]) -> list[str]:
    return base64.b64decode(response["LogResult"]).decode().splitlines()


def _group_messages(localcloud: Any, name: str, request_id: str) -> list[str]:
    logs = localcloud.client("logs")

    def events() -> list[str]:
        found = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        messages = [event["message"] for event in found]
        return messages if any(f"END RequestId: {request_id}" in m for m in messages) else []

    return list(wait_until(events, 10, f"{name}'s log events"))


def _json_records(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_text_format_writes_root_records_at_warning_and_up_with_the_request_id(
    localcloud: Any, lam: Any, make_function: Callable[..., str]
) -> None:
    name = make_function("logging_cases.log_levels")

    response, payload = invoke(lam, name, LogType="Tail")

    request_id = payload["request_id"]
    records = [m.groupdict() for line in _tail(response) if (m := TEXT_RECORD.match(line))]
    assert [(r["level"], r["message"]) for r in records] == [
        ("WARNING", "warning record"),
        ("ERROR", "named logger record"),
        ("ERROR", "caught"),
    ]
    assert {r["request"] for r in records} == {request_id}
    assert "KeyError: 'missing'" in _tail(response)
    stored = _group_messages(localcloud, name, request_id)
    assert "[WARNING]\t" in "\n".join(stored)
    assert any(m.endswith(f"\t{request_id}\twarning record") for m in stored)


def test_json_format_writes_records_from_info_with_the_fields_aws_writes(
    localcloud: Any, lam: Any, make_function: Callable[..., str]
) -> None:
    name = make_function("logging_cases.log_levels")
    config = lam.update_function_configuration(
        FunctionName=name, LoggingConfig={"LogFormat": "JSON"}
    )["LoggingConfig"]
    assert config == {
        "LogFormat": "JSON",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "INFO",
        "LogGroup": f"/aws/lambda/{name}",
    }

    response, payload = invoke(lam, name, LogType="Tail")

    request_id = payload["request_id"]
    records = _json_records(_tail(response))
    assert [(r["level"], r["message"], r["logger"]) for r in records] == [
        ("INFO", "info record", "root"),
        ("WARN", "warning record", "root"),
        ("ERROR", "named logger record", "orders"),
        ("ERROR", "caught", "orders"),
    ]
    assert {r["requestId"] for r in records} == {request_id}
    assert all(ISO_MS.match(r["timestamp"]) for r in records)
    assert records[2]["order"] == "o-1"
    assert records[3]["errorType"] == "KeyError"
    assert records[3]["errorMessage"] == "'missing'"
    assert "logging_cases.py" in "".join(records[3]["stackTrace"])
    assert "stackTrace" not in records[0]
    stored = _json_records(_group_messages(localcloud, name, request_id))
    assert [r["message"] for r in stored] == [r["message"] for r in records]


def test_application_log_level_sets_the_root_level(
    lam: Any, make_function: Callable[..., str]
) -> None:
    name = make_function("logging_cases.log_levels")
    lam.update_function_configuration(
        FunctionName=name, LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "ERROR"}
    )

    response, _ = invoke(lam, name, LogType="Tail")

    assert [r["message"] for r in _json_records(_tail(response))] == [
        "named logger record",
        "caught",
    ]


def test_json_format_writes_an_unhandled_error_as_json(
    lam: Any, make_function: Callable[..., str]
) -> None:
    name = make_function("logging_cases.raises")
    lam.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "JSON"})

    response, _ = invoke(lam, name, LogType="Tail")

    tail = _tail(response)
    (record,) = _json_records(tail)
    assert record["log_level"] == "ERROR"
    assert record["errorType"] == "RuntimeError"
    assert record["errorMessage"] == "handler failed"
    assert tail[0] == f"START RequestId: {record['requestId']} Version: $LATEST"


def test_log_levels_with_the_text_format_are_refused(
    lam: Any, make_function: Callable[..., str]
) -> None:
    name = make_function("logging_cases.log_levels")
    with pytest.raises(lam.exceptions.InvalidParameterValueException, match="LogLevel"):
        lam.update_function_configuration(
            FunctionName=name, LoggingConfig={"LogFormat": "Text", "ApplicationLogLevel": "INFO"}
        )
    assert lam.get_function_configuration(FunctionName=name)["LoggingConfig"] == {
        "LogFormat": "Text",
        "LogGroup": f"/aws/lambda/{name}",
    }
