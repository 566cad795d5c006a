"""The cloud's clock: the time its timed behaviour reads, which tests move instead of sleeping.

runtime.py builds one ``Clock`` and hands it to everything that waits for a time: schedules fire
by it (engine/schedules.py) and Step Functions' Wait states and Retry intervals wait on it
(emulator/moto_patches/stepfunctions.py). It reads the real time plus an offset; ``advance`` and
``set`` move the offset (``localcloud clock``, ``POST /_localcloud/schedules/clock``) and
``reset`` puts it back.

``wait_until`` is the one way to wait on it: the wait ends when the clock reaches its deadline,
whether the real time gets there or the clock is moved there, and ends early, at once, when what
waits is interrupted (its ``wake`` event is set and ``interrupted()`` says so). Nothing polls:
a wait sleeps until its deadline, a move or its wake event, and looks at the clock again at
least every ``MAX_SLEEP_S`` (a wall clock that jumps is noticed). Pure: no moto here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# The longest a wait sleeps without looking at the clock again.
MAX_SLEEP_S = 60.0


class Clock:
    """The real time plus an offset tests move; the waits on it end when it reaches them."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()
        # each wait in progress: its wake event and its deadline (clock time)
        self._waits: dict[object, tuple[threading.Event, float]] = {}

    def now(self) -> float:
        """Epoch seconds, as the cloud sees them."""
        return time.time() + self._offset

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds``; the time after."""
        with self._lock:
            self._offset += seconds
        self._moved()
        return self.now()

    def set(self, epoch: float) -> float:
        """Move to ``epoch`` (forward or back); the time after."""
        with self._lock:
            self._offset = epoch - time.time()
        self._moved()
        return self.now()

    def reset(self) -> None:
        """Back to the real time."""
        with self._lock:
            self._offset = 0.0
        self._moved()

    def deadlines(self) -> list[float]:
        """The deadline (clock time) of each wait in progress, soonest first."""
        with self._lock:
            return sorted(deadline for _, deadline in self._waits.values())

    def _moved(self) -> None:
        with self._lock:
            wakes = [wake for wake, _ in self._waits.values()]
        for wake in wakes:
            wake.set()

    def wait_until(
        self,
        deadline: float,
        wake: threading.Event | None = None,
        interrupted: Callable[[], bool] | None = None,
    ) -> bool:
        """Block until the clock reaches ``deadline`` (epoch seconds, clock time): True; or
        until ``interrupted()`` is true, checked whenever ``wake`` is set: False."""
        wake = wake or threading.Event()
        token = object()
        with self._lock:
            self._waits[token] = (wake, deadline)
        try:
            while True:
                if interrupted is not None and interrupted():
                    return False
                remaining = deadline - self.now()
                if remaining <= 0:
                    return True
                wake.wait(min(remaining, MAX_SLEEP_S))
                # what set it changed first: the loop looks again after clearing
                wake.clear()
        finally:
            with self._lock:
                del self._waits[token]

    def sleep(
        self,
        seconds: float,
        wake: threading.Event | None = None,
        interrupted: Callable[[], bool] | None = None,
    ) -> bool:
        """``wait_until`` ``seconds`` from now on this clock."""
        return self.wait_until(self.now() + seconds, wake, interrupted)
