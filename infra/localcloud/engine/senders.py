"""Deliveries to an ARN: one sender per target service, looked up in a registry.

Destinations, dead-letter queues, SNS subscriptions and EventBridge targets all end here, so a
new target kind is one class, not another branch in every caller.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from localcloud import trace
from localcloud.emulator import backends
from localcloud.engine.errors import DeliveryError

if TYPE_CHECKING:
    from localcloud.engine import Engine


@dataclass
class Message:
    """What is delivered: a body and the optional fields some targets understand."""

    body: str
    attributes: dict[str, str] = field(default_factory=dict)
    subject: str | None = None
    group_id: str | None = None
    deduplication_id: str | None = None


class Sender(ABC):
    """Delivers a message to resources of one service."""

    service: ClassVar[str]

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @abstractmethod
    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        """Deliver or raise DeliveryError (``retriable`` False for errors no retry can fix)."""


class SqsSender(Sender):
    service = "sqs"

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        _, region, account, name = backends.parse_arn(arn)
        sqs = backends.sqs_backend(region, account)
        attributes = {
            key: {"DataType": "String", "StringValue": value}
            for key, value in message.attributes.items()
        }
        try:
            sqs.get_queue(name)
            sqs.send_message(
                name,
                message.body,
                message_attributes=attributes or None,
                group_id=message.group_id,
                deduplication_id=message.deduplication_id,
                system_attributes={
                    "AWSTraceHeader": {"DataType": "String", "StringValue": context.header()}
                },
                validate_group_id=False,
            )
        except Exception as exc:  # moto raises its own RESTError subclasses
            code = getattr(exc, "code", None) or type(exc).__name__
            retriable = "NonExistent" not in str(code) and "NotFound" not in str(code)
            raise DeliveryError(str(code), f"SQS {name}: {exc}", retriable=retriable) from exc


class SnsSender(Sender):
    service = "sns"

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        _, region, account, _ = backends.parse_arn(arn)
        sns = backends.sns_backend(region, account)
        attributes = {k: {"Type": "String", "Value": v} for k, v in message.attributes.items()}
        try:
            with trace.activate(context):
                sns.publish(
                    message.body,
                    arn=arn,
                    subject=message.subject,
                    message_attributes=attributes,
                    group_id=message.group_id,
                    deduplication_id=message.deduplication_id,
                )
        except Exception as exc:
            code = getattr(exc, "code", None) or type(exc).__name__
            raise DeliveryError(str(code), f"SNS {arn}: {exc}", retriable=False) from exc


class LambdaSender(Sender):
    service = "lambda"

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        self.engine.invoker.invoke_async(arn, message.body.encode(), context)


class EventBusSender(Sender):
    service = "events"

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        _, region, account, resource = backends.parse_arn(arn)
        if not resource.startswith("event-bus/"):
            raise DeliveryError("InvalidTarget", f"not an event bus: {arn}", retriable=False)
        try:
            event = json.loads(message.body)
        except ValueError as exc:
            raise DeliveryError("InvalidInput", "event is not JSON", retriable=False) from exc
        self.engine.router.forward(region, account, resource.split("/", 1)[1], event, context)


class Senders:
    """The registry: a sender per service, picked by the target ARN."""

    kinds: ClassVar[tuple[type[Sender], ...]] = (SqsSender, SnsSender, LambdaSender, EventBusSender)

    def __init__(self, engine: Engine) -> None:
        self._by_service = {kind.service: kind(engine) for kind in self.kinds}

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        try:
            service = backends.parse_arn(arn)[0]
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
