"""Invocations: synchronous (RequestResponse, DryRun) and asynchronous (Event).

Asynchronous invocations go to an internal queue. A function error is retried per the function's
``MaximumRetryAttempts`` (default 2) after a backoff; an event older than
``MaximumEventAgeInSeconds`` is dropped to failure handling. When retries run out the event goes
to the on-failure destination as an invocation record, or else to the function's dead-letter
queue; a success goes to the on-success destination. AWS waits about 1 and 2 minutes between
attempts; locally the delays default to 1 and 2 seconds (LOCALCLOUD_ASYNC_RETRY_DELAYS).
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from localcloud import trace
from localcloud.engine.errors import DeliveryError, ThrottledError
from localcloud.engine.executor import InvocationResult
from localcloud.engine.senders import Message

if TYPE_CHECKING:
    from localcloud.engine import Engine

log = logging.getLogger(__name__)

RETRY_DELAYS = tuple(
    float(x) for x in os.environ.get("LOCALCLOUD_ASYNC_RETRY_DELAYS", "1,2").split(",")
)
ASYNC_WORKERS = int(os.environ.get("LOCALCLOUD_ASYNC_WORKERS", "16"))


@dataclass
class AsyncEvent:
    """One event on a function's internal queue."""

    function_arn: str
    payload: bytes
    request_id: str
    context: trace.TraceContext
    received: float
    attempts: int = 0


