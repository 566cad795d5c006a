"""Invocations: synchronous (RequestResponse, DryRun) and asynchronous (Event).

Asynchronous invocations go to an internal queue. A function error is retried per the function's
``MaximumRetryAttempts`` (default 2) after a backoff; an event older than
``MaximumEventAgeInSeconds`` is dropped to failure handling. When retries run out the event goes
to the on-failure destination as an invocation record, or else to the function's dead-letter
queue; a success goes to the on-success destination. AWS waits about 1 and 2 minutes between
attempts; locally the delays default to 1 and 2 seconds (settings: LOCALCLOUD_ASYNC_RETRY_DELAYS).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from localcloud import ids, trace
from localcloud.arns import function_name, service_of
from localcloud.engine import shapes
from localcloud.engine.errors import DeliveryError, FunctionNotFoundError, ThrottledError
from localcloud.engine.executor import FunctionSpec, InvocationResult
from localcloud.engine.logs import LogWriter
from localcloud.engine.scheduler import Scheduler
from localcloud.engine.senders import Deliver, Message
from localcloud.trace import HopKind, Outcome, TraceStore

log = logging.getLogger(__name__)


class Catalog(Protocol):
    """What the invoker asks about functions (engine/catalog.py answers)."""

    def spec(self, name_or_arn: str) -> FunctionSpec: ...

    def event_invoke_config(self, name_or_arn: str) -> Mapping[str, Any]: ...

    def dead_letter_target(self, name_or_arn: str) -> str | None: ...


class Runner(Protocol):
    """Runs an invocation in an execution environment (engine/executor.py)."""

    def invoke(
        self,
        spec: FunctionSpec,
        payload: bytes,
        request_id: str,
        trace_header: str = "",
        wait: bool = True,
    ) -> InvocationResult: ...


@dataclass
class AsyncEvent:
    """One event on a function's internal queue."""

    function_arn: str
    payload: bytes
    request_id: str
    context: trace.TraceContext
    received: float
    attempts: int = 0


