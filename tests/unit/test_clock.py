"""The cloud's clock (clock.py): its time moves with the offset, and a wait on it ends when the
clock reaches its deadline (by moving it or by real time) or at once when interrupted. No
network; each wait runs in a thread joined with a deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from localcloud.clock import Clock

# Long enough for a loaded machine to run a thread, far shorter than any wait that must not end.
PROMPT_S = 2.0


class Waiting:
    """A wait running in a thread, and what it answered."""

    def __init__(self, wait: Callable[[], bool]) -> None:
        self.result: bool | None = None
        self.ended = threading.Event()

        def run() -> None:
            self.result = wait()
            self.ended.set()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def ends(self, within: float = PROMPT_S) -> bool | None:
        assert self.ended.wait(within), "the wait did not end"
        return self.result


def started(clock: Clock, count: int = 1) -> None:
    """Wait until ``count`` waits are on the clock."""
    deadline = time.monotonic() + PROMPT_S
    while len(clock.deadlines()) < count:
        assert time.monotonic() < deadline, "the wait never started"
        time.sleep(0.005)


def test_the_clock_is_the_real_time_plus_an_offset_it_moves() -> None:
    clock = Clock()
    assert clock.now() == pytest.approx(time.time(), abs=0.5)
    assert clock.advance(3600) == pytest.approx(time.time() + 3600, abs=0.5)
    assert clock.offset == pytest.approx(3600, abs=0.01)
    assert clock.set(2_000_000_000) == pytest.approx(2_000_000_000, abs=0.5)
    clock.reset()
    assert clock.offset == 0.0


def test_advancing_the_clock_to_the_deadline_ends_the_wait_at_once() -> None:
    clock = Clock()
    waiting = Waiting(lambda: clock.sleep(86400))
    started(clock)
    assert clock.deadlines() == [pytest.approx(time.time() + 86400, abs=1)]

    clock.advance(86400)

    assert waiting.ends() is True
    assert clock.deadlines() == []


def test_a_move_short_of_the_deadline_leaves_the_wait_waiting() -> None:
    clock = Clock()
    waiting = Waiting(lambda: clock.sleep(3600))
    started(clock)

    clock.advance(1800)
    assert not waiting.ended.wait(0.2)

    clock.set(clock.now() + 1800)
    assert waiting.ends() is True


def test_a_wait_ends_by_itself_in_real_time() -> None:
    clock = Clock()
    began = time.monotonic()

    assert clock.sleep(0.1) is True

    assert time.monotonic() - began >= 0.09
    assert clock.deadlines() == []


def test_a_wait_for_a_past_deadline_ends_at_once() -> None:
    clock = Clock()
    assert clock.wait_until(clock.now() - 1) is True


def test_an_interrupted_wait_ends_at_once_and_says_so() -> None:
    clock = Clock()
    wake = threading.Event()
    stopped = threading.Event()
    waiting = Waiting(lambda: clock.sleep(86400, wake, stopped.is_set))
    started(clock)

    stopped.set()
    wake.set()

    assert waiting.ends() is False
    assert clock.deadlines() == []


def test_a_wake_without_an_interruption_goes_back_to_waiting() -> None:
    clock = Clock()
    wake = threading.Event()
    waiting = Waiting(lambda: clock.sleep(3600, wake, lambda: False))
    started(clock)

    wake.set()
    assert not waiting.ended.wait(0.2)

    clock.advance(3600)
    assert waiting.ends() is True


def test_one_move_ends_every_wait_it_passes_and_no_other() -> None:
    clock = Clock()
    short = Waiting(lambda: clock.sleep(60))
    long = Waiting(lambda: clock.sleep(7200))
    started(clock, 2)

    clock.advance(3600)

    assert short.ends() is True
    assert not long.ended.wait(0.1)
    assert len(clock.deadlines()) == 1
    clock.advance(3600)
    assert long.ends() is True
