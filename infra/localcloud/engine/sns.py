"""SNS deliveries to sqs and lambda subscriptions, one method per protocol.

A message whose subscription's filter policy passed arrives here from the moto seam. SQS gets
the notification envelope (or, with raw delivery, the message and its attributes), Lambda an
asynchronous invocation with the SNS event. A delivery that fails goes to the subscription's
redrive policy dead-letter queue, or is recorded as dropped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from localcloud import trace
from localcloud.emulator import backends
from localcloud.emulator.backends import ServiceError
from localcloud.emulator.views import SnsPublication, SubscriptionView
from localcloud.engine import shapes
from localcloud.engine.errors import DeliveryError, FunctionNotFoundError
from localcloud.engine.senders import AsyncInvoke, Deliver, Message, send_or_record_drop
from localcloud.trace import HopKind, Outcome, TraceStore

Notify = Callable[[SubscriptionView, SnsPublication, dict[str, Any], trace.TraceContext], None]
_json_string = json.encoder.encode_basestring_ascii  # what json.dumps writes a string as
# Each envelope key as json.dumps writes it, with its separator: an envelope has the same ten
# keys every time (a pure function's results; bounded in case a caller brings others).
_KEYS: dict[str, str] = {}
_KEYS_KEPT = 64


def envelope_text(envelope: dict[str, Any]) -> str:
    """``json.dumps(envelope)``, its string values written directly and its keys written once
    (2.3 us, not 2.6 with keys written each time, 3.4 by json.dumps: one per delivery to a
    queue)."""
    fields = []
    for key, value in envelope.items():
        name = _KEYS.get(key)
        if name is None:
            name = _json_string(key) + ": "
            if len(_KEYS) < _KEYS_KEPT:
                _KEYS[key] = name
        fields.append(name + (_json_string(value) if type(value) is str else json.dumps(value)))
    return "{" + ", ".join(fields) + "}"


class SnsDelivery:
    """Delivers published messages to the subscriptions the engine owns."""

    def __init__(
        self, invoker: AsyncInvoke, deliver: Deliver, traces: TraceStore, endpoint_url: str
    ) -> None:
        self.invoker = invoker
        self.endpoint_url = endpoint_url  # where an envelope's UnsubscribeURL points
        self.deliver = deliver
        self.traces = traces
        self.protocols: dict[str, Notify] = {"sqs": self._to_sqs, "lambda": self._to_lambda}

    def filtered(self, subscription: SubscriptionView, context: trace.TraceContext | None) -> None:
        self.traces.record(
            HopKind.FILTER,
            "sns",
            subscription.arn,
            context=context,
            outcome=Outcome.MISS,
            endpoint=subscription.endpoint,
        )

    def deliver_one(
        self,
        subscription: SubscriptionView,
        publication: SnsPublication,
        context: trace.TraceContext | None,
    ) -> None:
        """Deliver one message to a subscription (its filter policy already passed)."""
        notify = self.protocols.get(subscription.protocol)
        if notify is None:
            raise DeliveryError(
                "UnsupportedProtocol",
                f"the engine delivers to {', '.join(self.protocols)} subscriptions, not "
                f"{subscription.protocol} ({subscription.arn})",
                retriable=False,
            )
        hop = self.traces.record(
            HopKind.DELIVER,
            "sns",
            subscription.arn,
            context=context,
            endpoint=subscription.endpoint,
            protocol=subscription.protocol,
            message_id=publication.message_id,
        )
        envelope = shapes.sns_notification(
            subscription.topic_arn,
            subscription.arn,
            publication,
            time.time(),
            endpoint_url=self.endpoint_url,
        )
        try:
            notify(subscription, publication, envelope, hop)
        except (DeliveryError, FunctionNotFoundError) as exc:
            self._dead_letter(subscription, envelope, hop, str(exc))

    def _to_lambda(
        self,
        subscription: SubscriptionView,
        publication: SnsPublication,
        envelope: dict[str, Any],
        context: trace.TraceContext,
    ) -> None:
        event = shapes.sns_lambda_event(subscription.arn, envelope)
        self.invoker.invoke_async(subscription.endpoint, json.dumps(event).encode(), context)

    def _to_sqs(
        self,
        subscription: SubscriptionView,
        publication: SnsPublication,
        envelope: dict[str, Any],
        context: trace.TraceContext,
    ) -> None:
        if not subscription.raw_delivery:
            message = Message(
                envelope_text(envelope),
                group_id=publication.group_id,
                deduplication_id=publication.deduplication_id,
            )
            self.deliver.send(subscription.endpoint, message, context)
            return
        try:
            backends.send_message(
                subscription.endpoint,
                publication.message,
                attributes=shapes.sns_raw_attributes(publication.message_attributes),
                group_id=publication.group_id,
                deduplication_id=publication.deduplication_id,
                trace_header=context.header(),
            )
        except ServiceError as exc:
            raise DeliveryError(exc.code, str(exc), retriable=False) from exc

    def _dead_letter(
        self,
        subscription: SubscriptionView,
        envelope: dict[str, Any],
        context: trace.TraceContext,
        reason: str,
    ) -> None:
        target = subscription.dead_letter_target
        self.traces.record(
            HopKind.DLQ if target else HopKind.DROP,
            "sns",
            subscription.arn,
            context=context,
            outcome=Outcome.ERROR,
            reason=reason,
            dead_letter_queue=target,
        )
        if not target:
            return
        send_or_record_drop(
            self.deliver,
            self.traces,
            target,
            Message(envelope_text(envelope)),
            context,
            "the subscription's dead-letter queue refused the message",
        )
