"""Step Functions' waits on the cloud's clock (moto_patches/stepfunctions.py ``ClockWaits``): a
Wait or a Retry interval in an execution's environment ends when the clock gets there, and at
once when that environment stops running. No network; no cloud; a stand-in environment."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from localcloud.clock import Clock
from localcloud.emulator.moto_patches.stepfunctions import ClockWaits

PROMPT_S = 2.0


class Env:
    """What the waits read of moto's Environment: whether its program still runs."""

    def __init__(self) -> None:
        self.running = True

    def is_running(self) -> bool:
        return self.running


def in_thread(wait: Callable[[], object]) -> tuple[threading.Event, list[object]]:
    ended, results = threading.Event(), []

    def run() -> None:
        results.append(wait())
        ended.set()

    threading.Thread(target=run, daemon=True).start()
    return ended, results


def started(clock: Clock, count: int = 1) -> None:
    deadline = time.monotonic() + PROMPT_S
    while len(clock.deadlines()) < count:
        assert time.monotonic() < deadline, "the wait never started"
        time.sleep(0.005)


def test_a_wait_ends_when_the_clock_reaches_it() -> None:
    clock = Clock()
    waits, env = ClockWaits(clock), Env()
    ended, results = in_thread(lambda: waits.until(env, clock.now() + 86400))
    started(clock)

    clock.advance(86400)

    assert ended.wait(PROMPT_S)
    assert results == [True]


def test_a_stopped_environment_ends_its_waits_at_once_and_no_others() -> None:
    clock = Clock()
    waits, stopped, other = ClockWaits(clock), Env(), Env()
    ended, results = in_thread(lambda: waits.until(stopped, clock.now() + 86400))
    other_ended, _ = in_thread(lambda: waits.until(other, clock.now() + 86400))
    started(clock, 2)

    stopped.running = False
    waits.changed(stopped)

    assert ended.wait(PROMPT_S)
    assert results == [False]
    assert not other_ended.wait(0.2)
    other.running = False
    waits.changed(other)
    assert other_ended.wait(PROMPT_S)
    assert clock.deadlines() == []


def test_a_retry_interval_waits_in_the_environment_of_its_retry() -> None:
    clock = Clock()
    waits, env = ClockWaits(clock), Env()

    def retry() -> None:
        waits.retrying(env)
        try:
            waits.retry_sleep(3600)
        finally:
            waits.retrying(None)

    ended, _ = in_thread(retry)
    started(clock)
    assert not ended.wait(0.1)

    env.running = False
    waits.changed(env)

    assert ended.wait(PROMPT_S)


def test_a_retry_interval_outside_an_execution_is_a_plain_wait_on_the_clock() -> None:
    clock = Clock()
    waits = ClockWaits(clock)
    began = time.monotonic()

    waits.retry_sleep(0.05)

    assert time.monotonic() - began >= 0.04
