"""Function builds, measured: the first build of a function with one small dependency, and a
rebuild with nothing changed for every function of the user service (issue 14's targets).

Runs in the bench's process against a fresh, temporary build cache (so the first build really
installs), then asks again for every function of infra/template.yaml (one shared CodeUri).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from localcloud.build import BuildCache

ROOT = Path(__file__).resolve().parent.parent
# A small pure-Python package localcloud itself does not use.
SMALL_DEPENDENCY = "tabulate==0.9.0\n"
REBUILD_TARGET_MS = 100.0


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-builds-") as scratch:
        cache = BuildCache(Path(scratch) / "cache")
        function = Path(scratch) / "function"
        function.mkdir()
        (function / "requirements.txt").write_text(SMALL_DEPENDENCY)
        started = time.perf_counter()
        cache.site(function, what="bench function")
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        cache.site(function, what="bench function")
        again_ms = (time.perf_counter() - started) * 1000
        # The user service: seven functions sharing functions/ (its requirements built once).
        service = ROOT / "functions"
        cache.site(service, what="user service")
        per_function = []
        for _ in range(7):
            started = time.perf_counter()
            cache.site(service, what="user service")
            per_function.append((time.perf_counter() - started) * 1000)
    return {
        "first_build_small_dependency_s": round(first_s, 2),
        "rebuild_unchanged_ms": round(again_ms, 3),
        "rebuild_unchanged_per_function_ms": round(statistics.median(per_function), 3),
        "target_rebuild_ms": REBUILD_TARGET_MS,
        "pass": max(again_ms, *per_function) <= REBUILD_TARGET_MS,
    }


if __name__ == "__main__":
    print(run())
