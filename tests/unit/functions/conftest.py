"""Fixtures for the user service's unit tests: functions/ on sys.path, offline AWS, moto.

Nothing here reaches the network: credentials are dummies, any endpoint override is removed, and
handler tests run inside ``moto.mock_aws``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "functions"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from functions_support import (  # noqa: E402
    AwsResources,
    FakeLambdaContext,
    forget_cached_wiring,
)


@pytest.fixture(autouse=True)
def offline_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dummy credentials and region, no endpoint override, fresh clients and wiring per test."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "users-test")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "users-unit-test")
    forget_cached_wiring()
    yield
    forget_cached_wiring()


@pytest.fixture
def aws() -> Iterator[AwsResources]:
    """An in-process moto account, with factories for the resources handlers need."""
    from moto import mock_aws

    with mock_aws():
        yield AwsResources()


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    """A Lambda context like the runtime's, with 10 s left."""
    return FakeLambdaContext()
