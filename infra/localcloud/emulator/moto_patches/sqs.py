"""SQS patches: queues backed by the indexed message store, the trace header kept, redrives seen.

- Every queue's messages live in a ``MessageStore`` (sqs_queues.py, sqs_store.py): no operation
  scans a queue.
- A message sent while a trace is active keeps its X-Ray header as ``AWSTraceHeader`` (AWS keeps
  the sender's header; the sources read it back).
- A message the source queue's redrive policy moves to its dead-letter queue is reported.
- A message for a standard queue without a group or deduplication id is sent by
  ``send_standard``: moto's steps for it, without building every queue attribute (three locked
  message counts among them) only to read one a standard queue never has.
"""

from __future__ import annotations

from typing import Any

from moto.sqs import models as sqs_models
from moto.sqs.exceptions import InvalidParameterValue

from localcloud import trace
from localcloud.emulator import sqs_queues
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.moto_ids import uuid4_text
from localcloud.emulator.patching import Patches
from localcloud.emulator.views import QueuedMessage


def patches(hooks: EmulatorHooks) -> list[Patches]:
    def redriven(queue: Any, message: Any) -> None:
        hooks.redriven(queue.name, QueuedMessage.from_moto(message))

    group = Patches("sqs")
    send_message = sqs_models.SQSBackend.send_message

    @group.function(sqs_models.SQSBackend, "send_message")
    def send(
        self: Any,
        queue_name: str,
        message_body: str,
        message_attributes: dict[str, Any] | None = None,
        delay_seconds: int | None = None,
        deduplication_id: str | None = None,
        group_id: str | None = None,
        system_attributes: dict[str, Any] | None = None,
        validate_group_id: bool = True,
    ) -> Any:
        context = trace.current()
        if context is not None and "AWSTraceHeader" not in (system_attributes or {}):
            system_attributes = {
                **(system_attributes or {}),
                "AWSTraceHeader": {"DataType": "String", "StringValue": context.header()},
            }
        queue = self.get_queue(queue_name)
        if queue.fifo_queue or deduplication_id is not None or group_id is not None:
            return send_message(
                self,
                queue_name,
                message_body,
                message_attributes,
                delay_seconds,
                deduplication_id,
                group_id,
                system_attributes,
                validate_group_id,
            )
        return send_standard(
            queue, message_body, message_attributes, delay_seconds, system_attributes
        )

    return [sqs_queues.patches(redriven), group]


def send_standard(
    queue: Any,
    body: str,
    message_attributes: dict[str, Any] | None,
    delay_seconds: int | None,
    system_attributes: dict[str, Any] | None,
) -> Any:
    """moto's SQSBackend.send_message for a standard queue and a message with no group or
    deduplication id: the same checks, errors, id draw and message, in the same order.

    moto reads the queue's ContentBasedDeduplication from ``Queue.attributes``, which holds it
    only for FIFO queues, and builds every other attribute to do so (half its send).
    """
    int(delay_seconds or 0)  # moto converts it (and fails on a non-number) before any check
    if len(body) > queue.maximum_message_size:
        raise InvalidParameterValue(
            "One or more parameters are invalid. Reason: Message must be shorter than "
            f"{queue.maximum_message_size} bytes."
        )
    delay = int(delay_seconds) if delay_seconds is not None else queue.delay_seconds
    message = sqs_models.Message(uuid4_text(), body, system_attributes)
    if message_attributes:
        message.message_attributes = message_attributes
    if delay > sqs_models.MAXIMUM_MESSAGE_DELAY:
        raise InvalidParameterValue(
            f"Value {delay} for parameter DelaySeconds is invalid. "
            "Reason: DelaySeconds must be >= 0 and <= 900."
        )
    message.mark_sent(delay_seconds=delay)
    queue.add_message(message)
    return message
