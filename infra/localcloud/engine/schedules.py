"""Schedules, fired on time: EventBridge rules with a ScheduleExpression and EventBridge Scheduler
schedules.

moto keeps the rules and schedules; this module keeps a timetable of their next firings and
wakes, on the engine's Scheduler, when the earliest is due (never polling; at most
``MAX_SLEEP_S`` apart, so a wall clock that jumps is noticed). The moto patches call
``changed()`` when a rule or schedule is created, changed or deleted, and a restored state
calls it too: the timetable is read again and only entries whose schedule changed are
recomputed. A firing reads its rule or schedule again first, so a rule disabled or deleted since
does not fire.

- A rule sends the "Scheduled Event" (schedule_shapes.py) to its targets through the EventRouter,
  so Input, InputPath, InputTransformer, RetryPolicy and DeadLetterConfig apply as for any event.
- A schedule sends its target's Input verbatim to Lambda (asynchronously), SQS, SNS or a bus
  (PutEvents with the target's EventBridgeParameters), retrying retriable failures within its
  RetryPolicy, then sending the input to its DeadLetterConfig queue with Scheduler's attributes.
  FlexibleTimeWindow FLEXIBLE fires at a random moment within the window; StartDate, EndDate,
  ScheduleExpressionTimezone and ActionAfterCompletion DELETE (a completed one-time schedule is
  deleted) apply.

Each firing is a ``schedule fired`` hop that roots what it causes. ``run`` fires one now
(``localcloud schedule run``); the cloud's ``Clock`` (clock.py) is the time schedules read, which
tests move forward (``POST /_localcloud/schedules/clock``) instead of sleeping for a minute; it
ends Step Functions' waits too.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol

from localcloud import trace
from localcloud.arns import parse_arn, service_of
from localcloud.clock import Clock
from localcloud.emulator import backends
from localcloud.emulator.views import RuleView, ScheduledRuleView, ScheduleView
from localcloud.engine import schedule_shapes, shapes
from localcloud.engine.errors import DeliveryError, EngineError
from localcloud.engine.scheduler import Scheduler
from localcloud.engine.senders import Deliver, Message, send_or_record_drop
from localcloud.errors import LocalCloudError
from localcloud.routing import schedule_expressions
from localcloud.routing.schedule_expressions import Rate, Schedule
from localcloud.trace import HopKind, Outcome, TraceStore

log = logging.getLogger(__name__)

# The longest the timetable sleeps without looking at the clock again.
MAX_SLEEP_S = 60.0
# Scheduler retries for up to 24 hours with backoff; locally the first retries come quickly.
RETRY_BASE_DELAY = 0.2
RETRY_MAX_DELAY = 5.0
DEFAULT_RETRY_ATTEMPTS = 185
DEFAULT_EVENT_AGE_S = 86400

Key = tuple[str, str, str, str, str]  # (kind, region, account, bus or group, name)


class ScheduleNotFoundError(LocalCloudError):
    """``schedule run`` named no rule with a schedule and no Scheduler schedule."""

    aws_code = "ResourceNotFoundException"
    http_status = 404


class Router(Protocol):
    """What schedules need of the EventRouter."""

    def deliver_targets(
        self,
        region: str,
        account: str,
        rule: RuleView,
        event: dict[str, Any],
        context: trace.TraceContext,
    ) -> int: ...

    def put_events(
        self, region: str, account: str, entries: list[dict[str, Any]]
    ) -> list[dict[str, Any]]: ...


# The clock schedules read is the cloud's clock (clock.py), which Step Functions' waits read too.
ScheduleClock = Clock


@dataclass
class Entry:
    """One rule or schedule in the timetable."""

    key: Key
    arn: str
    expression: str
    schedule: Schedule
    zone: tzinfo
    enabled: bool
    signature: tuple[Any, ...]
    start: float | None = None
    end: float | None = None
    window_s: float = 0.0
    nominal: float | None = None  # the next scheduled time (epoch seconds, clock time)
    due: float | None = None  # when it fires: nominal, or later within a flexible window
    fired: int = 0

    @property
    def kind(self) -> str:
        return self.key[0]

    @property
    def name(self) -> str:
        return self.key[4]

    @property
    def scope(self) -> str:
        """The rule's bus or the schedule's group."""
        return self.key[3]


@dataclass
class _Delivery:
    """One firing of a Scheduler schedule, through its retries."""

    view: ScheduleView
    body: str
    scheduled_at: float
    context: trace.TraceContext
    execution_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    first_at: float = field(default_factory=time.monotonic)
    attempt: int = 1


def _rule_key(view: ScheduledRuleView) -> Key:
    return ("rule", view.region, view.account, view.bus, view.name)


def _schedule_key(view: ScheduleView) -> Key:
    return ("schedule", view.region, view.account, view.group, view.name)


def _window_s(flexible: Any) -> float:
    if (flexible or {}).get("Mode") == "FLEXIBLE":
        return float(flexible.get("MaximumWindowInMinutes") or 0) * 60
    return 0.0


class Schedules:
    """The timetable of every schedule, and what fires them."""

    def __init__(
        self,
        router: Router,
        deliver: Deliver,
        scheduler: Scheduler,
        traces: TraceStore,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.router = router
        self.deliver = deliver
        self.scheduler = scheduler
        self.traces = traces
        self.clock = clock or Clock()
        self.rng = rng or random.Random()
        self._entries: dict[Key, Entry] = {}
        self._lock = threading.RLock()
        # monotonic times of the wake-ups handed to the Scheduler and not yet run
        self._wakes: set[float] = set()

    # -- the timetable --------------------------------------------------------------------------
    def changed(self) -> None:
        """A rule or schedule was created, changed or deleted (or a state was loaded)."""
        self.refresh()

    def refresh(self) -> None:
        """Read every rule and schedule again; recompute those whose schedule changed."""
        entries: dict[Key, Entry] = {}
        now = self.clock.now()
        for rule in backends.scheduled_rules():
            self._keep(entries, _rule_key(rule), (rule.expression, rule.enabled), now, rule)
        for held in backends.schedules():
            signature = (
                held.expression,
                held.timezone,
                held.enabled,
                held.start,
                held.end,
                _window_s(held.flexible_window),
            )
            self._keep(entries, _schedule_key(held), signature, now, held)
        with self._lock:
            for key, entry in entries.items():
                old = self._entries.get(key)
                if old is not None and old.signature == entry.signature:
                    entries[key] = old
            self._entries = entries
        self._arm()

    def _keep(
        self,
        entries: dict[Key, Entry],
        key: Key,
        signature: tuple[Any, ...],
        now: float,
        view: ScheduledRuleView | ScheduleView,
    ) -> None:
        with self._lock:
            old = self._entries.get(key)
        if old is not None and old.signature == signature:
            entries[key] = old
            return
        try:
            entry = self._entry(key, signature, now, view)
        except schedule_expressions.ScheduleExpressionError as exc:
            # PutRule and CreateSchedule refuse these; one that came another way never fires
            log.warning("%s %s never fires: %s", key[0], key[4], exc)
            return
        entries[key] = entry

    def _entry(
        self,
        key: Key,
        signature: tuple[Any, ...],
        now: float,
        view: ScheduledRuleView | ScheduleView,
    ) -> Entry:
        is_schedule = isinstance(view, ScheduleView)
        parsed = schedule_expressions.parse(view.expression, at_allowed=is_schedule)
        zone = schedule_expressions.zone(view.timezone if isinstance(view, ScheduleView) else None)
        start = view.start if isinstance(view, ScheduleView) else None
        if isinstance(parsed, Rate):
            # a rate counts from the schedule's start, or from when it was made (or changed)
            parsed = parsed.anchored(datetime.fromtimestamp(start or now, UTC))
        entry = Entry(
            key=key,
            arn=view.arn,
            expression=view.expression,
            schedule=parsed,
            zone=zone,
            enabled=view.enabled,
            signature=signature,
            start=start,
            end=view.end if isinstance(view, ScheduleView) else None,
            window_s=_window_s(view.flexible_window) if isinstance(view, ScheduleView) else 0.0,
        )
        self._plan(entry, now)
        return entry

    def _plan(self, entry: Entry, after: float) -> None:
        """Set the entry's next firing strictly after ``after`` (clock time)."""
        entry.nominal = entry.due = None
        if not entry.enabled:
            return
        if entry.start is not None and after < entry.start:
            after = entry.start - 0.001
        nxt = entry.schedule.next_after(datetime.fromtimestamp(after, UTC), entry.zone)
        if nxt is None:
            return
        nominal = nxt.timestamp()
        if entry.end is not None and nominal > entry.end:
            return
        entry.nominal = nominal
        entry.due = nominal + (self.rng.uniform(0, entry.window_s) if entry.window_s else 0.0)

    def _arm(self) -> None:
        """Have the Scheduler wake this timetable when its earliest entry is due."""
        with self._lock:
            dues = [e.due for e in self._entries.values() if e.due is not None]
            if not dues:
                return
            delay = min(max(0.0, min(dues) - self.clock.now()), MAX_SLEEP_S)
            wake = time.monotonic() + delay
            if any(pending <= wake + 0.001 for pending in self._wakes):
                return
            self._wakes.add(wake)
        self.scheduler.at(wake, lambda: self._woken(wake))

    def _woken(self, wake: float) -> None:
        with self._lock:
            self._wakes.discard(wake)
        self.tick()

    def tick(self) -> int:
        """Fire every entry that is due, plan its next firing, and sleep again; how many."""
        now = self.clock.now()
        due: list[tuple[Entry, float]] = []
        with self._lock:
            for entry in self._entries.values():
                if entry.due is not None and entry.nominal is not None and entry.due <= now:
                    due.append((entry, entry.nominal))
                    # a clock moved past several firings fires once, as a late wake-up would
                    self._plan(entry, max(entry.nominal, now))
        for entry, nominal in due:
            self.scheduler.soon(self._firing(entry.key, nominal))
        self._arm()
        return len(due)

    # -- firing ---------------------------------------------------------------------------------
    def _firing(self, key: Key, scheduled_at: float) -> Callable[[], object]:
        return lambda: self._fire(key, scheduled_at, manual=False)

    def _fire(self, key: Key, scheduled_at: float, manual: bool) -> trace.TraceContext | None:
        try:
            if key[0] == "rule":
                return self._fire_rule(key, scheduled_at, manual)
            return self._fire_schedule(key, scheduled_at, manual)
        except Exception:
            log.exception("firing %s %s failed", key[0], key[4])
            return None

    def _forget(self, key: Key) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def _fire_rule(self, key: Key, scheduled_at: float, manual: bool) -> trace.TraceContext | None:
        _, region, account, bus, name = key
        rule = backends.scheduled_rule(region, account, bus, name)
        if rule is None:
            self._forget(key)
            return None
        if not rule.enabled and not manual:
            return None
        event = schedule_shapes.scheduled_event(
            event_id=str(uuid.uuid4()),
            account=account,
            region=region,
            scheduled_at=scheduled_at,
            rule_arn=rule.arn,
        )
        context = self.traces.record(
            HopKind.SCHEDULE,
            "events",
            rule.name,
            context=trace.TraceContext(trace.new_root()),
            rule_arn=rule.arn,
            expression=rule.expression,
            scheduled_time=event["time"],
            event_id=event["id"],
            targets=len(rule.targets),
            manual=manual or None,
        )
        self._count(key)
        self.router.deliver_targets(region, account, rule.as_rule(), event, context)
        return context

    def _fire_schedule(
        self, key: Key, scheduled_at: float, manual: bool
    ) -> trace.TraceContext | None:
        _, region, account, group, name = key
        view = backends.schedule(region, account, group, name)
        if view is None:
            self._forget(key)
            return None
        if not view.enabled and not manual:
            return None
        target = view.target
        body = target.get("Input")
        context = self.traces.record(
            HopKind.SCHEDULE,
            "scheduler",
            f"{group}/{name}",
            context=trace.TraceContext(trace.new_root()),
            schedule_arn=view.arn,
            expression=view.expression,
            timezone=view.timezone,
            scheduled_time=shapes.iso_seconds(scheduled_at),
            target=target.get("Arn"),
            manual=manual or None,
        )
        self._count(key)
        self._send(_Delivery(view, "{}" if body is None else str(body), scheduled_at, context))
        if not manual and view.action_after_completion == "DELETE":
            with self._lock:
                entry = self._entries.get(key)
                completed = entry is None or entry.nominal is None
            if completed:
                backends.delete_schedule(region, account, group, name)
                self._forget(key)
        return context

    def _count(self, key: Key) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.fired += 1

    def _send(self, delivery: _Delivery) -> None:
        view, target = delivery.view, delivery.view.target
        arn = str(target.get("Arn", ""))
        hop = self.traces.record(
            HopKind.DELIVER,
            service_of(arn) or "scheduler",
            arn,
            context=delivery.context,
            schedule=f"{view.group}/{view.name}",
            attempt=delivery.attempt,
        )
        try:
            self._deliver_target(view, arn, delivery.body, hop)
        except (DeliveryError, EngineError) as exc:
            self._failed(delivery, arn, exc)

    def _deliver_target(
        self, view: ScheduleView, arn: str, body: str, context: trace.TraceContext
    ) -> None:
        target = view.target
        service = service_of(arn)
        if service in ("lambda", "sqs", "sns"):
            group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
            self.deliver.send(arn, Message(body, group_id=group_id), context)
            return
        if service == "events" and parse_arn(arn).resource.startswith("event-bus/"):
            parameters = target.get("EventBridgeParameters") or {}
            entry = {
                "EventBusName": arn,
                "Source": parameters.get("Source"),
                "DetailType": parameters.get("DetailType"),
                "Detail": body,
            }
            with trace.activate(context):
                result = self.router.put_events(view.region, view.account, [entry])[0]
            if "ErrorCode" in result:
                raise DeliveryError(
                    str(result["ErrorCode"]), str(result.get("ErrorMessage")), retriable=False
                )
            return
        raise DeliveryError(
            "UnsupportedTarget",
            f"the local cloud cannot deliver schedule {view.group}/{view.name} to {arn}: "
            "Lambda, SQS, SNS and EventBridge bus targets are supported",
            retriable=False,
        )

    def _failed(self, delivery: _Delivery, arn: str, exc: Exception) -> None:
        retriable = bool(getattr(exc, "retriable", False))
        code = str(getattr(exc, "code", type(exc).__name__))
        policy = delivery.view.target.get("RetryPolicy") or {}
        attempts = int(policy.get("MaximumRetryAttempts", DEFAULT_RETRY_ATTEMPTS)) + 1
        max_age = float(policy.get("MaximumEventAgeInSeconds", DEFAULT_EVENT_AGE_S))
        too_old = time.monotonic() - delivery.first_at > max_age
        if retriable and delivery.attempt < attempts and not too_old:
            delay = min(RETRY_BASE_DELAY * 2 ** (delivery.attempt - 1), RETRY_MAX_DELAY)
            self.traces.record(
                HopKind.RETRY,
                "scheduler",
                arn,
                context=delivery.context,
                outcome=Outcome.RETRY,
                attempt=delivery.attempt + 1,
                delay_s=delay,
                error=f"{code}: {exc}",
            )
            delivery.attempt += 1
            self.scheduler.later(delay, lambda: self._send(delivery))
            return
        exhausted = None
        if retriable:
            exhausted = "MaximumEventAgeInSeconds" if too_old else "MaximumRetryAttempts"
        self._dead_letter(delivery, arn, code, str(exc), exhausted)

    def _dead_letter(
        self, delivery: _Delivery, arn: str, code: str, message: str, exhausted: str | None
    ) -> None:
        view = delivery.view
        dlq = (view.target.get("DeadLetterConfig") or {}).get("Arn")
        self.traces.record(
            HopKind.DLQ if dlq else HopKind.DROP,
            "scheduler",
            arn,
            context=delivery.context,
            outcome=Outcome.ERROR,
            reason=f"{code}: {message}",
            dead_letter_queue=dlq,
            attempts=delivery.attempt,
        )
        if not dlq:
            return
        attributes = schedule_shapes.scheduler_dead_letter_attributes(
            schedule_arn=view.arn,
            target_arn=arn,
            code=code,
            message=message,
            retry_attempts=delivery.attempt - 1,
            scheduled_at=delivery.scheduled_at,
            execution_id=delivery.execution_id,
            exhausted=exhausted,
        )
        send_or_record_drop(
            self.deliver,
            self.traces,
            dlq,
            Message(delivery.body, attributes),
            delivery.context,
            "the schedule's dead-letter queue refused the input",
        )

    # -- what the admin endpoints offer -----------------------------------------------------------
    def run(self, name: str, group: str | None = None) -> dict[str, Any]:
        """Fire a rule (by name) or a Scheduler schedule (by name and group) now."""
        self.refresh()
        entry = self._find(name, group)
        context = self._fire(entry.key, self.clock.now(), manual=True)
        return {
            **self._describe(entry),
            "fired_at": shapes.iso_seconds(self.clock.now()),
            "trace_id": context.root if context else None,
        }

    def _find(self, name: str, group: str | None) -> Entry:
        with self._lock:
            entries = list(self._entries.values())
        if group is None:
            rules = [e for e in entries if e.kind == "rule" and e.name == name]
            if len(rules) > 1:
                buses = ", ".join(sorted(e.scope for e in rules))
                raise ScheduleNotFoundError(
                    f"several rules named {name} have a schedule (on buses {buses})"
                )
            if rules:
                return rules[0]
        wanted = group or "default"
        for entry in entries:
            if entry.kind == "schedule" and entry.name == name and entry.scope == wanted:
                return entry
        # a deployed rule's name is "{stack}-{LogicalId}": the logical id alone will do
        suffixed = [
            e
            for e in entries
            if e.name.endswith(f"-{name}") and (group is None or e.scope == group)
        ]
        if len(suffixed) == 1:
            return suffixed[0]
        if len(suffixed) > 1:
            raise ScheduleNotFoundError(
                f"{name} is the logical id of a schedule in several stacks "
                f"({', '.join(sorted(e.name for e in suffixed))}); run one by its full name"
            )
        known = sorted(
            e.name if e.kind == "rule" else f"{e.name} (--group {e.scope})" for e in entries
        )
        what = (
            f"no schedule {name} in group {group}"
            if group
            else (f"no rule {name} with a schedule and no schedule {name} in the default group")
        )
        raise ScheduleNotFoundError(
            what + (f"; known: {', '.join(known)}" if known else "; there are no schedules")
        )

    def listing(self) -> list[dict[str, Any]]:
        """Every rule and schedule with its next firing, soonest first."""
        self.refresh()
        with self._lock:
            entries = sorted(
                self._entries.values(), key=lambda e: (e.nominal is None, e.nominal or 0, e.key)
            )
            return [self._describe(entry) for entry in entries]

    def _describe(self, entry: Entry) -> dict[str, Any]:
        described: dict[str, Any] = {
            "kind": entry.kind,
            "name": entry.name,
            "bus" if entry.kind == "rule" else "group": entry.scope,
            "arn": entry.arn,
            "expression": entry.expression,
            "state": "ENABLED" if entry.enabled else "DISABLED",
            "next": shapes.iso_seconds(entry.nominal) if entry.nominal else None,
            "fired": entry.fired,
        }
        if entry.kind == "schedule":
            described["timezone"] = getattr(entry.zone, "key", "UTC")
            if entry.window_s:
                described["window_s"] = entry.window_s
        return described

    def clock_state(self) -> dict[str, Any]:
        now = self.clock.now()
        # the waits on the clock (Step Functions' Wait states and Retry intervals) in progress
        waits = self.clock.deadlines()
        return {
            "now": _iso(now),
            "offset_s": round(self.clock.offset, 3),
            "waits": len(waits),
            "next_wait_ends": _iso(waits[0]) if waits else None,
        }

    def move_clock(self, advance_s: float | None = None, to: float | None = None) -> dict[str, Any]:
        """Move the test clock forward by ``advance_s`` or to ``to`` (epoch seconds): due
        entries fire at once (each once), the rest are planned from the new time."""
        if to is not None:
            self.clock.set(to)
            with self._lock:
                for entry in self._entries.values():
                    self._plan(entry, to)
        elif advance_s is not None:
            self.clock.advance(advance_s)
        self.scheduler.soon(self.tick)
        return self.clock_state()

    def clear(self) -> None:
        """Forget the timetable and the clock's offset (the cloud was reset)."""
        with self._lock:
            self._entries.clear()
            self._wakes.clear()
        self.clock.reset()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
