"""The engine's timer: run a job now on a bounded pool, or at a time.

Asynchronous invocations, their retries and EventBridge target retries all wait here; one
thread keeps the timetable and hands due jobs to the pool.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

Job = Callable[[], object]


class Scheduler:
    """Runs callables at a time, on a bounded pool; one thread keeps the timetable."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="localcloud-async")
        self._heap: list[tuple[float, int, Job]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="localcloud-timer", daemon=True)
        self._thread.start()

    def at(self, when: float, job: Job) -> None:
        """Run ``job`` at ``when`` (a time.monotonic() value)."""
        with self._cond:
            heapq.heappush(self._heap, (when, next(self._counter), job))
            self._cond.notify()

    def later(self, delay_s: float, job: Job) -> None:
        self.at(time.monotonic() + delay_s, job)

    def soon(self, job: Job) -> None:
        self._pool.submit(job)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    _, _, job = heapq.heappop(self._heap)
                    self._pool.submit(job)
                timeout = self._heap[0][0] - now if self._heap else None
                self._cond.wait(timeout)

    def clear(self) -> None:
        """Drop every job waiting for its time (jobs already running finish)."""
        with self._cond:
            self._heap.clear()

    def pending(self) -> int:
        with self._cond:
            return len(self._heap)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._pool.shutdown(wait=False, cancel_futures=True)
