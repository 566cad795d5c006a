"""Helpers for API Gateway's integration tests: the deployed APIs' URLs and an HTTP call."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return next((v for n, v in self.headers if n.lower() == name.lower()), None)

    def all(self, name: str) -> list[str]:
        return [v for n, v in self.headers if n.lower() == name.lower()]


def call(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    """One HTTP request; an error status is a reply, not an exception."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, list(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, list(error.headers.items()), error.read())


@dataclass(frozen=True)
class DeployedApis:
    endpoint_url: str
    outputs: dict[str, str]
    local_urls: dict[str, str]

    @property
    def http(self) -> str:
        """The HTTP API's base URL ($default stage: no stage segment), ending in /."""
        return self.local_urls["HttpUrl"]

    @property
    def rest(self) -> str:
        """The REST API's Prod stage URL, ending in /."""
        return self.local_urls["RestUrl"]

    def execute_api(self, output: str, tail: str) -> str:
        return f"{self.endpoint_url}/_aws/execute-api/{self.outputs[output]}/{tail}"
