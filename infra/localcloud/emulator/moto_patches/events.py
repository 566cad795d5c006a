"""EventBridge patches: the local cloud's pattern engine, target input checks and replays.

- moto's ``EventPattern`` slot holds a pattern compiled by routing/patterns.py, which passes the
  AWS-validated conformance corpus where moto's matcher does not (DESIGN.md); moto's own archive
  rules and any caller of ``matches_event`` use it too.
- PutTargets refuses Input, InputPath and InputTransformer values AWS refuses.
- A replay runs through the hooks (the engine routes the events); its state follows.
"""

from __future__ import annotations

import json
import time
from typing import Any

from moto.events import models as events_models
from moto.events.exceptions import InvalidEventPatternException, ValidationException

from localcloud.emulator import backends
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.emulator.views import ReplayView
from localcloud.routing.errors import InvalidEventPatternError, RoutingError
from localcloud.routing.patterns import compile_event_pattern
from localcloud.routing.transform import validate_target_input

ARCHIVE_RULE_PREFIX = "Events-Archive-"


class CompiledPattern(events_models.EventPattern):
    """moto's EventPattern slot, filled by the local cloud's compiled matcher."""

    def __init__(self, raw_pattern: str | None) -> None:
        self._compiled = compile_event_pattern(raw_pattern) if raw_pattern else None
        # moto's own readers of the parsed pattern (get_pattern: its S3 CreateBucket
        # notifications pick rules by their source) see what moto's parser would give them.
        super().__init__(raw_pattern, json.loads(raw_pattern) if raw_pattern else {})

    def matches_event(self, event: Any) -> bool:
        return self._compiled is None or self._compiled.matches(event)


def load_pattern(cls: Any, raw_pattern: str | None) -> Any:
    try:
        return CompiledPattern(raw_pattern)
    except RoutingError as exc:
        # moto's exception writes AWS's opening itself: hand it the reason alone
        reason = str(exc).removeprefix(InvalidEventPatternError.aws_message_prefix)
        raise InvalidEventPatternException(reason) from exc


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("events")
    group.add(events_models.EventPattern, "load", classmethod(load_pattern))
    put_targets = events_models.EventsBackend.put_targets
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

    @group.function(events_models.EventsBackend, "put_targets")
    def validated_put_targets(
        self: Any, name: str, event_bus_arn: str | None, targets: list[dict[str, Any]]
    ) -> None:
        if not name.startswith(ARCHIVE_RULE_PREFIX):  # moto's own archive rules
            for target in targets:
                try:
                    validate_target_input(target)
                except RoutingError as exc:
                    raise ValidationException(str(exc)) from exc
        put_targets(self, name, event_bus_arn, targets)

    return group
