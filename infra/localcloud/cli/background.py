"""`up --detach` and `stop`: a local cloud in the background, found again by its pid file.

The pid and log files live under ``$XDG_STATE_HOME/localcloud`` (``~/.local/state/localcloud``),
named by port: one background cloud per port.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from localcloud.cli.common import UsageError

READY = "localcloud ready on "
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "localcloud"


def pid_file(port: int) -> Path:
    return state_dir() / f"up-{port}.pid"


def log_file(port: int) -> Path:
    return state_dir() / f"up-{port}.log"


def running_pid(port: int) -> int | None:
    """The pid of the background cloud on ``port`` if it is alive, else None (stale files go)."""
    path = pid_file(port)
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return None
    return pid


def start(argv: list[str], port: int) -> tuple[int, str, Path]:
    """Start `localcloud up ARGV` in the background; (pid, URL, log file) once it is ready."""
    if port == 0:
        raise UsageError("--detach needs a fixed --port (the pid file is named by it)")
    if running_pid(port) is not None:
        raise UsageError(
            f"a background local cloud already runs on port {port}; `localcloud stop --port "
            f"{port}` first"
        )
    state_dir().mkdir(parents=True, exist_ok=True)
    log = log_file(port)
    with log.open("w") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "localcloud.cli", "up", *argv],
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if READY in text:
            url = text.split(READY, 1)[1].split()[0]
            pid_file(port).write_text(str(child.pid))
            return child.pid, url, log
        if child.poll() is not None:
            raise UsageError(f"the local cloud did not start: {text.strip()[-500:]}")
        time.sleep(0.05)
    child.terminate()
    raise UsageError(f"the local cloud was not ready within {START_TIMEOUT_S:.0f} s; see {log}")


def stop(port: int) -> int:
    """Stop the background cloud on ``port`` (SIGTERM, then SIGKILL); its pid."""
    pid = running_pid(port)
    if pid is None:
        raise UsageError(
            f"no background local cloud runs on port {port} (nothing in {state_dir()})"
        )
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
    pid_file(port).unlink(missing_ok=True)
    return pid
