"""Publishes domain events through an injected boto3 client, in batches of at most ten.

``Publisher`` holds the policy (chunking, failure reporting); a variant supplies one hook,
``_send_batch``, that sends one chunk and returns the events the service refused. Botocore's own
retries cover throttling and transport errors, so there is no retry loop here: refused entries
raise ``PublishError`` and the caller's retry policy (Lambda, SQS redrive) decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, ClassVar

from shared.contracts import DomainEvent
from shared.errors import PublishError

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sns.type_defs import PublishBatchRequestEntryTypeDef

MAX_BATCH = 10  # both PutEvents and PublishBatch take at most ten entries per call


def chunks[T](items: Sequence[T], size: int = MAX_BATCH) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def event_type_of(event: DomainEvent) -> str:
    """The name consumers route on: ``detail-type`` on the bus, ``event_type`` on SNS."""
    return type(event).__name__


class Publisher:
    """Publishes events in batches; subclasses implement ``_send_batch`` for one destination."""

    destination_kind: ClassVar[str] = "destination"

    def __init__(self, destination: str) -> None:
        self.destination = destination

    def publish(self, events: Iterable[DomainEvent]) -> int:
        """Publish every event; returns how many were accepted, raises if any was refused."""
        pending = list(events)
        refused: list[str] = []
        for batch in chunks(pending):
            refused.extend(self._send_batch(batch))
        if refused:
            raise PublishError(
                f"{self.destination_kind} {self.destination} refused {len(refused)} of "
                f"{len(pending)} events: {'; '.join(refused[:5])}"
            )
        return len(pending)

    def _send_batch(self, batch: Sequence[DomainEvent]) -> list[str]:
        """Send one batch of at most ten; return one description per refused event."""
        raise NotImplementedError


class BusPublisher(Publisher):
    """Puts events on an EventBridge bus: source, detail-type = event name, detail = event JSON."""

    destination_kind = "event bus"

    def __init__(self, client: EventBridgeClient, bus_name: str, source: str) -> None:
        super().__init__(bus_name)
        self._client = client
        self.source = source

    def _send_batch(self, batch: Sequence[DomainEvent]) -> list[str]:
        entries: list[PutEventsRequestEntryTypeDef] = [
            {
                "EventBusName": self.destination,
                "Source": self.source,
                "DetailType": event_type_of(event),
                "Detail": event.model_dump_json(),
                "Time": event.occurred_at,
            }
            for event in batch
        ]
        response = self._client.put_events(Entries=entries)
        if not response.get("FailedEntryCount"):
            return []
        return [
            f"{event.event_id}: {result.get('ErrorCode')} {result.get('ErrorMessage')}"
            for event, result in zip(batch, response["Entries"], strict=True)
            if result.get("ErrorCode")
        ]


class TopicPublisher(Publisher):
    """Publishes events to an SNS topic: Message = event JSON, attribute ``event_type``."""

    destination_kind = "topic"

    def __init__(self, client: SNSClient, topic_arn: str) -> None:
        super().__init__(topic_arn)
        self._client = client

    def _send_batch(self, batch: Sequence[DomainEvent]) -> list[str]:
        # Batch entry ids only need to be unique within one request.
        entries: list[PublishBatchRequestEntryTypeDef] = [
            {
                "Id": str(index),
                "Message": event.model_dump_json(),
                "MessageAttributes": {
                    "event_type": {"DataType": "String", "StringValue": event_type_of(event)}
                },
            }
            for index, event in enumerate(batch)
        ]
        response = self._client.publish_batch(
            TopicArn=self.destination, PublishBatchRequestEntries=entries
        )
        return [
            f"{batch[int(failure['Id'])].event_id}: {failure.get('Code')} {failure.get('Message')}"
            for failure in response.get("Failed", [])
        ]
