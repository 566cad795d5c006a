"""MoveTasks on a fake timer and fake queues: the rate paces the steps, cancel ends a task after
its step, a failure ends it FAILED, and only one task per source may be active."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from localcloud.emulator.views import MovedMessage
from localcloud.engine import move_tasks
from localcloud.engine.errors import MoveTaskError, MoveTaskNotRunningError
from localcloud.engine.move_tasks import MoveTasks
from localcloud.trace import HopKind, TraceStore

DLQ = "arn:aws:sqs:us-east-1:123456789012:dlq"
DEST = "arn:aws:sqs:us-east-1:123456789012:dest"


class FakeTimer:
    """Jobs kept, not run: ``run_next`` runs the oldest; ``at`` remembers when it asked for."""

    def __init__(self) -> None:
        self.jobs: list[tuple[float | None, Callable[[], object]]] = []

    def soon(self, job: Callable[[], object]) -> None:
        self.jobs.append((None, job))

    def at(self, when: float, job: Callable[[], object]) -> None:
        self.jobs.append((when, job))

    def run_next(self) -> float | None:
        when, job = self.jobs.pop(0)
        job()
        return when


class FakeQueues:
    """The backends functions a task calls, over one DLQ of ``count`` messages."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, count: int) -> None:
        self.left = [f"m{n}" for n in range(count)]
        self.moved: list[str] = []
        self.fail_with: str | None = None
        fake = move_tasks.backends
        monkeypatch.setattr(fake, "queue_exists", lambda arn: arn in (DLQ, DEST))
        monkeypatch.setattr(fake, "dead_letter_sources", lambda arn: ["src"] if arn == DLQ else [])
        monkeypatch.setattr(fake, "ready_count", lambda arn: len(self.left))
        monkeypatch.setattr(fake, "move_one", self.move_one)

    def move_one(self, source: str, destination: str | None) -> MovedMessage | None:
        if self.fail_with:
            raise move_tasks.backends.MoveFailedError(self.fail_with, self.fail_with)
        if not self.left:
            return None
        message = self.left.pop(0)
        self.moved.append(message)
        return MovedMessage(message, destination or DLQ, "Root=1-5f84c7a6-0123456789abcdef01234567")


@pytest.fixture
def timer() -> FakeTimer:
    return FakeTimer()


@pytest.fixture
def traces() -> TraceStore:
    return TraceStore(100, 100)


def newest(tasks: MoveTasks) -> dict[str, Any]:
    [task] = tasks.list(DLQ)
    return task


def test_a_task_without_rate_moves_everything_and_completes(
    monkeypatch: pytest.MonkeyPatch, timer: FakeTimer, traces: TraceStore
) -> None:
    queues = FakeQueues(monkeypatch, 3)
    tasks = MoveTasks(timer, traces)

    tasks.start(DLQ, DEST, None)
    timer.run_next()

    assert queues.moved == ["m0", "m1", "m2"]
    task = newest(tasks)
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("COMPLETED", 3)
    assert task["ApproximateNumberOfMessagesToMove"] == 3
    assert len(traces.find(lambda hop: hop.kind == HopKind.MOVE)) == 3


def test_the_rate_moves_one_message_per_interval(
    monkeypatch: pytest.MonkeyPatch, timer: FakeTimer, traces: TraceStore
) -> None:
    queues = FakeQueues(monkeypatch, 5)
    tasks = MoveTasks(timer, traces)
    tasks.start(DLQ, DEST, 2)
    [started] = [t for t in tasks._by_source[DLQ]]

    timer.run_next()  # at once: the first message only

    assert queues.moved == ["m0"]
    [(when, _)] = timer.jobs
    assert when == pytest.approx(started.started + 0.5)  # the next after 1 / rate seconds
    assert newest(tasks)["Status"] == "RUNNING"


def test_cancel_ends_the_task_after_its_step(
    monkeypatch: pytest.MonkeyPatch, timer: FakeTimer, traces: TraceStore
) -> None:
    queues = FakeQueues(monkeypatch, 5)
    tasks = MoveTasks(timer, traces)
    handle = tasks.start(DLQ, DEST, 1)
    timer.run_next()

    assert tasks.cancel(handle) == 1
    assert newest(tasks)["Status"] == "CANCELLING"
    timer.run_next()

    task = newest(tasks)
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("CANCELLED", 1)
    assert "TaskHandle" not in task
    assert queues.moved == ["m0"] and not timer.jobs
    with pytest.raises(MoveTaskNotRunningError):
        tasks.cancel(handle)


def test_a_failed_move_ends_the_task_failed_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, timer: FakeTimer, traces: TraceStore
) -> None:
    queues = FakeQueues(monkeypatch, 2)
    queues.fail_with = "AWS.SimpleQueueService.NonExistentQueue"
    tasks = MoveTasks(timer, traces)
    tasks.start(DLQ, DEST, None)
    timer.run_next()

    task = newest(tasks)
    assert (task["Status"], task["FailureReason"]) == (
        "FAILED",
        "AWS.SimpleQueueService.NonExistentQueue",
    )
    tasks.start(DLQ, DEST, None)  # a finished task does not block the next


def test_only_one_task_per_source_is_active_and_a_reset_forgets_them(
    monkeypatch: pytest.MonkeyPatch, timer: FakeTimer, traces: TraceStore
) -> None:
    FakeQueues(monkeypatch, 2)
    tasks = MoveTasks(timer, traces)
    tasks.start(DLQ, DEST, 1)

    with pytest.raises(MoveTaskError, match="There is already a task running"):
        tasks.start(DLQ, None, None)
    with pytest.raises(MoveTaskError, match="must be configured as a Dead Letter Queue"):
        tasks.start(DEST, None, None)
    tasks.clear()
    assert tasks.list(DLQ) == []
    timer.run_next()  # the step left behind finds its task gone
    assert tasks.list(DLQ) == []
