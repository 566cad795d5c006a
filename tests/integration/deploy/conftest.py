"""Fixtures for the deployer's integration tests: the endpoint is the project's local cloud.

The tests only use boto3 describe and list calls, so any endpoint speaking the AWS APIs
(LocalStack too) could take its place.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def endpoint_url(localcloud: Any) -> str:
    return str(localcloud.endpoint_url)
