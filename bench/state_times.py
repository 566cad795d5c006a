"""Reset and restore, measured on the demo's topology (issue 15's figures, this project only).

A cloud started with ``--state`` gets the user service deployed (infra/template.yaml, what the
demo runs on), is stopped (which saves the state), and started again: the restore time is the
second start-up minus a start-up with no state. Then ``POST /_localcloud/reset`` is timed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCALCLOUD = ROOT / ".venv" / "bin" / "localcloud"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(port: int, *args: str) -> tuple[subprocess.Popen[str], float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(LOCALCLOUD), "up", "--quiet", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "ready" not in line:
        process.kill()
        raise RuntimeError(f"localcloud did not start: {line!r}")
    return process, time.perf_counter() - started


def _stop(process: subprocess.Popen[str]) -> float:
    started = time.perf_counter()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)
    return time.perf_counter() - started


def run() -> dict[str, Any]:
    port = _port()
    with tempfile.TemporaryDirectory(prefix="bench-state-") as folder:
        plain, plain_s = _start(port)
        _stop(plain)
        first, _ = _start(port, "--state", folder)
        env = {**os.environ, "LOCALCLOUD_ENDPOINT": f"http://127.0.0.1:{port}"}
        subprocess.run(
            [str(LOCALCLOUD), "deploy", "--template", str(ROOT / "infra" / "template.yaml")],
            env=env,
            capture_output=True,
            check=True,
            timeout=300,
        )
        save_s = _stop(first)
        size = (Path(folder) / "state.bin").stat().st_size
        restored, restored_s = _start(port, "--state", folder)
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/_localcloud/reset",
                data=b"{}",
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = json.loads(response.read())
            reset_wall_ms = (time.perf_counter() - started) * 1000
        finally:
            _stop(restored)
    return {
        "state_bytes": size,
        "stop_with_save_s": round(save_s, 2),
        "start_plain_s": round(plain_s, 2),
        "start_with_restore_s": round(restored_s, 2),
        "restore_s": round(restored_s - plain_s, 2),
        "reset_ms": answer["took_ms"],
        "reset_request_ms": round(reset_wall_ms, 1),
    }


if __name__ == "__main__":
    print(run())
