"""Function logs into CloudWatch Logs: the function's log group, one stream per environment.

Listeners (``listen``) see each invocation's lines as they are written: `localcloud up` prints
them as they happen.

What is kept is bounded twice: an invocation's output is its newest 256 KB (engine/output.py),
and a function's log group keeps the newest ``max_group_bytes`` of what invocations wrote,
dropping the oldest events first (emulator/backends.py says how an event is counted).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence

from localcloud.emulator import backends
from localcloud.engine.executor import FunctionSpec, InvocationResult

log = logging.getLogger(__name__)

# Sees (function, result, the invocation's lines) once they are written.
Listener = Callable[[FunctionSpec, InvocationResult, Sequence[str]], None]


class LogWriter:
    """Writes each invocation's START, output, END and REPORT lines, as Lambda does."""

    def __init__(self, max_group_bytes: int) -> None:
        self.max_group_bytes = max_group_bytes
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        """Call ``listener`` with every invocation's lines from now on."""
        self._listeners.append(listener)

    def write(self, spec: FunctionSpec, result: InvocationResult) -> None:
        rid = result.request_id
        lines = [f"START RequestId: {rid} Version: {result.executed_version}"]
        lines += [line for line in result.logs.splitlines() if line.strip()]
        lines.append(f"END RequestId: {rid}")
        lines.append(
            f"REPORT RequestId: {rid}\tDuration: {result.duration_ms:.2f} ms\t"
            f"Billed Duration: {math.ceil(result.duration_ms)} ms\t"
            f"Memory Size: {spec.memory_size} MB"
        )
        result.full_log = "\n".join(lines) + "\n"
        backends.put_log_lines(
            spec.region,
            spec.account_id,
            f"/aws/lambda/{spec.name}",
            result.log_stream or "local",
            lines,
            self.max_group_bytes,
        )
        for listener in self._listeners:
            try:
                listener(spec, result, lines)
            except Exception:  # a broken printer must not fail the invocation
                log.exception("a log listener failed")
