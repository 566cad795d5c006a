"""Fixtures for the access-control tests: functions and a queue deployed from project/, a REST
and an HTTP API built on them through API Gateway's control plane, a loopback OpenID issuer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apiauth_support import HttpApi, Issuer, RestApi, build_http_api, build_rest_api

from localcloud.deploy import deploy

PROJECT = Path(__file__).parent / "project"


@pytest.fixture(scope="module")
def stack(localcloud: Any) -> dict[str, str]:
    report = deploy(PROJECT / "template.yaml", localcloud.endpoint_url, stack="apiauth-it")
    return dict(report.outputs)


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    held = Issuer()
    yield held
    held.close()


@pytest.fixture(scope="module")
def rest_api(localcloud: Any, stack: dict[str, str]) -> RestApi:
    return build_rest_api(localcloud, stack["InboxUrl"])


@pytest.fixture(scope="module")
def http_api(localcloud: Any, stack: dict[str, str], issuer: Issuer) -> HttpApi:
    return build_http_api(localcloud, stack["InboxUrl"], issuer.url)
