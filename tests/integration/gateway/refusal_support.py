"""Helpers for the gateway's refusal tests: unique names, deployment packages, and boto3
clients that leave validation to the server (botocore checks a few constraints itself, and a
test of the server's refusal must reach the server)."""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def package(members: dict[str, str]) -> bytes:
    """A zip holding ``members`` (name -> text), in that order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


GOOD_PACKAGE = package({"index.py": "def handler(event, context):\n    return event\n"})


def unvalidating_client(service: str, endpoint_url: str) -> Any:
    """A boto3 client that sends what it is given, for the server to judge."""
    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )


def refusal(call: Any, **kwargs: Any) -> tuple[int, str, str]:
    """(HTTP status, error code, message) of a call that must be refused."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error = caught.value.response
    return (
        error["ResponseMetadata"]["HTTPStatusCode"],
        error["Error"]["Code"],
        error["Error"].get("Message", ""),
    )
