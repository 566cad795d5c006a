"""EventBridge delivery: PutEvents, rule matching, target input, retries, DLQs, archives, replay.

moto keeps buses, rules, targets and archives; this module does what moto does not: it matches
events with the compiled pattern engine, delivers to Lambda, SQS, SNS and other buses through the
engine's senders, applies each target's RetryPolicy and DeadLetterConfig, archives what archive
rules select and replays an archive's time window with ``replay-name`` set.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from localcloud import trace
from localcloud.emulator import backends
from localcloud.engine.errors import DeliveryError, EngineError
from localcloud.engine.senders import Message
from localcloud.routing.errors import PutEventsError, RoutingError
from localcloud.routing.patterns import compile_event_pattern
from localcloud.routing.transform import render_target_input

if TYPE_CHECKING:
    from localcloud.engine import Engine

log = logging.getLogger(__name__)

MAX_ENTRIES = 10
MAX_ENTRY_BYTES = 256 * 1024
# AWS retries a target for 24 hours with backoff; locally the first retries come quickly.
RETRY_BASE_DELAY = 0.2
RETRY_MAX_DELAY = 5.0
ARCHIVE_RULE_PREFIX = "Events-Archive-"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def _entry_error(entry: dict[str, Any]) -> tuple[str, str] | None:
    for field in ("Source", "DetailType", "Detail"):
        if not entry.get(field):
            return (
                "InvalidArgument",
                f"Parameter {field} is not valid. Reason: {field} is a required argument.",
            )
    try:
        detail = json.loads(entry["Detail"])
    except ValueError:
        return "MalformedDetail", "Detail is malformed."
    if not isinstance(detail, dict):
        return "MalformedDetail", "Detail is malformed: it must be a JSON object."
    size = len(json.dumps(entry).encode())
    if size > MAX_ENTRY_BYTES:
        return "InvalidArgument", f"Entry size {size} bytes exceeds the limit of {MAX_ENTRY_BYTES}."
    return None


class EventRouter:
    """Routes events put on a bus to the targets of every rule that matches them."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._lock = threading.Lock()

    def attach(self, engine: Engine) -> None:
        self.engine = engine

    # -- API operations ------------------------------------------------------------------------
    def put_events(
        self, region: str, account: str, entries: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """PutEvents: per-entry results; invalid entries fail alone, the rest are delivered."""
        if not entries or len(entries) > MAX_ENTRIES:
            raise PutEventsError(
                f"1 validation error detected: Value at 'entries' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_ENTRIES} and at least 1 "
                f"(got {len(entries)})"
            )
        results = []
        for entry in entries:
            problem = _entry_error(entry)
            bus = self._bus_name(entry.get("EventBusName"))
            if problem is None and not self._bus_exists(region, account, bus):
                problem = ("ResourceNotFoundException", f"Event bus {bus} does not exist.")
            if problem is not None:
                results.append({"ErrorCode": problem[0], "ErrorMessage": problem[1]})
                continue
            event = {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": entry["DetailType"],
                "source": entry["Source"],
                "account": account,
                "time": _iso(_epoch(entry["Time"])) if entry.get("Time") else _iso(time.time()),
                "region": region,
                "resources": entry.get("Resources") or [],
                "detail": json.loads(entry["Detail"]),
            }
            assert self.engine is not None
            context = self.engine.traces.record(
                "publish",
                "events",
                bus,
                event_id=event["id"],
                detail_type=event["detail-type"],
                source=event["source"],
            )
            self.route(region, account, bus, event, context)
            results.append({"EventId": event["id"]})
        return results

    def test_event_pattern(self, pattern: str, event: str) -> bool:
        try:
            parsed = json.loads(event)
        except ValueError as exc:
            raise RoutingError(f"Event is not valid JSON: {exc}") from exc
        if not isinstance(parsed, dict):
            raise RoutingError("Event must be a JSON object.")
        missing = [
            f
            for f in ("id", "account", "source", "time", "region", "detail-type")
            if f not in parsed
        ]
        if missing:
            raise RoutingError(
                f"Parameter Event is not valid. Reason: Provided Event must have fields "
                f"{', '.join(missing)}"
            )
        return compile_event_pattern(pattern).matches(parsed)

    # -- routing -------------------------------------------------------------------------------
    @staticmethod
    def _bus_name(name_or_arn: str | None) -> str:
        if not name_or_arn:
            return "default"
        return name_or_arn.split("event-bus/", 1)[1] if "event-bus/" in name_or_arn else name_or_arn

    @staticmethod
    def _bus_exists(region: str, account: str, bus: str) -> bool:
        return bus in backends.events_backend(region, account).event_buses

    def forward(
        self,
        region: str,
        account: str,
        bus: str,
        event: dict[str, Any],
        context: trace.TraceContext,
    ) -> None:
        """An event delivered to a bus by another bus's rule."""
        if not self._bus_exists(region, account, bus):
            raise DeliveryError(
                "ResourceNotFoundException", f"Event bus {bus} does not exist.", False
            )
        assert self.engine is not None
        context = self.engine.traces.record(
            "publish", "events", bus, context=context, event_id=event.get("id"), forwarded=True
        )
        self.route(region, account, bus, event, context)

    def route(
        self,
        region: str,
        account: str,
        bus: str,
        event: dict[str, Any],
        context: trace.TraceContext,
        only_rules: set[str] | None = None,
    ) -> int:
        """Deliver ``event`` to the targets of every matching rule; returns how many matched."""
        assert self.engine is not None
        backend = backends.events_backend(region, account)
        event_bus = backend.event_buses.get(bus)
        if event_bus is None:
            return 0
        matched = 0
        for rule in list(event_bus.rules.values()):
            if (
                rule.state != "ENABLED"
                or rule.event_pattern is None
                or not rule.event_pattern.dump()
            ):
                continue
            if only_rules is not None and rule.arn not in only_rules:
                continue
            targets = list(rule.targets)
            if not rule.event_pattern.matches_event(event):
                continue
            matched += 1
            rule_context = self.engine.traces.record(
                "match", "events", rule.name, context=context, rule_arn=rule.arn
            )
            for target in targets:
                self._deliver(
                    region,
                    account,
                    rule,
                    target,
                    event,
                    rule_context,
                    attempt=1,
                    first_at=time.time(),
                )
        if not matched:
            self.engine.traces.record(
                "miss",
                "events",
                bus,
                context=context,
                outcome="miss",
                reason="no enabled rule on the bus matches the event",
            )
        return matched

    def _deliver(
        self,
        region: str,
        account: str,
        rule: Any,
        target: dict[str, Any],
        event: dict[str, Any],
        context: trace.TraceContext,
        attempt: int,
        first_at: float,
    ) -> None:
        assert self.engine is not None
        arn = target["Arn"]
        if rule.name.startswith(ARCHIVE_RULE_PREFIX) and rule.managed_by:
            # moto models an archive as a managed rule (its pattern excludes replayed events)
            self._archive(region, account, rule.name[len(ARCHIVE_RULE_PREFIX) :], event, context)
            return
        try:
            body = render_target_input(target, event, rule_arn=rule.arn, rule_name=rule.name)
        except RoutingError as exc:
            self._dead_letter(rule, target, event, context, "InvalidInput", str(exc))
            return
        group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
        dedup = event["id"] if group_id else None
        hop = self.engine.traces.record(
            "deliver",
            arn.split(":")[2],
            arn,
            context=context,
            rule=rule.name,
            target_id=target.get("Id"),
            attempt=attempt,
        )
        try:
            self.engine.senders.send(
                arn, Message(body, group_id=group_id, deduplication_id=dedup), hop
            )
        except (DeliveryError, EngineError) as exc:
            retriable = getattr(exc, "retriable", False)
            code = getattr(exc, "code", type(exc).__name__)
            policy = target.get("RetryPolicy") or {}
            max_attempts = int(policy.get("MaximumRetryAttempts", 185)) + 1
            max_age = float(policy.get("MaximumEventAgeInSeconds", 86400))
            too_old = time.time() - first_at > max_age
            if retriable and attempt < max_attempts and not too_old:
                delay = min(RETRY_BASE_DELAY * 2 ** (attempt - 1), RETRY_MAX_DELAY)
                self.engine.traces.record(
                    "retry",
                    "events",
                    arn,
                    context=context,
                    outcome="retry",
                    attempt=attempt + 1,
                    delay_s=delay,
                    error=f"{code}: {exc}",
                )
                self.engine.invoker.scheduler.at(
                    time.monotonic() + delay,
                    lambda: self._deliver(
                        region, account, rule, target, event, context, attempt + 1, first_at
                    ),
                )
                return
            self._dead_letter(rule, target, event, context, code, str(exc))

    def _dead_letter(
        self,
        rule: Any,
        target: dict[str, Any],
        event: dict[str, Any],
        context: trace.TraceContext,
        code: str,
        message: str,
    ) -> None:
        assert self.engine is not None
        dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
        self.engine.traces.record(
            "dlq" if dlq else "drop",
            "events",
            target["Arn"],
            context=context,
            outcome="error",
            reason=f"{code}: {message}",
            dead_letter_queue=dlq,
        )
        if not dlq:
            return
        attributes = {
            "RULE_ARN": rule.arn,
            "TARGET_ARN": target["Arn"],
            "ERROR_CODE": code,
            "ERROR_MESSAGE": message[:1000],
        }
        try:
            self.engine.senders.send(dlq, Message(json.dumps(event), attributes), context)
        except DeliveryError as exc:
            self.engine.traces.record(
                "drop",
                "sqs",
                dlq,
                context=context,
                outcome="error",
                reason=f"the dead-letter queue refused the event: {exc}",
            )

    # -- archives and replay ---------------------------------------------------------------------
    def _archive(
        self,
        region: str,
        account: str,
        name: str,
        event: dict[str, Any],
        context: trace.TraceContext,
    ) -> None:
        assert self.engine is not None
        archive = backends.events_backend(region, account).archives.get(name)
        if archive is None or archive.state != "ENABLED":
            return
        with self._lock:
            archive.events.append(event)
        self.engine.traces.record("archive", "events", name, context=context)

    def replay(self, replay: Any, archive: Any) -> None:
        """Run a replay in the background: RUNNING, then COMPLETED (or FAILED)."""
        from moto.events.models import ReplayState

        replay.state = ReplayState.RUNNING
        thread = threading.Thread(
            target=self._replay, args=(replay, archive, ReplayState), daemon=True
        )
        thread.start()

    def _replay(self, replay: Any, archive: Any, states: Any) -> None:
        assert self.engine is not None
        try:
            start, end = _epoch(replay.event_start_time), _epoch(replay.event_end_time)
            bus_arn = replay.destination["Arn"]
            _, region, account, resource = backends.parse_arn(bus_arn)
            bus = resource.split("/", 1)[1]
            rules = set(replay.destination.get("FilterArns") or []) or None
            with self._lock:
                events = list(archive.events)
            for event in events:
                if not start <= _epoch(event["time"]) < end:
                    continue
                replayed = dict(event, **{"replay-name": replay.name})
                context = self.engine.traces.record(
                    "replay", "events", bus, replay=replay.name, event_id=event.get("id")
                )
                self.route(region, account, bus, replayed, context, only_rules=rules)
            replay.state = states.COMPLETED
        except Exception as exc:
            log.exception("replay %s failed", replay.name)
            replay.state = states.FAILED
            replay.state_reason = str(exc)
        replay.end_time = time.time()
