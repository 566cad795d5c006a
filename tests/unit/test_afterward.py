"""Work that waits for the answer (afterward.py): queued inside a request, at once outside."""

from __future__ import annotations

import logging
import threading

import pytest

from localcloud import afterward


def test_outside_a_request_work_runs_at_once() -> None:
    done: list[str] = []
    afterward.later(lambda: done.append("now"))
    assert done == ["now"]


def test_inside_a_request_work_waits_for_run_and_keeps_its_order() -> None:
    done: list[int] = []
    pending = afterward.collect()
    for n in range(3):
        afterward.later(lambda n=n: done.append(n))
    assert done == []
    afterward.run(pending)
    assert done == [0, 1, 2]
    afterward.later(lambda: done.append(9))  # the request is over: at once again
    assert done == [0, 1, 2, 9]


def test_work_started_by_deferred_work_runs_inline() -> None:
    done: list[str] = []

    def first() -> None:
        afterward.later(lambda: done.append("inner"))
        done.append("first")

    pending = afterward.collect()
    afterward.later(first)
    afterward.run(pending)
    assert done == ["inner", "first"]


def test_a_failure_is_logged_and_the_rest_still_runs(caplog: pytest.LogCaptureFixture) -> None:
    done: list[str] = []

    def broken() -> None:
        raise RuntimeError("target gone")

    pending = afterward.collect()
    afterward.later(broken)
    afterward.later(lambda: done.append("after"))
    with caplog.at_level(logging.ERROR, logger="localcloud.afterward"):
        afterward.run(pending)
    assert done == ["after"]
    assert "after the answer failed" in caplog.text
    assert "target gone" in caplog.text


def test_settle_waits_for_acknowledged_work_until_it_is_done() -> None:
    pending = afterward.collect()
    afterward.later(lambda: None)
    afterward.acknowledge(pending)
    outcome: list[bool] = []
    waiter = threading.Thread(target=lambda: outcome.append(afterward.settle(5.0)))
    waiter.start()

    assert afterward.settle(0.05) is False  # owed, not done yet
    afterward.run(pending)
    waiter.join(5.0)

    assert outcome == [True]
    assert afterward.settle(0.0) is True


def test_work_collected_but_never_acknowledged_is_not_waited_for() -> None:
    pending = afterward.collect()
    afterward.later(lambda: None)

    assert afterward.settle(0.0) is True
    afterward.run(pending)


def test_a_thread_doing_deferred_work_does_not_wait_for_itself() -> None:
    seen: list[bool] = []
    pending = afterward.collect()
    afterward.later(lambda: seen.append(afterward.settle(5.0)))
    afterward.acknowledge(pending)

    afterward.run(pending)

    assert seen == [False]
    assert afterward.settle(0.0) is True
