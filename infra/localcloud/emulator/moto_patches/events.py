"""EventBridge patches: the local cloud's pattern engine, target input checks and replays.

- moto's ``EventPattern`` slot holds a pattern compiled by routing/patterns.py, which passes the
  AWS-validated conformance corpus where moto's matcher does not (DESIGN.md); moto's own archive
  rules and any caller of ``matches_event`` use it too.
- A replay runs through the hooks (the engine routes the events); its state follows.
"""

from __future__ import annotations

import time
from typing import Any

from moto.events import models as events_models
from moto.events.exceptions import InvalidEventPatternException

from localcloud.emulator import backends
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.emulator.views import ReplayView
from localcloud.routing.errors import RoutingError
from localcloud.routing.patterns import compile_event_pattern


class CompiledPattern(events_models.EventPattern):
    """moto's EventPattern slot, filled by the local cloud's compiled matcher."""

    def __init__(self, raw_pattern: str | None) -> None:
        super().__init__(raw_pattern, {})
        self._source = raw_pattern
        self._compiled = compile_event_pattern(raw_pattern) if raw_pattern else None

    def __reduce__(self) -> tuple[Any, ...]:
        # Saved state (emulator/state.py) keeps the text and compiles it again.
        return (CompiledPattern, (self._source,))

    def matches_event(self, event: Any) -> bool:
        return self._compiled is None or self._compiled.matches(event)


def load_pattern(cls: Any, raw_pattern: str | None) -> Any:
    try:
        return CompiledPattern(raw_pattern)
    except RoutingError as exc:
        raise InvalidEventPatternException(str(exc)) from exc


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("events")
    group.add(events_models.EventPattern, "load", classmethod(load_pattern))
    states = events_models.ReplayState

    @group.function(events_models.Replay, "replay_events")
    def replay(self: Any, archive: Any) -> None:
        self.state = states.RUNNING

        def done(failure: str | None) -> None:
            self.state = states.FAILED if failure else states.COMPLETED
            if failure:
                self.state_reason = failure
            self.end_time = time.time()

        try:
            view = ReplayView.from_moto(self, backends.archived_events(archive))
        except (KeyError, ValueError) as exc:  # a destination or time window moto let through
            done(f"cannot replay: {exc}")
            return
        hooks.replay(view, done)

    return group
