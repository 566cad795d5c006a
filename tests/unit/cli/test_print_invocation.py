"""`localcloud up` prints each invocation's log lines on stderr as it ends: whatever stream stderr
is at the time, and without colours exactly what rich prints."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from localcloud.cli.up import print_invocation
from localcloud.engine.executor import FunctionSpec, InvocationResult
from localcloud.logview import log_line

SPEC = FunctionSpec(
    name="fn",
    arn="arn:aws:lambda:us-east-1:123456789012:function:fn",
    handler="app.handler",
    runtime="python3.12",
    timeout=3.0,
    memory_size=128,
    environment={},
    code_paths=(),
    reserved_concurrency=None,
    region="us-east-1",
    account_id="123456789012",
)
LINES = [
    "START RequestId: 3f2a1b9c-0000 Version: $LATEST",
    "plain output",
    "control\x07codes\r",
    "wide 漢字\tafter a tab",
    "REPORT RequestId: 3f2a1b9c-0000\tDuration: 1.20 ms\tBilled Duration: 2 ms",
]
STAMP = re.compile(r"^\d\d:\d\d:\d\d\.\d\d\d  ", re.M)


def result(failed: bool) -> InvocationResult:
    error = {"errorType": "ValueError", "errorMessage": "x"} if failed else None
    return InvocationResult("3f2a1b9c-0000", b"null", error, "", 1.2)


@pytest.mark.parametrize("failed", [False, True])
@pytest.mark.parametrize(
    "lines",
    [LINES, [line for line in LINES if line.isascii()]],
    ids=["a line rich renders", "all plain"],
)
def test_lines_print_as_rich_prints_them_without_colours(
    monkeypatch: pytest.MonkeyPatch, failed: bool, lines: list[str]
) -> None:
    printed = io.StringIO()
    monkeypatch.setattr("sys.stderr", printed)

    print_invocation(SPEC, result(failed), lines)

    expected = io.StringIO()
    console = Console(file=expected, highlight=False, width=200)
    for line in lines:
        console.print(log_line("fn", "3f2a1b9c-0000", line, failed, at=0.0), soft_wrap=True)
    # The time each line was printed at is the one thing that differs.
    assert STAMP.sub("", printed.getvalue()) == STAMP.sub("", expected.getvalue())
    assert len(STAMP.findall(printed.getvalue())) == len(lines)


def test_each_invocation_prints_on_the_stderr_of_the_moment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", first)
    print_invocation(SPEC, result(False), LINES[:1])
    monkeypatch.setattr("sys.stderr", second)
    print_invocation(SPEC, result(False), LINES[1:2])
    print_invocation(SPEC, result(False), LINES[1:2])

    assert first.getvalue().count("\n") == 1 and "START RequestId" in first.getvalue()
    assert second.getvalue().count("plain output") == 2
    assert "START" not in second.getvalue()
