"""SQS message move tasks: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.

A task moves the messages of a dead-letter queue (a queue some queue's redrive policy targets)
to ``DestinationArn``, or without one back to the queue each message was dead-lettered from.
It runs as short steps on the scheduler's bounded pool, never a thread of its own: a step moves
what the rate allows (``MaxNumberOfMessagesPerSecond``, at most ``STEP_MESSAGES`` at once) and
schedules the next one at the time the rate allows more. The task is COMPLETED when the queue
has no message ready to move, FAILED when a queue it moves from or to is gone, CANCELLING from
CancelMessageMoveTask until its current step ends, then CANCELLED. Only one task per source
queue may be RUNNING or CANCELLING. Every moved message is a ``move`` hop in its trace.

The wire shapes (fields, errors and their texts) are SQS's:
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from localcloud import trace
from localcloud.emulator import backends
from localcloud.emulator.views import MovedMessage
from localcloud.engine.errors import (
    MoveTaskError,
    MoveTaskNotFoundError,
    MoveTaskNotRunningError,
)
from localcloud.trace import HopKind, Outcome, TraceStore

RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED = (
    "RUNNING",
    "COMPLETED",
    "CANCELLING",
    "CANCELLED",
    "FAILED",
)
ACTIVE = frozenset({RUNNING, CANCELLING})
MAX_RATE = 500
# A step moves at most this many messages, so one task never holds a pool thread for long.
STEP_MESSAGES = 100
# Tasks kept per source queue for ListMessageMoveTasks (which shows at most 10).
KEPT_PER_SOURCE = 10


class Timer(Protocol):
    """The part of the engine's Scheduler a task runs on."""

    def soon(self, job: Callable[[], object]) -> None: ...

    def at(self, when: float, job: Callable[[], object]) -> None: ...


@dataclass
class MoveTask:
    """One task and its progress; ``moved`` and ``status`` change under the tasks' lock."""

    id: str
    source_arn: str
    destination_arn: str | None
    rate: int | None
    to_move: int
    started_ms: int
    started: float  # time.monotonic()
    moved: int = 0
    status: str = RUNNING
    failure: str | None = None
    handle: str = field(init=False)

    def __post_init__(self) -> None:
        self.handle = encode_handle(self.id, self.source_arn)

    def entry(self) -> dict[str, Any]:
        """The task as ListMessageMoveTasks shows it (the handle only while it runs)."""
        entry: dict[str, Any] = {
            "ApproximateNumberOfMessagesMoved": self.moved,
            "ApproximateNumberOfMessagesToMove": self.to_move,
            "SourceArn": self.source_arn,
            "StartedTimestamp": self.started_ms,
            "Status": self.status,
        }
        if self.destination_arn:
            entry["DestinationArn"] = self.destination_arn
        if self.rate is not None:
            entry["MaxNumberOfMessagesPerSecond"] = self.rate
        if self.failure:
            entry["FailureReason"] = self.failure
        if self.status == RUNNING:
            entry["TaskHandle"] = self.handle
        return entry


def encode_handle(task_id: str, source_arn: str) -> str:
    """A task handle: names the task and its source queue (opaque to clients)."""
    document = json.dumps({"taskId": task_id, "sourceArn": source_arn}).encode()
    return base64.b64encode(document).decode()


def decode_handle(handle: str) -> tuple[str, str]:
    """(task id, source ARN) of a handle; MoveTaskError when it is not one."""
    try:
        document = json.loads(base64.b64decode(handle.encode(), validate=True))
        return str(document["taskId"]), str(document["sourceArn"])
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise MoveTaskError("Value for parameter TaskHandle is invalid.") from exc


def _not_found(parameter: str) -> MoveTaskNotFoundError:
    return MoveTaskNotFoundError(
        f"The resource that you specified for the {parameter} parameter doesn't exist."
    )