class Scheduler:
    """Runs callables at a time, on a bounded pool; one thread keeps the timetable."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="localcloud-async")
        self._heap: list[tuple[float, int, Any]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="localcloud-timer", daemon=True)
        self._thread.start()

    def at(self, when: float, job: Any) -> None:
        with self._cond:
            heapq.heappush(self._heap, (when, next(self._counter), job))
            self._cond.notify()

    def soon(self, job: Any) -> None:
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

    def pending(self) -> int:
        with self._cond:
            return len(self._heap)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Invoker:
    """Runs invocations of every kind and applies Lambda's async failure handling."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.scheduler = Scheduler(ASYNC_WORKERS)
        self._inflight = 0
        self._lock = threading.Lock()

    def check(self, function: str) -> None:
        """DryRun: raise FunctionNotFoundError unless the function exists and can run."""
        self.engine.spec(function)

    # -- synchronous ------------------------------------------------------------------------
    def invoke(
        self,
        function: str,
        payload: bytes,
        context: trace.TraceContext | None = None,
        wait: bool = True,
        source: str = "invoke",
    ) -> InvocationResult:
        """Run the function now and return its result (errors are results, not exceptions)."""
        spec = self.engine.spec(function)
        request_id = str(uuid.uuid4())
        hop_id = trace.new_hop_id()
        context = context or trace.current() or trace.TraceContext(trace.new_root())
        worker_context = trace.TraceContext(context.root, hop_id)
        started = time.time()
        try:
            result = self.engine.executor.invoke(
                spec, payload, request_id, worker_context.header(), wait=wait
            )
        except ThrottledError:
            self.engine.traces.record(
                "invoke",
                "lambda",
                spec.name,
                context=context,
                outcome="throttled",
                hop_id=hop_id,
                at=started,
                source=source,
                request_id=request_id,
            )
            raise
        self.engine.logs.write(spec, result)
        self.engine.traces.record(
            "invoke",
            "lambda",
            spec.name,
            context=context,
            outcome="error" if result.failed else "ok",
            duration_ms=result.duration_ms,
            hop_id=hop_id,
            at=started,
            source=source,
            request_id=request_id,
            error=(result.error or {}).get("errorMessage"),
            error_type=(result.error or {}).get("errorType"),
        )
        return result

    # -- asynchronous -----------------------------------------------------------------------
    def invoke_async(
        self, function: str, payload: bytes, context: trace.TraceContext | None = None
    ) -> str:
        """Queue an event for the function (checked to exist now) and return its request id."""
        spec = self.engine.spec(function)
        event = AsyncEvent(
            function_arn=spec.arn,
            payload=payload,
            request_id=str(uuid.uuid4()),
            context=context or trace.current() or trace.TraceContext(trace.new_root()),
            received=time.time(),
        )
        event.context = self.engine.traces.record(
            "enqueue", "lambda", spec.name, context=event.context, request_id=event.request_id
        )
        with self._lock:
            self._inflight += 1
        self.scheduler.soon(lambda: self._attempt(event))
        return event.request_id

    def idle(self) -> bool:
        """True when no async event is queued, waiting for a retry or running."""
        with self._lock:
            return self._inflight == 0

    def _attempt(self, event: AsyncEvent) -> None:
        try:
            self._run_attempt(event)
        except Exception:
            # An engine fault must not lose the event: it counts as a failed attempt, so the
            # retry policy still bounds it and the event ends in failure handling.
            log.exception("async invocation %s failed inside the engine", event.request_id)
            event.attempts += 1
            self._settle(event, None, "EngineError")

    def _run_attempt(self, event: AsyncEvent) -> None:
        try:
            spec = self.engine.spec(event.function_arn)
        except Exception:
            self._finish(event)  # the function was deleted: nothing left to run or report to
            return
        config = self.engine.event_invoke_config(spec.name)
        max_age = config.get("MaximumEventAgeInSeconds", 21600)
        if time.time() - event.received > max_age:
            self._fail(event, None, "EventAgeExceeded")
            return
        if spec.reserved_concurrency == 0:
            self._fail(event, None, "ZeroReservedConcurrency")
            return
        event.attempts += 1
        try:
            result = self.invoke(event.function_arn, event.payload, event.context, source="async")
        except ThrottledError:
            # Throttled events are retried for up to the maximum event age, without using up
            # an attempt (as on AWS).
            event.attempts -= 1
            self.scheduler.at(time.monotonic() + 0.5, lambda: self._attempt(event))
            return
        self._settle(event, result, None)

    def _settle(
        self, event: AsyncEvent, result: InvocationResult | None, fault: str | None
    ) -> None:
        if result is not None and not result.failed:
            self._succeed(event, result)
            return
        config = self.engine.event_invoke_config(self.engine.name_of(event.function_arn))
        retries = config.get("MaximumRetryAttempts", 2)
        if event.attempts <= retries:
            delay = RETRY_DELAYS[min(event.attempts - 1, len(RETRY_DELAYS) - 1)]
            self.engine.traces.record(
                "retry",
                "lambda",
                event.function_arn.split(":")[6],
                context=event.context,
                outcome="retry",
                attempt=event.attempts + 1,
                delay_s=delay,
            )
            self.scheduler.at(time.monotonic() + delay, lambda: self._attempt(event))
            return
        self._fail(event, result, fault or "RetriesExhausted")

    def _succeed(self, event: AsyncEvent, result: InvocationResult) -> None:
        config = self.engine.event_invoke_config(self.engine.name_of(event.function_arn))
        target = config.get("DestinationConfig", {}).get("OnSuccess", {}).get("Destination")
        if target:
            self._send(event, target, self._record(event, result, "Success"), "destination")
        self._finish(event)

    def _fail(self, event: AsyncEvent, result: InvocationResult | None, condition: str) -> None:
        name = self.engine.name_of(event.function_arn)
        config = self.engine.event_invoke_config(name)
        target = config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        dlq = self.engine.dead_letter_target(name)
        if target:
            self._send(event, target, self._record(event, result, condition), "destination")
        elif dlq:
            error = (result.error or {}) if result else {}
            message = Message(
                body=event.payload.decode(),
                attributes={
                    "RequestID": event.request_id,
                    "ErrorCode": "200",
                    "ErrorMessage": error.get("errorMessage", condition)[:1000],
                },
            )
            self._deliver(event, dlq, message, "dlq")
        else:
            self.engine.traces.record(
                "drop",
                "lambda",
                name,
                context=event.context,
                outcome="error",
                reason=f"{condition}; the function has no on-failure destination or DLQ",
            )
        self._finish(event)

    def _record(self, event: AsyncEvent, result: InvocationResult | None, condition: str) -> str:
        try:
            request_payload: Any = json.loads(event.payload or b"{}")
        except ValueError:
            request_payload = event.payload.decode(errors="replace")
        record: dict[str, Any] = {
            "version": "1.0",
            "timestamp": _now_iso(),
            "requestContext": {
                "requestId": event.request_id,
                "functionArn": f"{event.function_arn}:$LATEST",
                "condition": condition,
                "approximateInvokeCount": event.attempts,
            },
            "requestPayload": request_payload,
        }
        if result is not None:
            record["responseContext"] = {"statusCode": 200, "executedVersion": "$LATEST"}
            if result.failed:
                record["responseContext"]["functionError"] = "Unhandled"
            try:
                record["responsePayload"] = json.loads(result.payload or b"null")
            except ValueError:
                record["responsePayload"] = result.payload.decode(errors="replace")
        return json.dumps(record)

    def _send(self, event: AsyncEvent, target: str, body: str, kind: str) -> None:
        self._deliver(event, target, Message(body=body), kind)

    def _deliver(self, event: AsyncEvent, target: str, message: Message, kind: str) -> None:
        context = self.engine.traces.record(
            kind,
            target.split(":")[2],
            target,
            context=event.context,
            outcome="error" if kind == "dlq" else "ok",
        )
        try:
            self.engine.senders.send(target, message, context)
        except DeliveryError as exc:
            self.engine.traces.record(
                "drop",
                target.split(":")[2],
                target,
                context=context,
                outcome="error",
                reason=f"{exc.code}: {exc}",
            )

    def _finish(self, event: AsyncEvent) -> None:
        with self._lock:
            self._inflight -= 1

    def close(self) -> None:
        self.scheduler.close()
