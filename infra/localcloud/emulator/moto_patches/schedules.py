"""Schedule patches: moto tells the local cloud when a schedule may have changed.

moto keeps EventBridge rules and EventBridge Scheduler schedules but never fires them; the
engine's timetable (engine/schedules.py) does. Each operation that creates, changes or removes a
rule or a schedule runs moto's own code, then reports through ``hooks.schedules_changed``.
CreateSchedule and DeleteScheduleGroup first look the group up, so a missing one is AWS's
ResourceNotFoundException rather than moto's KeyError.
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


def _group_named(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """The schedule group an operation names (CreateSchedule's GroupName, the group deleted)."""
    if name == "create_schedule":
        return str(kwargs.get("group_name") or "default")
    if name == "delete_schedule_group":
        return str((args[0] if args else kwargs.get("name")) or "default")
    return None


def _reporting(original: Callable[..., Any], hooks: EmulatorHooks) -> Callable[..., Any]:
    def operation(self: Any, *args: Any, **kwargs: Any) -> Any:
        group = _group_named(original.__name__, args, kwargs)
        if group is not None:
            # moto looks the group up with [] and answers a missing one with a 500; AWS with
            # ResourceNotFoundException "Schedule group NAME does not exist."
            self.get_schedule_group(group)
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
