"""The public REST API: read one bookmark; bookmark counts per owner for administrators."""

from __future__ import annotations

import os
from collections import Counter
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

logger = Logger()
# The preflight is the API's (SAM's Cors); the answers carry the origin header themselves.
app = APIGatewayRestResolver(cors=CORSConfig(allow_origin=os.environ["ALLOWED_ORIGIN"]))


@cache
def table() -> Any:
    return boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.get("/bookmarks/<bookmark_id>")
def read(bookmark_id: str) -> dict[str, Any]:
    item = table().get_item(Key={"id": bookmark_id}).get("Item")
    if item is None:
        raise NotFoundError(f"no bookmark {bookmark_id}")
    return {key: item[key] for key in ("id", "url", "title", "tags")}


@app.get("/stats")
def stats() -> dict[str, Any]:
    owners: Counter[str] = Counter()
    # The resource's client: items come back as plain values.
    pages = (
        table()
        .meta.client.get_paginator("scan")
        .paginate(
            TableName=table().name,
            ProjectionExpression="#o",
            ExpressionAttributeNames={"#o": "owner"},
        )
    )
    for page in pages:
        owners.update(item["owner"] for item in page["Items"])
    admin = app.current_event.request_context.authorizer.get("principalId")
    return {"bookmarks": sum(owners.values()), "owners": dict(owners), "asked_by": admin}


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