class MoveTasks:
    """Every move task of this cloud, by source queue; steps run on ``timer``."""

    def __init__(self, timer: Timer, traces: TraceStore) -> None:
        self._timer = timer
        self._traces = traces
        self._lock = threading.Lock()
        self._by_source: dict[str, list[MoveTask]] = {}  # newest first

    # -- the API -----------------------------------------------------------------------------
    def start(self, source_arn: str, destination_arn: str | None, rate: int | None) -> str:
        """StartMessageMoveTask: the new task's handle."""
        if rate is not None and not 1 <= rate <= MAX_RATE:
            raise MoveTaskError(
                "Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: You must "
                f"enter a number that's between 1 and {MAX_RATE}."
            )
        if not backends.queue_exists(source_arn):
            raise _not_found("SourceArn")
        if destination_arn is not None and not backends.queue_exists(destination_arn):
            raise _not_found("DestinationArn")
        if not backends.dead_letter_sources(source_arn):
            raise MoveTaskError("Source queue must be configured as a Dead Letter Queue.")
        with self._lock:
            tasks = self._by_source.setdefault(source_arn, [])
            if any(task.status in ACTIVE for task in tasks):
                raise MoveTaskError(
                    "There is already a task running. Only one active task is allowed for a "
                    "source queue arn at a given time."
                )
            task = MoveTask(
                id=str(uuid.uuid4()),
                source_arn=source_arn,
                destination_arn=destination_arn,
                rate=rate,
                to_move=backends.ready_count(source_arn),
                started_ms=int(time.time() * 1000),
                started=time.monotonic(),
            )
            tasks.insert(0, task)
            del tasks[KEPT_PER_SOURCE:]
        self._timer.soon(lambda: self._step(task))
        return task.handle

    def list(self, source_arn: str, max_results: int = 1) -> list[dict[str, Any]]:
        """ListMessageMoveTasks: the newest ``max_results`` tasks of the source queue."""
        if not 1 <= max_results <= KEPT_PER_SOURCE:
            raise MoveTaskError(
                f"Value for parameter MaxResults is invalid. Reason: You must enter a number "
                f"that's between 1 and {KEPT_PER_SOURCE}."
            )
        if not backends.queue_exists(source_arn):
            raise _not_found("SourceArn")
        with self._lock:
            return [task.entry() for task in self._by_source.get(source_arn, [])[:max_results]]

    def cancel(self, handle: str) -> int:
        """CancelMessageMoveTask: the messages moved so far; the task ends after its step."""
        task_id, source_arn = decode_handle(handle)
        if not backends.queue_exists(source_arn):
            raise _not_found("SourceArn")
        with self._lock:
            task = next((t for t in self._by_source.get(source_arn, []) if t.id == task_id), None)
            if task is None:
                raise MoveTaskNotFoundError("Task does not exist.")
            if task.status != RUNNING:
                raise MoveTaskNotRunningError(
                    f"Only a RUNNING task can be cancelled; this one is {task.status}."
                )
            task.status = CANCELLING
            return task.moved

    def clear(self) -> None:
        """Forget every task (a reset); a step still running finds its task gone and stops."""
        with self._lock:
            for tasks in self._by_source.values():
                for task in tasks:
                    if task.status in ACTIVE:
                        task.status = CANCELLED
            self._by_source.clear()

    # -- the work ----------------------------------------------------------------------------
    def _allowed(self, task: MoveTask) -> int:
        """How many messages the task may move now, within its rate and one step."""
        if task.rate is None:
            return STEP_MESSAGES
        # Paced from the start: message n may move n / rate seconds after it.
        elapsed = time.monotonic() - task.started
        return max(0, min(STEP_MESSAGES, int(elapsed * task.rate) + 1 - task.moved))

    def _step(self, task: MoveTask) -> None:
        for _ in range(self._allowed(task)):
            with self._lock:
                if task.status != RUNNING:
                    if task.status == CANCELLING:
                        task.status = CANCELLED
                    return
            try:
                moved = backends.move_one(task.source_arn, task.destination_arn)
            except backends.MoveFailedError as exc:
                self._finish(task, FAILED, exc.reason)
                return
            if moved is None:
                self._finish(task, COMPLETED)
                return
            with self._lock:
                task.moved += 1
            self._record(task, moved)
        with self._lock:
            if task.status == CANCELLING:
                task.status = CANCELLED
                return
            if task.status != RUNNING:
                return
        if task.rate is None:
            self._timer.soon(lambda: self._step(task))
        else:
            self._timer.at(task.started + task.moved / task.rate, lambda: self._step(task))

    def _finish(self, task: MoveTask, status: str, failure: str | None = None) -> None:
        with self._lock:
            if task.status == CANCELLING:
                status, failure = CANCELLED, None
            if task.status in ACTIVE:
                task.status, task.failure = status, failure

    def _record(self, task: MoveTask, moved: MovedMessage) -> None:
        self._traces.record(
            HopKind.MOVE,
            "sqs",
            moved.destination_arn.rsplit(":", 1)[-1],
            context=trace.TraceContext.parse(moved.trace_header),
            outcome=Outcome.OK,
            message_id=moved.id,
            source=task.source_arn.rsplit(":", 1)[-1],
            task=task.id,
        )
