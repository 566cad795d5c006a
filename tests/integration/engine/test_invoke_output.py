"""An invocation's payload reaches the handler as sent and its output is its own: the request
frames to the worker and the reading of its output pipe, over many invocations of one warm
environment."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from engine_support import invoke

pytestmark = pytest.mark.integration


def test_each_invocation_logs_what_it_printed_and_nothing_else(
    lam: Any, make_function: Any
) -> None:
    name = make_function("basic.printer")

    for n in range(12):
        lines = [f"invocation {n} line {i}" for i in range(n % 3)]
        if n == 7:
            lines.insert(0, "x" * 100_000)  # more than a pipe holds by default

        response, _ = invoke(lam, name, {"lines": lines}, LogType="Tail")

        tail = base64.b64decode(response["LogResult"]).decode()
        printed = [line for line in tail.splitlines() if line.startswith(("invocation", "xx"))]
        if n == 7:  # the tail is the log's last 4 KB: the long line's end
            assert printed[0] == "x" * len(printed[0]) and len(printed[0]) > 3000
            printed = printed[1:]
            lines = lines[1:]
        assert printed == lines


def test_payloads_reach_the_handler_as_sent(lam: Any, make_function: Any) -> None:
    name = make_function("basic.echo")
    events = [
        {"s": 'quotes " and \\ and\nnewlines\r\n', "u": "é 漢字 \u2028 \U0001f600"},
        {"big": "y" * 300_000, "n": [1, 2.5, None, True]},
        {},
        [1, "two"],
        "just a string",
    ]

    for event in events:
        response, payload = invoke(lam, name, event)

        assert "FunctionError" not in response
        assert payload == {"echo": event}
