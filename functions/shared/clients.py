"""One cached factory for boto3 clients, created on first use and reused across invocations.

boto3 reads ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_<SERVICE>``) and the region from the
environment itself, so the same code reaches AWS, the embedded local cloud or LocalStack; nothing
here names an endpoint or a region. Nothing is created at import time, except where Lambda says
the environment was made ahead of traffic (``prepare_when_provisioned``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient


@cache
def session() -> boto3.session.Session:
    """The process-wide session; a new one costs ~50 ms, a client on it ~1.5 ms."""
    return boto3.session.Session()


@cache
def dynamodb() -> DynamoDBClient:
    """The DynamoDB client."""
    return session().client("dynamodb")


@cache
def events() -> EventBridgeClient:
    """The EventBridge client."""
    return session().client("events")


@cache
def s3() -> S3Client:
    """The S3 client."""
    return session().client("s3")


@cache
def ses() -> SESClient:
    """The SES client."""
    return session().client("ses")


@cache
def sns() -> SNSClient:
    """The SNS client."""
    return session().client("sns")


@cache
def sqs() -> SQSClient:
    """The SQS client."""
    return session().client("sqs")


def prepare_when_provisioned(*builders: Callable[[], object]) -> None:
    """Run ``builders`` (cached factories) now if this environment is provisioned concurrency.

    Lambda sets ``AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency`` when it initializes an
    environment ahead of traffic (the local cloud's warm starts do too): building the clients
    during that init spares the first request their cost (loading a service's model takes tens
    of milliseconds). Anywhere else (on-demand cold starts, unit tests) nothing is built here and
    the factories stay lazy. Building a client sends no request.
    """
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "provisioned-concurrency":
        for build in builders:
            build()


def reset() -> None:
    """Forget every cached client (tests that switch credentials or endpoints between cases)."""
    for factory in (session, dynamodb, events, s3, ses, sns, sqs):
        factory.cache_clear()
