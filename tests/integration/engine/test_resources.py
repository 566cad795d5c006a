"""The local cloud's resources stay bounded while handlers run, and a function's own limits hold:
handler output does not grow the server, idle environments are reclaimed, MemorySize is enforced,
and a worker that dies is reported at once even when a child it forked lives on."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from engine_support import invoke, wait_until

pytestmark = pytest.mark.integration


def server_rss_mb() -> float:
    """The resident memory of this process, which runs the session's local cloud."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def deleted_files_held() -> set[str]:
    """The deleted files this process still holds open (each one's disk space is kept)."""
    held = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed since listed
        if target.endswith("(deleted)"):
            held.add(f"{fd} -> {target}")
    return held


def test_server_memory_stays_flat_while_handlers_print(
    lam: Any, make_function: Any, localcloud: Any
) -> None:
    # GIVEN a function whose invocations print 10 MB each, run until its log group holds all it
    # keeps (each invocation adds the newest 256 KB of its output)
    name = make_function("runtime_cases.noisy", timeout=60)
    group_bound = localcloud.runtime.settings.log_group_max_bytes
    for _ in range(group_bound // (256 * 1024) + 4):
        invoke(lam, name, {"megabytes": 10})
    before = server_rss_mb()

    # WHEN it is invoked 100 times more
    for _ in range(100):
        response, _ = invoke(lam, name, {"megabytes": 10})
        assert "FunctionError" not in response

    # THEN the server holds no more than it did (1 GB went through it)
    grown = server_rss_mb() - before
    assert grown < 20, f"the server grew by {grown:.1f} MB over 100 invocations"


def test_handler_output_leaves_no_deleted_files_held(lam: Any, make_function: Any) -> None:
    before = deleted_files_held()
    name = make_function("runtime_cases.noisy")

    for _ in range(3):
        invoke(lam, name, {"megabytes": 1})

    assert deleted_files_held() - before == set()


def test_an_idle_worker_is_reclaimed_after_the_idle_time(
    lam: Any, make_function: Any, localcloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a warm environment and a short idle time
    name = make_function("runtime_cases.pid")
    _, first = invoke(lam, name)
    monkeypatch.setattr(localcloud.runtime.executor, "idle_timeout", 0.5)

    # WHEN it stays idle, THEN its process goes
    wait_until(
        lambda: not Path(f"/proc/{first['pid']}").exists(),
        timeout=15,
        message="the idle worker to be reclaimed",
    )
    # and the next invoke starts a new environment
    _, second = invoke(lam, name)
    assert second["pid"] != first["pid"]


def test_exceeding_memory_size_is_runtime_out_of_memory(lam: Any, make_function: Any) -> None:
    name = make_function("runtime_cases.hog", memory=128)

    response, payload = invoke(lam, name, {"megabytes": 400})

    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Runtime.OutOfMemory"
    assert re.fullmatch(
        r"RequestId: [0-9a-f-]{36} Error: Runtime exited with error: signal: killed",
        payload["errorMessage"],
    )


def test_memory_within_memory_size_is_available(lam: Any, make_function: Any) -> None:
    name = make_function("runtime_cases.hog", memory=128)

    response, payload = invoke(lam, name, {"megabytes": 96})

    assert "FunctionError" not in response
    assert payload == {"held": 96 * 1024 * 1024}


def test_a_worker_that_forks_and_dies_is_reported_at_once(lam: Any, make_function: Any) -> None:
    # GIVEN a handler whose child outlives it by 20 s, under a 30 s timeout
    name = make_function("runtime_cases.fork_and_die", timeout=30)

    started = time.monotonic()
    response, payload = invoke(lam, name, {"linger": 20})
    elapsed = time.monotonic() - started

    # THEN the worker's exit is the answer, long before the child or the timeout ends
    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Runtime.ExitError"
    assert payload["errorMessage"].endswith("Error: Runtime exited with error: exit status 7")
    assert elapsed < 10, f"reported after {elapsed:.1f} s"
