"""Schedule patches: moto tells the local cloud when a schedule may have changed.

moto keeps EventBridge rules and EventBridge Scheduler schedules but never fires them; the
engine's timetable (engine/schedules.py) does. Each operation that creates, changes or removes a
rule or a schedule runs moto's own code, then reports through ``hooks.schedules_changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.events.models import EventsBackend
from moto.scheduler.models import EventBridgeSchedulerBackend

from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches

EVENTS_OPERATIONS = ("put_rule", "delete_rule", "enable_rule", "disable_rule", "delete_event_bus")
SCHEDULER_OPERATIONS = (
    "create_schedule",
    "update_schedule",
    "delete_schedule",
    "delete_schedule_group",
)


def _reporting(original: Callable[..., Any], hooks: EmulatorHooks) -> Callable[..., Any]:
    def operation(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        hooks.schedules_changed()
        return result

    operation.__name__ = original.__name__
    return operation


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("schedules")
    for backend, names in (
        (EventsBackend, EVENTS_OPERATIONS),
        (EventBridgeSchedulerBackend, SCHEDULER_OPERATIONS),
    ):
        for name in names:
            group.add(backend, name, _reporting(getattr(backend, name), hooks))
    return group
