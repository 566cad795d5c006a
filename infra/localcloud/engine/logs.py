"""Function logs into CloudWatch Logs: the function's log group, one stream per environment."""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from moto.logs.models import logs_backends

from localcloud.engine.executor import FunctionSpec, InvocationResult


class LogWriter:
    """Writes each invocation's START, output, END and REPORT lines, as Lambda does."""

    def __init__(self) -> None:
        self._known: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def write(self, spec: FunctionSpec, result: InvocationResult) -> None:
        backend: Any = logs_backends[spec.account_id][spec.region]
        group = f"/aws/lambda/{spec.name}"
        stream = result.log_stream or "local"
        with self._lock:
            if (spec.region, group, stream) not in self._known:
                if group not in backend.groups:
                    backend.create_log_group(group, {})
                if stream not in backend.groups[group].streams:
                    backend.create_log_stream(group, stream)
                self._known.add((spec.region, group, stream))
            now = int(time.time() * 1000)
            rid = result.request_id
            lines = [f"START RequestId: {rid} Version: $LATEST"]
            lines += [line for line in result.logs.splitlines() if line.strip()]
            lines.append(f"END RequestId: {rid}")
            lines.append(
                f"REPORT RequestId: {rid}\tDuration: {result.duration_ms:.2f} ms\t"
                f"Billed Duration: {math.ceil(result.duration_ms)} ms\t"
                f"Memory Size: {spec.memory_size} MB"
            )
            result.full_log = "\n".join(lines) + "\n"
            try:
                backend.put_log_events(
                    group, stream, [{"timestamp": now, "message": line} for line in lines]
                )
            except Exception:  # the group was deleted under us: recreate it next time
                self._known.discard((spec.region, group, stream))
