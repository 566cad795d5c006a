"""What the gateway needs from the rest of the local cloud, stated as types.

The gateway is handed its collaborators (``Gateway(invoker, router, traces, info)``) and knows
them only by these protocols, so it imports neither the engine nor the router, and tests can hand
it small fakes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from localcloud.trace import Hop, HopKind, TraceContext


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """Facts about the running server, known once it is bound."""

    region: str
    account: str
    endpoint_url: str
    started_at: float  # time.monotonic() when serving began

    def function_arn(self, name_or_arn: str, region: str | None = None) -> str:
        """The ARN of a function named in ``region`` (the server's by default); an ARN as is."""
        if name_or_arn.startswith("arn:"):
            return name_or_arn
        return f"arn:aws:lambda:{region or self.region}:{self.account}:function:{name_or_arn}"


class InvocationOutcome(Protocol):
    """What Invoke reports of a finished invocation."""

    @property
    def payload(self) -> bytes: ...

    @property
    def failed(self) -> bool: ...

    @property
    def executed_version(self) -> str: ...

    def log_tail(self) -> str: ...


class Invocations(Protocol):
    """Lambda invocations (the engine's Invoker)."""

    def invoke(
        self,
        function: str,
        payload: bytes,
        context: TraceContext | None = None,
        wait: bool = True,
        source: str = "invoke",
    ) -> InvocationOutcome: ...

    def invoke_async(
        self, function: str, payload: bytes, context: TraceContext | None = None
    ) -> str: ...

    def check(self, function: str) -> None: ...


class Events(Protocol):
    """EventBridge's data plane (the EventRouter)."""

    def put_events(
        self, region: str, account: str, entries: list[dict[str, Any]]
    ) -> list[dict[str, Any]]: ...

    def test_event_pattern(self, pattern: str, event: str) -> bool: ...


class WarmOutcome(Protocol):
    """What a warm-up did (engine/warmup.py's WarmReport)."""

    @property
    def warmed(self) -> dict[str, float]: ...

    @property
    def already(self) -> list[str]: ...

    @property
    def failed(self) -> dict[str, str]: ...


class Warming(Protocol):
    """Warm starts (the engine's Warmer)."""

    def warm(self, names: list[str]) -> WarmOutcome: ...


class DebugState(Protocol):
    """A function's debug mode after a change (engine/debugging.py's DebugState)."""

    def to_dict(self) -> dict[str, Any]: ...


class Debugging(Protocol):
    """Debug mode of functions (engine/debugging.py), for /_localcloud/debug."""

    def start(self, function: str, port: int, *, deployed: bool = True) -> DebugState: ...

    def stop(self, function: str) -> DebugState: ...

    def functions(self) -> dict[str, int]: ...


class Traces(Protocol):
    """The trace store: the gateway records hops and serves them to /_localcloud/traces."""

    def record(
        self,
        kind: HopKind,
        service: str,
        resource: str,
        *,
        context: TraceContext | None = None,
        **detail: Any,
    ) -> TraceContext: ...

    def traces(self, last: int | None = None) -> list[list[Hop]]: ...

    def get(self, trace_id: str) -> list[Hop] | None: ...

    def since(self, sequence: int, wait_s: float = 0.0) -> tuple[list[Hop], int, int]: ...

    @property
    def sequence(self) -> int: ...


class MessageMoves(Protocol):
    """SQS message move tasks (engine/move_tasks.py's MoveTasks)."""

    def start(self, source_arn: str, destination_arn: str | None, rate: int | None) -> str: ...

    def list(self, source_arn: str, max_results: int = 1) -> list[dict[str, Any]]: ...

    def cancel(self, handle: str) -> int: ...


class Schedules(Protocol):
    """The schedules' timetable (engine/schedules.py): list, fire one now, the test clock."""

    def listing(self) -> list[dict[str, Any]]: ...

    def run(self, name: str, group: str | None = None) -> dict[str, Any]: ...

    def clock_state(self) -> dict[str, Any]: ...

    def move_clock(
        self, advance_s: float | None = None, to: float | None = None
    ) -> dict[str, Any]: ...
