"""One cached factory for boto3 clients pointed at an endpoint.

A boto3 Session costs ~50 ms and a client ~1.5 ms, so both are made once per
(service, endpoint, region) and reused. Nothing here talks to AWS at import time.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_REGION = "us-east-1"
# Any credentials work against the local cloud; these are the ones LocalStack tooling uses too.
LOCAL_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}

_lock = threading.Lock()


@cache
def _session(region: str) -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
        aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
        region_name=region,
    )


@lru_cache(maxsize=256)
def client(
    service: str,
    endpoint_url: str | None,
    region: str = DEFAULT_REGION,
    retries: int = 2,
    read_timeout: float = 60.0,
) -> Any:
    """A boto3 client for ``service`` at ``endpoint_url`` (None means the AWS default)."""
    config = Config(
        retries={"max_attempts": retries, "mode": "standard"},
        read_timeout=read_timeout,
        connect_timeout=5,
        max_pool_connections=50,
    )
    with _lock:  # boto3 sessions are not thread-safe while they create clients
        session: Any = _session(region)
        return session.client(service, endpoint_url=endpoint_url, config=config)
