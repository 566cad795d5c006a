"""Typed access to moto's in-process backends, which hold the local cloud's state.

The engine reads and changes state here directly rather than over HTTP: same process, no
serialisation, no botocore per-call cost.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.events.models import events_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

ACCOUNT_ID = DEFAULT_ACCOUNT_ID


def parse_arn(arn: str) -> tuple[str, str, str, str]:
    """(service, region, account, resource) of an ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"not an ARN: {arn!r}")
    return parts[2], parts[3], parts[4], parts[5]


def lambda_backend(region: str, account: str = ACCOUNT_ID) -> Any:
    return lambda_backends[account][region]


def sqs_backend(region: str, account: str = ACCOUNT_ID) -> Any:
    return sqs_backends[account][region]


def sns_backend(region: str, account: str = ACCOUNT_ID) -> Any:
    return sns_backends[account][region]


def events_backend(region: str, account: str = ACCOUNT_ID) -> Any:
    return events_backends[account][region]


def queue_name_from_arn(arn: str) -> str:
    return parse_arn(arn)[3]


def queue_url(region: str, account: str, name: str, endpoint_url: str) -> str:
    return f"{endpoint_url}/{account}/{name}"


# moto's DynamoDB is not thread-safe (TransactWriteItems deep-copies tables other threads are
# changing): every call into it takes this service's turn.
_SERIALIZED = {"dynamodb": threading.Lock()}


@contextmanager
def serialized(service: str) -> Iterator[None]:
    """Hold the service's lock if moto needs its calls taken one at a time, else nothing."""
    lock = _SERIALIZED.get(service)
    if lock is None:
        yield
        return
    with lock:
        yield
