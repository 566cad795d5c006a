"""Fixtures for the server tests: a local cloud in a child process (server_support.Cloud)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from server_support import Cloud


@pytest.fixture
def start_cloud() -> Iterator[Callable[..., Cloud]]:
    started: list[Cloud] = []

    def start(*args: str, **env: str) -> Cloud:
        cloud = Cloud(env, *args)
        started.append(cloud)
        return cloud

    yield start
    for cloud in started:
        cloud.stop()


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    running = Cloud({})
    try:
        yield running
    finally:
        running.stop()
