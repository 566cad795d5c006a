"""A client for a running local cloud's own HTTP API, ``/_localcloud/*``: health, traces and
warm starts.

The AWS APIs are for boto3; this is the API only the local cloud has. Errors are
``AdminError``s whose message says what to do, e.g. to start the cloud when nothing answers.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from localcloud.errors import LocalCloudError

Hop = dict[str, Any]


class AdminError(LocalCloudError):
    """The local cloud's API refused a request; the message is the one it sent."""


class NotRunningError(AdminError):
    """Nothing answers at the endpoint."""

    def __init__(self, endpoint: str, cause: OSError) -> None:
        self.endpoint = endpoint
        super().__init__(
            f"no local cloud answers at {endpoint} ({cause}); start one with `localcloud up`"
        )


class AdminClient:
    """Calls to ``/_localcloud/*`` at one endpoint, decoded from JSON."""

    def __init__(self, endpoint: str, timeout: float = 10.0) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout

    def health(self) -> dict[str, Any]:
        """Status, services, endpoint and uptime of the running cloud."""
        return dict(self._get("health"))

    def traces(self, last: int) -> list[list[Hop]]:
        """The ``last`` most recent traces, each a list of hops (JSON objects), oldest first."""
        return list(self._get(f"traces?last={last}")["traces"])

    def trace(self, trace_id: str) -> list[Hop]:
        """The hops of one trace; AdminError if the cloud has no such trace."""
        return list(self._get(f"traces/{urllib.parse.quote(trace_id, safe='')}")["hops"])

    def warm(self, functions: list[str], timeout: float = 120.0) -> dict[str, Any]:
        """Start one environment per function with its init done; what each took or why not."""
        query = urllib.parse.urlencode([("function", name) for name in functions])
        return dict(self._get(f"warm?{query}", method="POST", timeout=timeout))

    def _get(self, path: str, method: str = "GET", timeout: float | None = None) -> Any:
        url = f"{self.endpoint}/_localcloud/{path}"
        request = urllib.request.Request(url, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise AdminError(_message(exc)) from exc
        except OSError as exc:
            raise NotRunningError(self.endpoint, exc) from exc


def _message(exc: urllib.error.HTTPError) -> str:
    """The message of the API's JSON error body; the HTTP status line if there is none."""
    try:
        body = json.loads(exc.read())
    except ValueError:
        return str(exc)
    message = body.get("message") if isinstance(body, dict) else None
    return str(message or exc)
