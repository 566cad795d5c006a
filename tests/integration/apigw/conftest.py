"""Fixtures for API Gateway's integration tests: the project under project/ deployed once on the
session's local cloud, and a plain HTTP client (urllib: what curl does, no AWS SDK)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apigw_support import DeployedApis

from localcloud.deploy import deploy

PROJECT = Path(__file__).parent / "project"


@pytest.fixture(scope="module")
def apis(localcloud: Any) -> DeployedApis:
    report = deploy(PROJECT / "template.yaml", localcloud.endpoint_url, stack="apigw-it")
    return DeployedApis(localcloud.endpoint_url, dict(report.outputs), dict(report.local_urls))
