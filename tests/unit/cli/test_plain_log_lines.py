"""`localcloud up` prints invocation lines without rich's rendering when there are no colours:
the text must be what rich would have printed."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from localcloud.logview import log_line, plain_log_line, plain_log_lines

MESSAGES = [
    "REPORT RequestId: 1 Duration: 1.20 ms",
    "trailing   ",
    "x" * 500,
    "wide 漢字 " * 40,
    "two\nlines",
    "end of line\n",
    "control\x07codes\x08\x0b\x0c\r",
    "markup [bold]x[/bold] :smile:",
    "",
    "REPORT RequestId: 3f2a1b9c\tDuration: 1.20 ms\tBilled Duration: 2 ms\t",
    "\t\tx",
    "a\tb\n\tc\td",
    "abcdefgh\ti",
]


@pytest.mark.parametrize("message", MESSAGES)
@pytest.mark.parametrize("request_id", [None, "3f2a1b9c-0000", "ab"])
@pytest.mark.parametrize("failed", [False, True])
def test_a_plain_line_is_what_rich_prints_without_colours(
    message: str, request_id: str | None, failed: bool
) -> None:
    printed = io.StringIO()
    console = Console(file=printed, highlight=False, width=200)
    assert console.color_system is None
    console.print(log_line("fn", request_id, message, failed, at=12.345), soft_wrap=True)
    assert plain_log_line("fn", request_id, message, at=12.345) + "\n" == printed.getvalue()


@pytest.mark.parametrize("request_id", [None, "3f2a1b9c-0000"])
def test_lines_of_one_invocation_are_each_its_plain_line(request_id: str | None) -> None:
    lines = plain_log_lines("fn", request_id, MESSAGES, at=12.345)

    assert lines == [plain_log_line("fn", request_id, m, at=12.345) for m in MESSAGES]
