"""Catalogues each JPEG uploaded: its size, type and title (from the object's metadata) go into
the media table, keyed by the object's key."""

from __future__ import annotations

import os
import time
from functools import cache
from typing import Any
from urllib.parse import unquote_plus

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source

logger = Logger()


@cache
def s3() -> Any:
    return boto3.client("s3")


@cache
def table() -> Any:
    return boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def catalogue_entry(bucket: str, key: str, head: dict[str, Any]) -> dict[str, Any]:
    size = int(head["ContentLength"])
    retention_s = int(os.environ["RETENTION_DAYS"]) * 86400
    return {
        "media_id": key,
        "bucket": bucket,
        "size": size,
        "content_type": head.get("ContentType", "binary/octet-stream"),
        "title": head.get("Metadata", {}).get("title", key.rsplit("/", 1)[-1]),
        "status": "empty" if size == 0 else "ready",
        "expires_at": int(time.time()) + retention_s,
    }


@logger.inject_lambda_context
@event_source(data_class=S3Event)
def handler(event: S3Event, context: Any) -> dict[str, int]:
    for record in event.records:
        bucket = record.s3.bucket.name
        # Keys arrive URL-encoded ("a+b%2B1.jpg" for "a b+1.jpg").
        key = unquote_plus(record.s3.get_object.key)
        head = s3().head_object(Bucket=bucket, Key=key)
        entry = catalogue_entry(bucket, key, head)
        table().put_item(Item=entry)
        logger.info("catalogued", extra={"key": key, "status": entry["status"]})
    return {"catalogued": len(list(event.records))}
