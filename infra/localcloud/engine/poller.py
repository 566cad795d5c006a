"""SQS event source mappings: one poller per mapping, with Lambda's SQS semantics.

A received batch stays in the queue, hidden for the queue's visibility timeout. Success deletes
the batch; a function error leaves every message to come back after the timeout, and the queue's
own redrive policy moves a message to its DLQ once it has been received maxReceiveCount times.
With ``ReportBatchItemFailures`` only the reported messages stay. FIFO order per message group
comes from the queue: a group with messages in flight is not handed out again. Records that
match none of the mapping's filters are deleted without an invocation.

The poller blocks on the queue's own condition variable, so a message sent to an idle queue is
picked up at once, with no polling sleep.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from localcloud import trace
from localcloud.emulator import backends
from localcloud.engine.errors import EngineError, ThrottledError
from localcloud.routing.patterns import EventPattern, compile_filter_criteria

if TYPE_CHECKING:
    from localcloud.engine import Engine

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 5  # Lambda starts SQS mappings at five concurrent batches


def sqs_record(message: Any, queue_arn: str, region: str) -> dict[str, Any]:
    """A moto SQS message as Lambda's SQS event record."""
    attributes: dict[str, Any] = {
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": message.sender_id,
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
    }
    if message.group_id:
        attributes["MessageGroupId"] = message.group_id
    if message.deduplication_id:
        attributes["MessageDeduplicationId"] = message.deduplication_id
    if message.sequence_number:
        attributes["SequenceNumber"] = message.sequence_number
    header = trace_header(message)
    if header:
        attributes["AWSTraceHeader"] = header
    message_attributes = {}
    for name, value in (message.message_attributes or {}).items():
        item: dict[str, Any] = {
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value.get("DataType", "String"),
        }
        if "StringValue" in value:
            item["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            binary = value["BinaryValue"]
            item["binaryValue"] = (
                binary if isinstance(binary, str) else base64.b64encode(binary).decode()
            )
        message_attributes[name] = item
    record = {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.body_md5,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message_attributes:
        record["md5OfMessageAttributes"] = message.attribute_md5
    return record


def trace_header(message: Any) -> str | None:
    value = (message.system_attributes or {}).get("AWSTraceHeader")
    if isinstance(value, dict):
        return value.get("StringValue")
    return value


def batch_failures(payload: bytes, batch_ids: set[str]) -> set[str] | None:
    """The message ids a ReportBatchItemFailures response asks to retry; None: the whole batch.

    Empty or null responses and lists mean complete success. An unparseable response, a missing
    or unknown ``itemIdentifier`` or a wrong shape fails the whole batch (REFERENCE.md).
    """
    try:
        response = json.loads(payload) if payload.strip() else None
    except ValueError:
        return None
    if response is None:
        return set()
    if not isinstance(response, dict):
        return None
    failures = response.get("batchItemFailures")
    if failures is None:
        return set() if "batchItemFailures" in response or not response else None
    if not isinstance(failures, list):
        return None
    ids = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in batch_ids:
            return None
        ids.add(identifier)
    return ids


class SqsPoller:
    """Delivers the messages of one queue to one function, per one event source mapping."""

    def __init__(self, engine: Engine, esm: Any) -> None:
        self.engine = engine
        self.uuid: str = esm.uuid
        self.queue_arn: str = esm.event_source_arn
        _, self.region, self.account, self.queue_name = backends.parse_arn(self.queue_arn)
        self.function_arn: str = esm.function_arn
        self._stop = threading.Event()
        self._configure(esm)
        self._thread = threading.Thread(
            target=self._run, name=f"localcloud-esm-{self.queue_name}", daemon=True
        )
        self._thread.start()

    def _configure(self, esm: Any) -> None:
        self.enabled: bool = bool(esm.enabled)
        self.batch_size: int = int(esm.batch_size or 10)
        self.window: float = float(esm.max_batch_window or 0)
        self.report_failures = "ReportBatchItemFailures" in (esm.function_response_types or [])
        filters = (esm.filter_criteria or {}).get("Filters") or []
        self.filters: list[EventPattern] = [compile_filter_criteria(f["Pattern"]) for f in filters]
        maximum = (esm.scaling_config or {}).get("MaximumConcurrency")
        wanted = int(maximum) if maximum else DEFAULT_CONCURRENCY
        # Never hold more batches than the function can run at once: a received batch that
        # waits for an environment burns its visibility timeout and comes back as a duplicate.
        self.concurrency = max(1, min(wanted, self.engine.function_concurrency(self.function_arn)))
        self._slots = threading.BoundedSemaphore(self.concurrency)

    def update(self, esm: Any) -> None:
        self._configure(esm)

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.enabled:
                self._stop.wait(0.1)
                continue
            slots = self._slots
            if not slots.acquire(timeout=0.5):
                continue
            try:
                messages = self._receive()
            except Exception as exc:  # the queue was deleted, or moto refused: retry later
                log.warning("event source mapping %s: cannot receive: %s", self.uuid, exc)
                slots.release()
                self._stop.wait(1.0)
                continue
            if not messages:
                slots.release()
                continue
            if self._stop.is_set() or not self.enabled:
                self._return(messages)
                slots.release()
                continue
            # Each batch gets its own thread: waiting behind other work in a shared pool would
            # burn its visibility timeout, and the batch would come back as a duplicate.
            threading.Thread(
                target=self._process,
                args=(messages, slots),
                name=f"{self._thread.name}-batch",
                daemon=True,
            ).start()

    def _receive(self) -> list[Any]:
        sqs = backends.sqs_backend(self.region, self.account)
        queue = sqs.get_queue(self.queue_name)
        visibility = int(queue.visibility_timeout)
        messages: list[Any] = self._poll(sqs, self.batch_size, visibility, 1.0)
        if messages and self.window and len(messages) < self.batch_size:
            deadline = time.monotonic() + self.window
            while len(messages) < self.batch_size and not self._stop.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                more = self._poll(sqs, self.batch_size - len(messages), visibility, remaining)
                messages.extend(more)
        return messages

    def _poll(self, sqs: Any, count: int, visibility: int, wait_s: float) -> list[Any]:
        """One long-polled receive, with every message attribute (moto drops those not asked for).

        The queue's store wakes it as soon as a message arrives or a hidden one becomes visible.
        """
        return list(sqs.receive_message(self.queue_name, count, wait_s, visibility, ["All"]))

    def _return(self, messages: list[Any]) -> None:
        sqs = backends.sqs_backend(self.region, self.account)
        for message in messages:
            try:
                sqs.change_message_visibility(self.queue_name, message.receipt_handle, 0)
            except Exception as exc:
                log.debug("could not return message %s: %s", message.id, exc)

    def _delete(self, messages: list[Any]) -> None:
        sqs = backends.sqs_backend(self.region, self.account)
        for message in messages:
            try:
                sqs.delete_message(self.queue_name, message.receipt_handle)
            except Exception as exc:
                log.debug("could not delete message %s: %s", message.id, exc)

    def _process(self, messages: list[Any], slots: threading.BoundedSemaphore) -> None:
        try:
            self._deliver(messages)
        except Exception:
            log.exception(
                "event source mapping %s failed a batch; it stays in the queue", self.uuid
            )
        finally:
            slots.release()

    def _deliver(self, messages: list[Any]) -> None:
        traces = self.engine.traces
        name = self.function_arn.split(":")[6]
        records = [sqs_record(m, self.queue_arn, self.region) for m in messages]
        contexts = {
            m.id: trace.TraceContext.parse(trace_header(m)) or trace.TraceContext(trace.new_root())
            for m in messages
        }
        if self.filters:
            kept = [r for r in records if any(f.matches(r) for f in self.filters)]
            dropped = [m for m, r in zip(messages, records, strict=True) if r not in kept]
            for message in dropped:
                traces.record(
                    "filter",
                    "lambda",
                    name,
                    context=contexts[message.id],
                    outcome="miss",
                    mapping=self.uuid,
                    message_id=message.id,
                )
            self._delete(dropped)
            messages = [m for m, r in zip(messages, records, strict=True) if r in kept]
            records = kept
            if not records:
                return
        for message in messages:
            contexts[message.id] = traces.record(
                "receive",
                "sqs",
                self.queue_name,
                context=contexts[message.id],
                message_id=message.id,
                receive_count=message.approximate_receive_count,
                batch_size=len(messages),
            )
        payload = json.dumps({"Records": records}).encode()
        first = contexts[messages[0].id]
        try:
            result = self.engine.invoker.invoke(self.function_arn, payload, first, source="sqs")
        except ThrottledError:
            return  # the batch comes back after the visibility timeout
        except EngineError as exc:
            log.warning("event source mapping %s: %s", self.uuid, exc)
            return
        if self.stopped:
            return
        for message in messages[1:]:
            traces.record(
                "invoke",
                "lambda",
                name,
                context=contexts[message.id],
                outcome="error" if result.failed else "ok",
                duration_ms=result.duration_ms,
                request_id=result.request_id,
                source="sqs",
                batched_with=messages[0].id,
            )
        if result.failed:
            return
        failed: set[str] = set()
        if self.report_failures:
            reported = batch_failures(result.payload, {m.id for m in messages})
            if reported is None:
                for message in messages:
                    traces.record(
                        "batch",
                        "lambda",
                        name,
                        context=contexts[message.id],
                        outcome="error",
                        reason="invalid batchItemFailures response: the whole batch is retried",
                    )
                return
            failed = reported
        for message in messages:
            if message.id in failed:
                traces.record(
                    "batch",
                    "lambda",
                    name,
                    context=contexts[message.id],
                    outcome="error",
                    reason="reported in batchItemFailures: retried after the visibility timeout",
                )
        self._delete([m for m in messages if m.id not in failed])
