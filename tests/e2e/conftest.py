"""e2e fixtures: the user service deployed once per session on the local cloud, and helpers that
drive its sources (the users API, the importer, raw publishes) and read its final state."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer

from localcloud.demo import http_event

_deserialize = TypeDeserializer().deserialize


class UserService:
    """The deployed topology, seen from outside: sources in, state out."""

    def __init__(self, stack: Any) -> None:
        self.stack = stack
        self.outputs: dict[str, str] = stack.outputs
        self.functions: dict[str, str] = stack.functions

    def client(self, service: str) -> Any:
        return self.stack.client(service)

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        response = self.client("lambda").invoke(
            FunctionName=self.functions["UsersApiFunction"],
            Payload=json.dumps(http_event(method, path, body)).encode(),
        )
        assert "FunctionError" not in response, response["Payload"].read()
        result = json.loads(response["Payload"].read())
        body_text = result.get("body")
        return result["statusCode"], json.loads(body_text) if body_text else None

    def create_user(self, email: str | None = None, country: str = "GB") -> dict[str, Any]:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        status, body = self.api(
            "POST", "/users", {"email": email, "name": "Test User", "country": country}
        )
        assert status == 201, body
        return dict(body)

    def import_csv(self, text: str) -> dict[str, Any]:
        response = self.client("lambda").invoke(
            FunctionName=self.functions["ImporterFunction"],
            Payload=json.dumps({"csv": text}).encode(),
        )
        assert "FunctionError" not in response
        return dict(json.loads(response["Payload"].read()))

    def directory_item(self, user_id: str) -> dict[str, Any] | None:
        item = (
            self.client("dynamodb")
            .get_item(TableName=self.outputs["DirectoryTableName"], Key={"user_id": {"S": user_id}})
            .get("Item")
        )
        return {k: _deserialize(v) for k, v in item.items()} if item else None

    def emails_sent(self) -> int:
        return int(self.client("ses").get_send_quota()["SentLast24Hours"])

    def audit_keys(self) -> list[str]:
        s3 = self.client("s3")
        keys: list[str] = []
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.outputs["AuditBucketName"], Prefix="audit/"
        ):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return keys

    def queue_messages(self, output: str) -> list[dict[str, Any]]:
        response = self.client("sqs").receive_message(
            QueueUrl=self.outputs[output],
            MaxNumberOfMessages=10,
            VisibilityTimeout=0,
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def queue_empty(self, output: str) -> bool:
        """No message of the queue is waiting or in flight."""
        attributes = self.client("sqs").get_queue_attributes(
            QueueUrl=self.outputs[output],
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return all(int(value) == 0 for value in attributes.values())

    def outbox_items(self, user_id: str) -> list[dict[str, Any]]:
        """The events the users API recorded for ``user_id``, oldest first."""
        items = (
            self.client("dynamodb")
            .query(
                TableName=self.outputs["OutboxTableName"],
                KeyConditionExpression="pk = :user",
                ExpressionAttributeValues={":user": {"S": user_id}},
                ConsistentRead=True,
            )
            .get("Items", [])
        )
        return [{k: _deserialize(v) for k, v in item.items()} for item in items]


@pytest.fixture(scope="session")
def users(deployed_stack: Any) -> UserService:
    return UserService(deployed_stack)