class Invoker:
    """Runs invocations of every kind and applies Lambda's async failure handling."""

    def __init__(
        self,
        catalog: Catalog,
        runner: Runner,
        logs: LogWriter,
        deliver: Deliver,
        scheduler: Scheduler,
        traces: TraceStore,
        retry_delays: tuple[float, ...],
    ) -> None:
        self.catalog = catalog
        self.runner = runner
        self.logs = logs
        self.deliver = deliver
        self.scheduler = scheduler
        self.traces = traces
        self.retry_delays = retry_delays
        self._inflight = 0
        self._lock = threading.Lock()

    def check(self, function: str) -> None:
        """DryRun: raise FunctionNotFoundError unless the function exists and can run."""
        self.catalog.spec(function)

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
        spec = self.catalog.spec(function)
        request_id = ids.request_id()
        hop_id = trace.new_hop_id()
        context = context or trace.current() or trace.TraceContext(trace.new_root())
        worker_context = trace.TraceContext(context.root, hop_id)
        started = time.time()
        try:
            result = self.runner.invoke(
                spec, payload, request_id, worker_context.header(), wait=wait
            )
        except ThrottledError:
            self.traces.record(
                HopKind.INVOKE,
                "lambda",
                spec.name,
                context=context,
                outcome=Outcome.THROTTLED,
                hop_id=hop_id,
                at=started,
                source=source,
                request_id=request_id,
            )
            raise
        result.executed_version = spec.version
        with trace.activate(worker_context):  # what the log lines cause (subscriptions) hangs here
            self.logs.write(spec, result)
        self.traces.record(
            HopKind.INVOKE,
            "lambda",
            spec.name,
            context=context,
            outcome=Outcome.ERROR if result.failed else Outcome.OK,
            duration_ms=result.duration_ms,
            hop_id=hop_id,
            at=started,
            source=source,
            request_id=request_id,
            # The version that ran (an alias with weighted routing may run either of two).
            version=None if spec.version == "$LATEST" else spec.version,
            error=(result.error or {}).get("errorMessage"),
            error_type=(result.error or {}).get("errorType"),
        )
        return result

    # -- asynchronous -----------------------------------------------------------------------
    def invoke_async(
        self, function: str, payload: bytes, context: trace.TraceContext | None = None
    ) -> str:
        """Queue an event for the function (checked to exist now) and return its request id."""
        spec = self.catalog.spec(function)
        event = AsyncEvent(
            # The version named (an alias resolved now), so later attempts run that version.
            function_arn=spec.qualified_arn,
            payload=payload,
            request_id=ids.request_id(),
            context=context or trace.current() or trace.TraceContext(trace.new_root()),
            received=time.time(),
        )
        event.context = self.traces.record(
            HopKind.ENQUEUE,
            "lambda",
            spec.name,
            context=event.context,
            request_id=event.request_id,
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
            spec = self.catalog.spec(event.function_arn)
        except FunctionNotFoundError:
            # The function was deleted while the event waited: nothing is left to run it.
            self.traces.record(
                HopKind.DROP,
                "lambda",
                function_name(event.function_arn),
                context=event.context,
                outcome=Outcome.ERROR,
                reason="the function was deleted before the event could run",
            )
            self._finish(event)
            return
        config = self.catalog.event_invoke_config(spec.name)
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
            self.scheduler.later(0.5, lambda: self._attempt(event))
            return
        self._settle(event, result, None)

    def _settle(
        self, event: AsyncEvent, result: InvocationResult | None, fault: str | None
    ) -> None:
        if result is not None and not result.failed:
            self._succeed(event, result)
            return
        name = function_name(event.function_arn)
        retries = self.catalog.event_invoke_config(name).get("MaximumRetryAttempts", 2)
        if event.attempts <= retries:
            delays = self.retry_delays
            delay = delays[min(event.attempts - 1, len(delays) - 1)]
            self.traces.record(
                HopKind.RETRY,
                "lambda",
                name,
                context=event.context,
                outcome=Outcome.RETRY,
                attempt=event.attempts + 1,
                delay_s=delay,
            )
            self.scheduler.later(delay, lambda: self._attempt(event))
            return
        self._fail(event, result, fault or "RetriesExhausted")

    def _succeed(self, event: AsyncEvent, result: InvocationResult) -> None:
        config = self.catalog.event_invoke_config(function_name(event.function_arn))
        target = config.get("DestinationConfig", {}).get("OnSuccess", {}).get("Destination")
        if target:
            self._send_record(event, target, result, "Success")
        self._finish(event)

    def _fail(self, event: AsyncEvent, result: InvocationResult | None, condition: str) -> None:
        name = function_name(event.function_arn)
        config = self.catalog.event_invoke_config(name)
        target = config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        dlq = self.catalog.dead_letter_target(name)
        if target:
            self._send_record(event, target, result, condition)
        elif dlq:
            error = (result.error or {}) if result else {}
            message = Message(
                body=event.payload.decode(),
                attributes=shapes.lambda_dead_letter_attributes(
                    event.request_id, error.get("errorMessage", condition)
                ),
            )
            self._deliver(event, dlq, message, HopKind.DLQ)
        else:
            self.traces.record(
                HopKind.DROP,
                "lambda",
                name,
                context=event.context,
                outcome=Outcome.ERROR,
                reason=f"{condition}; the function has no on-failure destination or DLQ",
            )
        self._finish(event)

    def _send_record(
        self, event: AsyncEvent, target: str, result: InvocationResult | None, condition: str
    ) -> None:
        record = shapes.invocation_record(
            request_id=event.request_id,
            function_arn=event.function_arn,
            condition=condition,
            attempts=event.attempts,
            request_payload=event.payload,
            response=(result.failed, result.payload) if result is not None else None,
            timestamp=time.time(),
        )
        self._deliver(event, target, Message(body=json.dumps(record)), HopKind.DESTINATION)

    def _deliver(self, event: AsyncEvent, target: str, message: Message, kind: HopKind) -> None:
        service = service_of(target)
        context = self.traces.record(
            kind,
            service,
            target,
            context=event.context,
            outcome=Outcome.ERROR if kind == HopKind.DLQ else Outcome.OK,
        )
        try:
            self.deliver.send(target, message, context)
        except DeliveryError as exc:
            self.traces.record(
                HopKind.DROP,
                service,
                target,
                context=context,
                outcome=Outcome.ERROR,
                reason=f"{exc.code}: {exc}",
            )

    def _finish(self, event: AsyncEvent) -> None:
        with self._lock:
            self._inflight -= 1
