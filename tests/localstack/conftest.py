"""The deployer against a real LocalStack (host mode, no Docker): `make test-localstack`.

tests/localstack/run.sh starts LocalStack on a free loopback port and passes it here the way
localstack-client finds LocalStack: LOCALSTACK_HOST (host:port). Without it these tests skip, so a
plain `pytest` elsewhere does not fail for want of a LocalStack.

Deploys go through the CLI, `localcloud deploy --target localstack`, exactly as a user runs it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from localstack_support import TEMPLATE, Stack, outputs_of, run_deploy

REGION = "us-east-1"


def _endpoint() -> str | None:
    host = os.environ.get("LOCALSTACK_HOST")
    if not host:
        return None
    return host if "://" in host else f"http://{host}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "localstack: the deployer against a real LocalStack")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _endpoint():
        return
    skip = pytest.mark.skip(reason="no LocalStack: run `make test-localstack` (LOCALSTACK_HOST)")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def endpoint_url() -> str:
    url = _endpoint()
    assert url, "LOCALSTACK_HOST is not set"
    return url


@pytest.fixture(scope="session")
def aws(endpoint_url: str) -> Callable[[str], Any]:
    """boto3 clients at LocalStack (test credentials, us-east-1), one per service."""
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )
    made: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in made:
            made[service] = session.client(
                service,
                endpoint_url=endpoint_url,
                config=Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=30),
            )
        return made[service]

    return client


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    """The template deployed once for the module, under a fresh stack name; deleted at the end."""
    name = f"ls-{uuid.uuid4().hex[:8]}"
    first = run_deploy(name, "--template", str(TEMPLATE))
    yield Stack(name, first, outputs_of(first))
    run_deploy(name, "--delete")  # a no-op when a test already deleted it
