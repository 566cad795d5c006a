"""Announces catalogue changes from the media table's stream: an INSERT is MediaAdded, a REMOVE
MediaRemoved, on the media topic. A record that is not a catalogue entry fails alone (partial
batch response); the mapping retries it, then sends it to the failures queue."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

logger = Logger()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class NotAnEntryError(ValueError):
    """The item lacks what every catalogue entry has."""


@dataclass(frozen=True)
class MediaChanged:
    event_type: str
    media_id: str
    title: str
    size: int


@cache
def sns() -> Any:
    return boto3.client("sns")


def change(record: DynamoDBRecord) -> MediaChanged:
    removed = record.event_name == DynamoDBRecordEventName.REMOVE
    images = record.dynamodb
    if images is None:
        raise NotAnEntryError(f"record {record.event_id} has no images")
    image = images.old_image if removed else images.new_image
    missing = {"media_id", "title", "size"} - image.keys()
    if missing:
        raise NotAnEntryError(f"{image.get('media_id')!r} has no {', '.join(sorted(missing))}")
    return MediaChanged(
        event_type="MediaRemoved" if removed else "MediaAdded",
        media_id=image["media_id"],
        title=image["title"],
        size=int(image["size"]),
    )


def record_handler(record: DynamoDBRecord) -> None:
    changed = change(record)
    sns().publish(
        TopicArn=os.environ["TOPIC_ARN"],
        Message=json.dumps(asdict(changed)),
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": changed.event_type}},
    )
    logger.info("announced", extra=asdict(changed))


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
