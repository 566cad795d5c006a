"""botocore sends StartSyncExecution to ``sync-<endpoint host>``: that name is served, and the
prefix does not open the door to any other name."""

from __future__ import annotations

import pytest

from localcloud.gateway.browser import BrowserPolicy

POLICY = BrowserPolicy.for_endpoint("http://127.0.0.1:4566")


@pytest.mark.parametrize(
    "host", ["sync-localhost:4566", "sync-127.0.0.1:4566", "sync-localhost.localstack.cloud"]
)
def test_the_sync_prefix_of_a_served_host_is_served(host: str) -> None:
    assert POLICY.host_allowed(host)


@pytest.mark.parametrize("host", ["sync-evil.example:4566", "sync-:4566", "evil.example"])
def test_the_prefix_of_any_other_host_is_refused(host: str) -> None:
    assert not POLICY.host_allowed(host)
