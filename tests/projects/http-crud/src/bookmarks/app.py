"""The bookmarks HTTP API: Powertools' resolver routes each request to a small function."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import (
    BadRequestError,
    ForbiddenError,
    NotFoundError,
)
from aws_lambda_powertools.utilities import parameters
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

logger = Logger()
app = APIGatewayHttpResolver()


def max_page_size() -> int:
    # Cached for five minutes, so a change to the parameter applies without a deploy.
    return int(parameters.get_parameter(os.environ["MAX_PAGE_SIZE_PARAMETER"], max_age=300))


@cache
def table() -> Any:
    return boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def _bookmark(bookmark_id: str) -> dict[str, Any]:
    item = table().get_item(Key={"id": bookmark_id}).get("Item")
    if item is None:
        raise NotFoundError(f"no bookmark {bookmark_id}")
    return item


@app.post("/bookmarks")
def create() -> Response:
    body = app.current_event.json_body or {}
    missing = [name for name in ("url", "owner") if not body.get(name)]
    if missing:
        raise BadRequestError(f"missing {', '.join(missing)}")
    item = {
        "id": uuid.uuid4().hex[:12],
        "url": body["url"],
        "title": body.get("title") or body["url"],
        "owner": body["owner"],
        "tags": sorted(set(body.get("tags", []))),
        "created_at": datetime.now(UTC).isoformat(),
    }
    table().put_item(Item=item)
    logger.info("bookmark created", extra={"id": item["id"], "owner": item["owner"]})
    return Response(
        status_code=201,
        content_type=content_types.APPLICATION_JSON,
        body=item,
        headers={"Location": f"/bookmarks/{item['id']}"},
    )


@app.get("/bookmarks")
def list_by_owner() -> dict[str, Any]:
    owner = app.current_event.get_query_string_value("owner")
    if not owner:
        raise BadRequestError("the query string needs ?owner=")
    page_size = max_page_size()
    limit = int(app.current_event.get_query_string_value("limit", "") or page_size)
    answer = table().query(
        IndexName="ByOwner",
        KeyConditionExpression=Key("owner").eq(owner),
        ScanIndexForward=False,
        Limit=max(1, min(limit, page_size)),
    )
    return {
        "owner": owner,
        "items": answer["Items"],
        "count": answer["Count"],
        "page_size": page_size,
    }


@app.get("/bookmarks/<bookmark_id>")
def read(bookmark_id: str) -> dict[str, Any]:
    return _bookmark(bookmark_id)


@app.put("/bookmarks/<bookmark_id>")
def update(bookmark_id: str) -> dict[str, Any]:
    body = app.current_event.json_body or {}
    if not body.get("title"):
        raise BadRequestError("missing title")
    try:
        answer = table().update_item(
            Key={"id": bookmark_id},
            UpdateExpression="SET title = :title",
            ConditionExpression="attribute_exists(id)",
            ExpressionAttributeValues={":title": body["title"]},
            ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise NotFoundError(f"no bookmark {bookmark_id}") from error
        raise
    return answer["Attributes"]


@app.delete("/bookmarks/<bookmark_id>")
def delete(bookmark_id: str) -> Response:
    caller = app.current_event.request_context.authorizer.get_lambda.get("owner")
    if _bookmark(bookmark_id)["owner"] != caller:
        raise ForbiddenError(f"{caller} does not own bookmark {bookmark_id}")
    table().delete_item(Key={"id": bookmark_id})
    return Response(status_code=204, content_type=None, body=None)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
