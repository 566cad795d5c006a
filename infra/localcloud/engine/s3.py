"""S3 event notifications: configurations checked as S3 checks them, events delivered.

The moto seam reports a bucket's notification configuration when it is put (checked here first,
then answered with ``s3:TestEvent`` to its queues and topics) and every object event of a bucket
that has one. Each object event is an ``object`` hop, the root of (or, inside a handler's call,
linked to) what it causes: Lambda is invoked asynchronously through the invoker (so its retry
policy, destinations and dead-letter queue apply), queues and topics get the record document,
and a bucket with EventBridge notifications puts ``Object Created`` / ``Object Deleted`` on the
default bus, where rules match it. A destination that is gone is recorded as a drop.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid

from localcloud import trace
from localcloud.emulator import backends
from localcloud.emulator.views import S3Destination, S3NotificationConfig, S3ObjectEvent
from localcloud.engine import s3_shapes
from localcloud.engine.errors import DeliveryError, FunctionNotFoundError, S3NotificationConfigError
from localcloud.engine.eventbridge import EventRouter
from localcloud.engine.senders import AsyncInvoke, Deliver, Message
from localcloud.trace import HopKind, Outcome, TraceStore

# What the records say about who asked: local calls come from this machine.
SOURCE_IP = "127.0.0.1"


class Sequencer:
    """S3's ``sequencer``: hexadecimal, increasing with every event (so with every event of a
    key, which is what consumers compare)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def next(self) -> str:
        with self._lock:
            self._last = max(self._last + 1, time.time_ns() // 1000)
            return f"{self._last:018X}"


def _request_ids() -> tuple[str, str]:
    """(x-amz-request-id, x-amz-id-2) in S3's forms."""
    return secrets.token_hex(8).upper(), secrets.token_urlsafe(48)


class S3Notifications:
    """Checks bucket notification configurations and delivers the events they select."""

    def __init__(
        self, invoker: AsyncInvoke, deliver: Deliver, router: EventRouter, traces: TraceStore
    ) -> None:
        self.invoker = invoker
        self.deliver = deliver
        self.router = router
        self.traces = traces
        self.sequencer = Sequencer()

    # -- PutBucketNotificationConfiguration --------------------------------------------------
    def check(self, config: S3NotificationConfig) -> None:
        """Raise S3NotificationConfigError for what S3 refuses."""
        problem = s3_shapes.configuration_problem(config)
        if problem:
            raise S3NotificationConfigError(problem)
        missing = sorted(
            {d.arn for d in config.destinations if not backends.destination_exists(d.arn)}
        )
        if missing:
            raise S3NotificationConfigError(
                "Unable to validate the following destination configurations: "
                f"{', '.join(missing)} (no such queue, topic or function in this local cloud: "
                "create it before the bucket's notification configuration)"
            )

    def configured(self, config: S3NotificationConfig, context: trace.TraceContext | None) -> None:
        """Send ``s3:TestEvent`` to each queue and topic of a configuration just put."""
        targets = dict.fromkeys(d.arn for d in config.destinations if d.kind != "lambda")
        for arn in targets:
            request_id, host_id = _request_ids()
            body = s3_shapes.test_event(
                config.bucket, now=time.time(), request_id=request_id, host_id=host_id
            )
            hop = self.traces.record(
                HopKind.DELIVER, "s3", arn, context=context, event="s3:TestEvent"
            )
            self._send(arn, json.dumps(body), hop)

    # -- object events -------------------------------------------------------------------------
    def object_event(self, event: S3ObjectEvent, context: trace.TraceContext | None) -> None:
        """Deliver one object event to every configuration (and the bus) that selects it."""
        config = event.config
        destinations = s3_shapes.destinations_for(config, event.event_name, event.key)
        if not destinations and not config.event_bridge:
            return
        request_id, host_id = _request_ids()
        sequencer = self.sequencer.next()
        hop = self.traces.record(
            HopKind.OBJECT,
            "s3",
            f"{config.bucket}/{event.key}",
            context=context,
            event=event.event_name.removeprefix("s3:"),
            sequencer=sequencer,
        )
        principal = f"AWS:{config.account_id}"
        for destination in destinations:
            record = s3_shapes.record(
                event,
                configuration_id=destination.id,
                sequencer=sequencer,
                request_id=request_id,
                host_id=host_id,
                principal_id=principal,
                source_ip=SOURCE_IP,
            )
            self._to(destination, json.dumps({"Records": [record]}), hop)
        if config.event_bridge:
            bus_event = s3_shapes.eventbridge_event(
                event,
                event_id=str(uuid.uuid4()),
                sequencer=sequencer,
                request_id=request_id,
                requester=config.account_id,
                source_ip=SOURCE_IP,
            )
            if bus_event is not None:
                published = self.traces.record(
                    HopKind.PUBLISH,
                    "events",
                    "default",
                    context=hop,
                    event_id=bus_event["id"],
                    detail_type=bus_event["detail-type"],
                    source="aws.s3",
                )
                self.router.route(config.region, config.account_id, "default", bus_event, published)

    def _to(self, destination: S3Destination, body: str, context: trace.TraceContext) -> None:
        hop = self.traces.record(
            HopKind.DELIVER,
            "s3",
            destination.arn,
            context=context,
            configuration_id=destination.id,
        )
        if destination.kind == "lambda":
            try:
                self.invoker.invoke_async(destination.arn, body.encode(), hop)
            except FunctionNotFoundError as exc:
                self._drop(destination.arn, hop, str(exc))
            return
        self._send(destination.arn, body, hop)

    def _send(self, arn: str, body: str, context: trace.TraceContext) -> None:
        try:
            self.deliver.send(arn, Message(body), context)
        except DeliveryError as exc:
            self._drop(arn, context, str(exc))

    def _drop(self, arn: str, context: trace.TraceContext, reason: str) -> None:
        self.traces.record(
            HopKind.DROP,
            "s3",
            arn,
            context=context,
            outcome=Outcome.ERROR,
            reason=f"the bucket's notification destination refused the event: {reason}",
        )
