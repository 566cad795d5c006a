"""SQS event source mappings, with Lambda's SQS semantics.

A received batch stays in the queue, hidden for the queue's visibility timeout. Success deletes
the batch; a function error leaves every message to come back after the timeout, and the queue's
own redrive policy moves a message to its DLQ once it has been received maxReceiveCount times.
With ``ReportBatchItemFailures`` only the reported messages stay. FIFO order per message group
comes from the queue: a group with messages in flight is not handed out again. Records that
match none of the mapping's filters are deleted without an invocation.

The source blocks on the queue's own condition variable (emulator/sqs_queues.py), so a message
sent to an idle queue is picked up at once, with no polling sleep.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from dataclasses import dataclass

from localcloud import trace
from localcloud.arns import function_name, parse_arn
from localcloud.emulator import backends
from localcloud.emulator.backends import ServiceError
from localcloud.emulator.views import MappingView, QueuedMessage
from localcloud.engine import shapes
from localcloud.engine.errors import EngineError, ThrottledError
from localcloud.engine.executor import InvocationResult
from localcloud.engine.sources.base import EventSource, SourceContext, register
from localcloud.routing.patterns import EventPattern, compile_filter_criteria
from localcloud.trace import HopKind, Outcome

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 5  # Lambda starts SQS mappings at five concurrent batches
# A batch thread with nothing to run for this long ends (a busy mapping keeps its threads).
BATCH_THREAD_IDLE_S = 5.0


@dataclass
class Batch:
    """Received messages on their way to one invocation, each with its trace context."""

    messages: list[QueuedMessage]
    contexts: dict[str, trace.TraceContext]


@register
class SqsSource(EventSource):
    """Delivers the messages of one queue to one function."""

    service = "sqs"

    def __init__(self, mapping: MappingView, context: SourceContext) -> None:
        super().__init__(mapping, context)
        self.queue_arn = mapping.source_arn
        arn = parse_arn(self.queue_arn)
        self.region, self.queue_name = arn.region, arn.resource
        self.function_arn = mapping.function_arn
        self.function = function_name(mapping.function_arn)
        self._stop = threading.Event()
        # Received batches for the batch threads; _idle counts the threads waiting for one
        # that no batch handed over has claimed yet.
        self._batches: queue.SimpleQueue[tuple[list[QueuedMessage], threading.BoundedSemaphore]] = (
            queue.SimpleQueue()
        )
        self._idle = 0
        self._idle_lock = threading.Lock()
        self._configure(mapping)
        self._thread = threading.Thread(
            target=self._run, name=f"localcloud-esm-{self.queue_name}", daemon=True
        )

    def _configure(self, mapping: MappingView) -> None:
        self.mapping = mapping
        self.filters: list[EventPattern] = [
            compile_filter_criteria(p) for p in mapping.filter_patterns
        ]
        wanted = mapping.maximum_concurrency or DEFAULT_CONCURRENCY
        # Never hold more batches than the function can run at once: a received batch that
        # waits for an environment burns its visibility timeout and comes back as a duplicate.
        limit = self.context.catalog.concurrency(self.function_arn)
        self.concurrency = max(1, min(wanted, limit))
        self._slots = threading.BoundedSemaphore(self.concurrency)

    # -- EventSource ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def update(self, mapping: MappingView) -> None:
        self._configure(mapping)

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    # -- polling ----------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.mapping.enabled:
                self._stop.wait(0.1)
                continue
            slots = self._slots
            if not slots.acquire(timeout=0.5):
                continue
            try:
                messages = self._receive()
            except Exception as exc:  # the queue was deleted, or moto refused: retry later
                log.warning("event source mapping %s: cannot receive: %s", self.mapping.uuid, exc)
                slots.release()
                self._stop.wait(1.0)
                continue
            if not messages:
                slots.release()
                continue
            if self._stop.is_set() or not self.mapping.enabled:
                self._release(messages)
                slots.release()
                continue
            self._hand_over(messages, slots)

    # -- batch threads ------------------------------------------------------------------------
    def _hand_over(self, messages: list[QueuedMessage], slots: threading.BoundedSemaphore) -> None:
        """Run a batch on an idle batch thread of this mapping, or on a new one: a batch never
        waits behind other work (it would burn its visibility timeout and come back as a
        duplicate), and threads are not started and ended for every batch."""
        with self._idle_lock:
            claimed = self._idle > 0
            if claimed:
                self._idle -= 1
        self._batches.put((messages, slots))
        if not claimed:
            threading.Thread(
                target=self._work, name=f"{self._thread.name}-batch", daemon=True
            ).start()

    def _work(self) -> None:
        """A batch thread: runs batches, and ends once idle for BATCH_THREAD_IDLE_S."""
        while True:
            try:
                messages, slots = self._batches.get(timeout=BATCH_THREAD_IDLE_S)
            except queue.Empty:
                with self._idle_lock:
                    # Leave only while another idle thread is left for every batch handed
                    # over; otherwise a batch is on its way to this one.
                    if self._idle > 0:
                        self._idle -= 1
                        return
                continue
            self._process(messages, slots)
            with self._idle_lock:
                self._idle += 1

    def _receive(self) -> list[QueuedMessage]:
        """One batch: a long-polled receive, topped up for the mapping's batching window."""
        size = self.mapping.batch_size
        visibility = backends.visibility_timeout(self.queue_arn)
        messages = backends.receive(self.queue_arn, size, 1.0, visibility)
        window = self.mapping.batching_window_s
        if messages and window and len(messages) < size:
            deadline = time.monotonic() + window
            while len(messages) < size and not self._stop.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                messages += backends.receive(
                    self.queue_arn, size - len(messages), remaining, visibility
                )
        return messages

    def _release(self, messages: list[QueuedMessage]) -> None:
        for message in messages:
            try:
                backends.release_message(self.queue_arn, message.receipt_handle)
            except ServiceError as exc:
                log.debug("could not return message %s: %s", message.id, exc)

    def _delete(self, messages: list[QueuedMessage]) -> None:
        if not messages:
            return
        try:
            refused = backends.delete_messages(
                self.queue_arn, [message.receipt_handle for message in messages]
            )
        except ServiceError as gone:  # the queue itself
            refused = [gone]
        for error in refused:
            log.debug("could not delete a message of %s: %s", self.queue_name, error)

    # -- delivery ---------------------------------------------------------------------------
    def _process(self, messages: list[QueuedMessage], slots: threading.BoundedSemaphore) -> None:
        try:
            batch = self._filter(messages)
            if batch.messages:
                result = self._invoke(batch)
                if result is not None:
                    self._settle(batch, result)
        except Exception:
            log.exception(
                "event source mapping %s failed a batch; it stays in the queue", self.mapping.uuid
            )
        finally:
            slots.release()

    def _filter(self, messages: list[QueuedMessage]) -> Batch:
        """The messages the mapping's filters keep; the others are deleted unseen."""
        contexts = {
            m.id: trace.TraceContext.parse(m.trace_header) or trace.TraceContext(trace.new_root())
            for m in messages
        }
        if not self.filters:
            return Batch(messages, contexts)
        kept: list[QueuedMessage] = []
        dropped: list[QueuedMessage] = []
        for message in messages:
            record = shapes.sqs_record(message, self.queue_arn, self.region)
            matched = any(f.matches(record) for f in self.filters)
            (kept if matched else dropped).append(message)
        for message in dropped:
            self.context.traces.record(
                HopKind.FILTER,
                "lambda",
                self.function,
                context=contexts[message.id],
                outcome=Outcome.MISS,
                mapping=self.mapping.uuid,
                message_id=message.id,
            )
        self._delete(dropped)
        return Batch(kept, contexts)

    def _invoke(self, batch: Batch) -> InvocationResult | None:
        """Run the function on the batch; None when it could not run (the batch comes back)."""
        traces = self.context.traces
        for message in batch.messages:
            batch.contexts[message.id] = traces.record(
                HopKind.RECEIVE,
                "sqs",
                self.queue_name,
                context=batch.contexts[message.id],
                message_id=message.id,
                receive_count=message.receive_count,
                batch_size=len(batch.messages),
            )
        records = [shapes.sqs_record(m, self.queue_arn, self.region) for m in batch.messages]
        payload = json.dumps({"Records": records}).encode()
        first = batch.messages[0]
        try:
            result = self.context.invoker.invoke(
                self.function_arn, payload, batch.contexts[first.id], source="sqs"
            )
        except ThrottledError:
            return None  # the batch comes back after the visibility timeout
        except EngineError as exc:
            log.warning("event source mapping %s: %s", self.mapping.uuid, exc)
            return None
        if self.stopped:
            return None  # the mapping went away: the batch comes back to whoever reads next
        for message in batch.messages[1:]:
            traces.record(
                HopKind.INVOKE,
                "lambda",
                self.function,
                context=batch.contexts[message.id],
                outcome=Outcome.ERROR if result.failed else Outcome.OK,
                duration_ms=result.duration_ms,
                request_id=result.request_id,
                source="sqs",
                batched_with=first.id,
            )
        return result

    def _settle(self, batch: Batch, result: InvocationResult) -> None:
        """Delete what succeeded; what failed stays for the visibility timeout to return it."""
        if result.failed:
            return
        failed: set[str] = set()
        if self.mapping.report_batch_item_failures:
            reported = shapes.batch_failures(result.payload, {m.id for m in batch.messages})
            if reported is None:
                reason = "invalid batchItemFailures response: the whole batch is retried"
                self._kept(batch, batch.messages, reason)
                return
            failed = reported
        self._kept(
            batch,
            [m for m in batch.messages if m.id in failed],
            "reported in batchItemFailures: retried after the visibility timeout",
        )
        self._delete([m for m in batch.messages if m.id not in failed])

    def _kept(self, batch: Batch, messages: list[QueuedMessage], reason: str) -> None:
        for message in messages:
            self.context.traces.record(
                HopKind.BATCH,
                "lambda",
                self.function,
                context=batch.contexts[message.id],
                outcome=Outcome.ERROR,
                reason=reason,
            )
