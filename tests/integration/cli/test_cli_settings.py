"""The CLI reads LOCALCLOUD_* once: a bad value is one `error:` line and exit 2 for any command,
and LOCALCLOUD_ENDPOINT is where commands go unless --endpoint says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_support import free_port

from localcloud.cli import main

pytestmark = pytest.mark.integration

LOCALCLOUD = Path(sys.executable).with_name("localcloud")
TIMEOUT = 30.0


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LOCALCLOUD_MAX_CONCURRENCY", "x"),
        ("LOCALCLOUD_ASYNC_RETRY_DELAYS", "1,soon"),
        ("LOCALCLOUD_DEBUG", "maybe"),
        ("LOCALCLOUD_ENDPOINT", "localhost:4566"),
    ],
)
def test_up_with_a_bad_variable_exits_2_with_one_error_line_naming_it(
    variable: str, value: str
) -> None:
    result = subprocess.run(
        [str(LOCALCLOUD), "up", "--port", str(free_port())],
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {variable}={value!r} is not valid")


@pytest.mark.parametrize("argv", [["trace"], ["dlq", "list"], ["invoke", "anything"]])
def test_other_commands_refuse_a_bad_variable_before_doing_anything(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOCALCLOUD_TRACE_MAX_HOPS", "0")

    code = main(argv)

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        "error: LOCALCLOUD_TRACE_MAX_HOPS='0' is not valid (must be at least 1); expected a "
        "whole number of at least 1, or unset it for the default"
    ]


def test_help_works_whatever_the_environment_holds() -> None:
    result = subprocess.run(
        [str(LOCALCLOUD), "up", "--help"],
        env={**os.environ, "LOCALCLOUD_MAX_CONCURRENCY": "x"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )

    assert result.returncode == 0
    assert "--port" in result.stdout


def test_commands_go_to_localcloud_endpoint(
    localcloud: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOCALCLOUD_ENDPOINT", localcloud.endpoint_url + "/")

    code = main(["trace", "--last", "1", "--json"])

    assert code == 0, capsys.readouterr().err


def test_endpoint_flag_wins_over_localcloud_endpoint(
    localcloud: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("LOCALCLOUD_ENDPOINT", localcloud.endpoint_url)

    code = main(["trace", "--endpoint", nowhere])

    assert code == 2
    assert nowhere in capsys.readouterr().err
