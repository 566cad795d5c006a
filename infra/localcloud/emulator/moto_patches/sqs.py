"""SQS patches: queues backed by the indexed message store, the trace header kept, redrives seen.

- Every queue's messages live in a ``MessageStore`` (sqs_queues.py, sqs_store.py): no operation
  scans a queue.
- A message sent while a trace is active keeps its X-Ray header as ``AWSTraceHeader`` (AWS keeps
  the sender's header; the sources read it back).
- A message the source queue's redrive policy moves to its dead-letter queue is reported.
"""

from __future__ import annotations

from typing import Any

from moto.sqs import models as sqs_models

from localcloud import trace
from localcloud.emulator import sqs_queues
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.emulator.views import QueuedMessage


def patches(hooks: EmulatorHooks) -> list[Patches]:
    def redriven(queue: Any, message: Any) -> None:
        hooks.redriven(queue.name, QueuedMessage.from_moto(message))

    group = Patches("sqs")
    send_message = sqs_models.SQSBackend.send_message

    @group.function(sqs_models.SQSBackend, "send_message")
    def send(self: Any, *args: Any, **kwargs: Any) -> Any:
        context = trace.current()
        attributes = kwargs.get("system_attributes") or {}
        if context is not None and "AWSTraceHeader" not in attributes:
            kwargs["system_attributes"] = {
                **attributes,
                "AWSTraceHeader": {"DataType": "String", "StringValue": context.header()},
            }
        return send_message(self, *args, **kwargs)

    return [sqs_queues.patches(redriven), group]
