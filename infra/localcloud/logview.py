"""Function log lines for people: one line each, the function and request id first.

``localcloud up`` prints invocations as they happen and ``localcloud logs`` prints CloudWatch Logs
the same way:

    12:00:01.234  welcome_email  3f2a1b9c  {"level":"INFO","message":"sent"}

The function's name is green for an invocation that succeeded and red for one that failed (for
lines read back from CloudWatch Logs, red from the line that reports the failure on).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from rich.control import STRIP_CONTROL_CODES, strip_control_codes
from rich.text import Text

START = re.compile(r"^START RequestId: (?P<id>[0-9a-fA-F-]+)")
FAILED_MARKERS = ("Task timed out", '"errorType"', "Traceback (most recent call last)")
# The characters rich strips from printed text.
CONTROL_CODES = tuple(chr(code) for code in STRIP_CONTROL_CODES)


def request_id_of(line: str) -> str | None:
    """The request id a START line opens, else None."""
    match = START.match(line)
    return match["id"] if match else None


def looks_failed(line: str) -> bool:
    return any(marker in line for marker in FAILED_MARKERS)


def _pieces(
    function: str, request_id: str | None, message: str, at: float | None
) -> tuple[str, str, str, str]:
    when = time.time() if at is None else at
    stamp = time.strftime("%H:%M:%S", time.localtime(when)) + f".{int(when % 1 * 1000):03d}"
    return f"{stamp}  ", function, f"  {(request_id or '-')[:8]:<8}  ", message.rstrip("\n")


def log_line(
    function: str, request_id: str | None, message: str, failed: bool, at: float | None = None
) -> Text:
    """One printed line of a function's log."""
    stamp, name, request, rest = _pieces(function, request_id, message, at)
    text = Text(stamp, style="dim")
    text.append(name, style="red" if failed else "green")
    text.append(request, style="dim")
    text.append(rest)
    return text


def plain_log_line(
    function: str, request_id: str | None, message: str, at: float | None = None
) -> str:
    """``log_line``'s text without its styles: what rich prints on a console without colours
    (control codes removed and tabs expanded to 8 columns as rich does: exactly so for ASCII
    text, as rich counts the columns of wide characters), for a fraction of rich's cost."""
    return _plain("".join(_pieces(function, request_id, message, at)))


def plain_log_lines(
    function: str, request_id: str | None, messages: Sequence[str], at: float | None = None
) -> list[str]:
    """``plain_log_line`` of each message, all printed at ``at`` (now when None): the time,
    function and request id are put in words once."""
    stamp, name, request, _ = _pieces(function, request_id, "", at)
    head = stamp + name + request
    return [_plain(head + message.rstrip("\n")) for message in messages]


def _plain(text: str) -> str:
    # Looked for first: stripping costs ~6 us a line, and nearly no line holds any.
    if any(code in text for code in CONTROL_CODES):
        text = strip_control_codes(text)
    return text.expandtabs(8)
