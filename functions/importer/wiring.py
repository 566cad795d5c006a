"""Builds the importer's publishers and reject sink from settings; shared by the Lambda and CLI."""

from __future__ import annotations

from importer.core import QueueRejectSink
from shared import clients
from shared.publisher import BusPublisher, Publisher, TopicPublisher

SOURCE = "users.importer"


def publishers(topic_arn: str, bus_name: str | None) -> list[Publisher]:
    """The SNS topic always; the bus too when named, so the users domain sees the sign-ups."""
    chosen: list[Publisher] = [TopicPublisher(clients.sns(), topic_arn)]
    if bus_name:
        chosen.append(BusPublisher(clients.events(), bus_name, source=SOURCE))
    return chosen


def reject_sink(queue_url: str | None) -> QueueRejectSink | None:
    """The rejects queue, when one is configured."""
    return QueueRejectSink(clients.sqs(), queue_url) if queue_url else None
