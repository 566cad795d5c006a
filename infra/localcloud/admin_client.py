"""A client for a running local cloud's own HTTP API, ``/_localcloud/*``: health, traces and
warm starts and debug mode.

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

    def hops(self, since: int, wait_s: float) -> tuple[list[Hop], int, int]:
        """Hops recorded after ``since`` (waiting up to ``wait_s`` for one): (hops, the
        sequence to ask from next, how many were recorded but are no longer held)."""
        answer = self._get(f"hops?since={since}&wait={wait_s}", self.timeout + wait_s)
        return list(answer["hops"]), int(answer["sequence"]), int(answer.get("missed", 0))

    def sequence(self) -> int:
        """The trace store's sequence number now (follow from here to see only new hops)."""
        return self.hops(2**62, 0)[1]

    def trace(self, trace_id: str) -> list[Hop]:
        """The hops of one trace; AdminError if the cloud has no such trace."""
        return list(self._get(f"traces/{urllib.parse.quote(trace_id, safe='')}")["hops"])

    def warm(self, functions: list[str], timeout: float = 120.0) -> dict[str, Any]:
        """Start one environment per function with its init done; what each took or why not."""
        return dict(self._post("warm", {"functions": functions}, timeout))

    def debug(self, function: str, port: int | None) -> dict[str, Any]:
        """Debug ``function`` on ``port`` (None: leave debug mode); its state after the change:
        function, port, previous (port), code_path, local_code."""
        return dict(self._post("debug", {"function": function, "port": port}))

    def debugging(self) -> dict[str, int]:
        """The functions in debug mode, to the port each one's debugger listens on."""
        return dict(self._get("debug")["functions"])

    def schedules(self) -> dict[str, Any]:
        """Every schedule with its next firing (``schedules``) and the test clock (``clock``)."""
        return dict(self._get("schedules"))

    def run_schedule(self, name: str, group: str | None = None) -> dict[str, Any]:
        """Fire a rule's schedule or a Scheduler schedule now; what fired and its trace id."""
        return dict(self._post("schedules/run", {"name": name, "group": group}))

    def move_clock(
        self, advance_s: float | None = None, now: str | float | None = None
    ) -> dict[str, Any]:
        """Move the schedules' test clock forward by seconds, or to a time (ISO 8601 or epoch
        seconds); the clock after."""
        body = {"advance_s": advance_s} if advance_s is not None else {"now": now}
        return dict(self._post("schedules/clock", body))

    def _get(self, path: str, timeout: float | None = None) -> Any:
        return self._open(urllib.request.Request(self._url(path)), timeout)

    def _post(self, path: str, document: Any, timeout: float | None = None) -> Any:
        # As JSON: the cloud refuses other content types on endpoints that change state.
        request = urllib.request.Request(
            self._url(path),
            data=json.dumps(document).encode(),
            headers={"Content-Type": "application/json"},
        )
        return self._open(request, timeout)

    def _url(self, path: str) -> str:
        return f"{self.endpoint}/_localcloud/{path}"

    def _open(self, request: urllib.request.Request, timeout: float | None = None) -> Any:
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
