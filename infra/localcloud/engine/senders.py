"""Deliveries to an ARN: one sender per target service, looked up in a registry.

Destinations, dead-letter queues, SNS subscriptions and EventBridge targets all end here, so a
new target kind is one class, not another branch in every caller. Senders that need another
part of the engine take it in their constructor: ``LambdaSender(invoker)`` and
``EventBusSender(router)`` are registered once those exist (runtime.build does it).
"""

from __future__ import annotations

import json
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from localcloud import trace
from localcloud.arns import parse_arn
from localcloud.emulator import backends
from localcloud.emulator.backends import ServiceError
from localcloud.engine.errors import DeliveryError


@dataclass
class Message:
    """What is delivered: a body and the optional fields some targets understand."""

    body: str
    attributes: dict[str, str] = field(default_factory=dict)
    subject: str | None = None
    group_id: str | None = None
    deduplication_id: str | None = None


class Deliver(Protocol):
    """Delivers a message to any ARN (the registry, as its users see it)."""

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None: ...


class AsyncInvoke(Protocol):
    def invoke_async(
        self, function: str, payload: bytes, context: trace.TraceContext | None = None
    ) -> str: ...


class Forward(Protocol):
    def forward(
        self,
        region: str,
        account: str,
        bus: str,
        event: dict[str, object],
        context: trace.TraceContext,
    ) -> None: ...


class Sender(ABC):
    """Delivers a message to resources of one service."""

    service: ClassVar[str]

    @abstractmethod
    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        """Deliver or raise DeliveryError (``retriable`` False for errors no retry can fix)."""


# What SQS answers a message it will never take (a FIFO queue without a deduplication id, say):
# sending it again cannot help.
SQS_REFUSALS = frozenset({"InvalidParameterValue", "MissingParameter", "InvalidMessageContents"})


class SqsSender(Sender):
    service = "sqs"

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        try:
            backends.send_message(
                arn,
                message.body,
                attributes={
                    key: {"DataType": "String", "StringValue": value}
                    for key, value in message.attributes.items()
                },
                group_id=message.group_id,
                deduplication_id=message.deduplication_id,
                trace_header=context.header(),
            )
        except ServiceError as exc:
            name = parse_arn(arn).resource
            retriable = not exc.missing and exc.code not in SQS_REFUSALS
            raise DeliveryError(exc.code, f"SQS {name}: {exc}", retriable=retriable) from exc


class SnsSender(Sender):
    service = "sns"

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        try:
            with trace.activate(context):
                backends.publish(
                    arn,
                    message.body,
                    subject=message.subject,
                    attributes=message.attributes,
                    group_id=message.group_id,
                    deduplication_id=message.deduplication_id,
                )
        except ServiceError as exc:
            raise DeliveryError(exc.code, f"SNS {arn}: {exc}", retriable=False) from exc


class LambdaSender(Sender):
    service = "lambda"

    def __init__(self, invoker: AsyncInvoke) -> None:
        self.invoker = invoker

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        self.invoker.invoke_async(arn, message.body.encode(), context)


class EventBusSender(Sender):
    service = "events"

    def __init__(self, router: Forward) -> None:
        self.router = router

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        _, region, account, resource = parse_arn(arn)
        if not resource.startswith("event-bus/"):
            raise DeliveryError("InvalidTarget", f"not an event bus: {arn}", retriable=False)
        try:
            event = json.loads(message.body)
        except ValueError as exc:
            raise DeliveryError("InvalidInput", "event is not JSON", retriable=False) from exc
        self.router.forward(region, account, resource.split("/", 1)[1], event, context)


class LogsSender(Sender):
    """A CloudWatch Logs log group (an EventBridge target): each message in a stream of its own."""

    service = "logs"

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        try:
            backends.put_log_event(arn, str(uuid.uuid4()), message.body)
        except ServiceError as exc:
            raise DeliveryError(
                exc.code, f"CloudWatch Logs {arn}: {exc}", retriable=not exc.missing
            ) from exc


class Senders:
    """The registry: a sender per service, picked by the target ARN."""

    def __init__(self, *senders: Sender) -> None:
        self._by_service: dict[str, Sender] = {}
        for sender in senders:
            self.register(sender)

    def register(self, sender: Sender) -> None:
        self._by_service[sender.service] = sender

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        try:
            service = parse_arn(arn).service
        except ValueError as exc:
            raise DeliveryError("InvalidTarget", str(exc), retriable=False) from exc
        sender = self._by_service.get(service)
        if sender is None:
            raise DeliveryError(
                "UnsupportedTarget",
                f"the local cloud cannot deliver to {service} targets ({arn}); "
                f"supported: {', '.join(sorted(self._by_service))}",
                retriable=False,
            )
        sender.send(arn, message, context)


def send_or_record_drop(
    deliver: Deliver,
    traces: trace.TraceStore,
    dead_letter_arn: str,
    message: Message,
    context: trace.TraceContext,
    what: str,
) -> None:
    """Send ``message`` to a dead-letter queue; if the queue refuses, record the message dropped
    (``what`` says so in the trace: "the dead-letter queue refused the event", ...)."""
    try:
        deliver.send(dead_letter_arn, message, context)
    except DeliveryError as exc:
        traces.record(
            trace.HopKind.DROP,
            "sqs",
            dead_letter_arn,
            context=context,
            outcome=trace.Outcome.ERROR,
            reason=f"{what}: {exc}",
        )
