"""EventBridge delivery: PutEvents, rule matching, target input, retries, DLQs, archives, replay.

moto keeps buses, rules, targets and archives; this module does what moto does not: it matches
events with the compiled pattern engine, delivers to Lambda, SQS, SNS and other buses through the
senders, applies each target's RetryPolicy and DeadLetterConfig, archives what archive rules
select and replays an archive's time window with ``replay-name`` set. A CloudWatch Logs log group
target gets each event in a stream of its own.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from functools import partial
from typing import Any

from localcloud import afterward, quotas, trace
from localcloud.arns import parse_arn, service_of
from localcloud.emulator import backends
from localcloud.emulator.hooks import ReplayDone
from localcloud.emulator.views import ReplayView, RuleView, epoch
from localcloud.engine import shapes
from localcloud.engine.errors import DeliveryError, EngineError
from localcloud.engine.scheduler import Scheduler
from localcloud.engine.senders import Deliver, Message, send_or_record_drop
from localcloud.routing.errors import PutEventsError, RoutingError
from localcloud.routing.patterns import compile_event_pattern
from localcloud.routing.transform import render_target_input
from localcloud.trace import HopKind, Outcome, TraceStore

log = logging.getLogger(__name__)

MAX_ENTRIES = quotas.PUT_EVENTS_ENTRIES
MAX_ENTRY_BYTES = quotas.PUT_EVENTS_ENTRY_BYTES
# AWS retries a target for 24 hours with backoff; locally the first retries come quickly.
RETRY_BASE_DELAY = 0.2
RETRY_MAX_DELAY = 5.0


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
    size = quotas.put_events_entry_size(entry)
    if size > MAX_ENTRY_BYTES:
        return "InvalidArgument", f"Entry size {size} bytes exceeds the limit of {MAX_ENTRY_BYTES}."
    return None


def bus_name(name_or_arn: str | None) -> str:
    if not name_or_arn:
        return "default"
    return name_or_arn.split("event-bus/", 1)[1] if "event-bus/" in name_or_arn else name_or_arn


class EventRouter:
    """Routes events put on a bus to the targets of every rule that matches them."""

    def __init__(self, deliver: Deliver, scheduler: Scheduler, traces: TraceStore) -> None:
        self.deliver = deliver
        self.scheduler = scheduler
        self.traces = traces

    # -- API operations ------------------------------------------------------------------------
    def put_events(
        self, region: str, account: str, entries: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """PutEvents: per-entry results; invalid entries fail alone, the rest are delivered."""
        if not entries or len(entries) > MAX_ENTRIES:
            # AWS's text, word for word (it names the member type, not the entries)
            bound = (
                f"less than or equal to {MAX_ENTRIES}" if entries else "greater than or equal to 1"
            )
            raise PutEventsError(
                "1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' "
                f"failed to satisfy constraint: Member must have length {bound}"
            )
        results = []
        for entry in entries:
            problem = _entry_error(entry)
            bus = bus_name(entry.get("EventBusName"))
            if problem is None and not backends.bus_exists(region, account, bus):
                problem = ("ResourceNotFoundException", f"Event bus {bus} does not exist.")
            if problem is not None:
                results.append({"ErrorCode": problem[0], "ErrorMessage": problem[1]})
                continue
            event = shapes.eventbridge_event(
                entry, event_id=str(uuid.uuid4()), account=account, region=region, now=time.time()
            )
            context = self.traces.record(
                HopKind.PUBLISH,
                "events",
                bus,
                event_id=event["id"],
                detail_type=event["detail-type"],
                source=event["source"],
            )
            # AWS acknowledges and delivers afterwards: over HTTP, after the answer is sent.
            afterward.later(partial(self.route, region, account, bus, event, context))
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
    def forward(
        self,
        region: str,
        account: str,
        bus: str,
        event: dict[str, Any],
        context: trace.TraceContext,
    ) -> None:
        """An event delivered to a bus by another bus's rule."""
        if not backends.bus_exists(region, account, bus):
            raise DeliveryError(
                "ResourceNotFoundException", f"Event bus {bus} does not exist.", False
            )
        context = self.traces.record(
            HopKind.PUBLISH,
            "events",
            bus,
            context=context,
            event_id=event.get("id"),
            forwarded=True,
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
        rules = backends.bus_rules(region, account, bus)
        if rules is None:
            return 0
        matched = 0
        for rule in rules:
            if not rule.enabled or (only_rules is not None and rule.arn not in only_rules):
                continue
            if not rule.matches(event):
                continue
            matched += 1
            rule_context = self.traces.record(
                HopKind.MATCH, "events", rule.name, context=context, rule_arn=rule.arn
            )
            for target in rule.targets:
                self._deliver(region, account, rule, target, event, rule_context, 1, time.time())
        if not matched:
            self.traces.record(
                HopKind.MISS,
                "events",
                bus,
                context=context,
                outcome=Outcome.MISS,
                reason="no enabled rule on the bus matches the event",
            )
        return matched

    def deliver_targets(
        self,
        region: str,
        account: str,
        rule: RuleView,
        event: dict[str, Any],
        context: trace.TraceContext,
    ) -> int:
        """Deliver ``event`` to every target of ``rule`` (a scheduled rule firing); how many."""
        for target in rule.targets:
            self._deliver(region, account, rule, target, event, context, 1, time.time())
        return len(rule.targets)

    def _deliver(
        self,
        region: str,
        account: str,
        rule: RuleView,
        target: Mapping[str, Any],
        event: dict[str, Any],
        context: trace.TraceContext,
        attempt: int,
        first_at: float,
    ) -> None:
        arn = target["Arn"]
        if rule.archive is not None:
            if backends.archive_event(region, account, rule.archive, event):
                self.traces.record(HopKind.ARCHIVE, "events", rule.archive, context=context)
            return
        try:
            body = render_target_input(dict(target), event, rule_arn=rule.arn, rule_name=rule.name)
        except RoutingError as exc:
            self._dead_letter(rule, target, event, context, "InvalidInput", str(exc))
            return
        group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
        hop = self.traces.record(
            HopKind.DELIVER,
            service_of(arn),
            arn,
            context=context,
            rule=rule.name,
            target_id=target.get("Id"),
            attempt=attempt,
        )
        try:
            # No deduplication id: a FIFO target must deduplicate by content (AWS's rule), and a
            # queue that does not refuses the message.
            self.deliver.send(arn, Message(body, group_id=group_id), hop)
        except (DeliveryError, EngineError) as exc:
            retriable = getattr(exc, "retriable", False)
            code = getattr(exc, "code", type(exc).__name__)
            policy = target.get("RetryPolicy") or {}
            max_attempts = int(policy.get("MaximumRetryAttempts", 185)) + 1
            max_age = float(policy.get("MaximumEventAgeInSeconds", 86400))
            too_old = time.time() - first_at > max_age
            if retriable and attempt < max_attempts and not too_old:
                delay = min(RETRY_BASE_DELAY * 2 ** (attempt - 1), RETRY_MAX_DELAY)
                self.traces.record(
                    HopKind.RETRY,
                    "events",
                    arn,
                    context=context,
                    outcome=Outcome.RETRY,
                    attempt=attempt + 1,
                    delay_s=delay,
                    error=f"{code}: {exc}",
                )
                self.scheduler.later(
                    delay,
                    lambda: self._deliver(
                        region, account, rule, target, event, context, attempt + 1, first_at
                    ),
                )
                return
            self._dead_letter(rule, target, event, context, code, str(exc))

    def _dead_letter(
        self,
        rule: RuleView,
        target: Mapping[str, Any],
        event: dict[str, Any],
        context: trace.TraceContext,
        code: str,
        message: str,
    ) -> None:
        dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
        self.traces.record(
            HopKind.DLQ if dlq else HopKind.DROP,
            "events",
            target["Arn"],
            context=context,
            outcome=Outcome.ERROR,
            reason=f"{code}: {message}",
            dead_letter_queue=dlq,
        )
        if not dlq:
            return
        attributes = shapes.eventbridge_dead_letter_attributes(
            rule.arn, target["Arn"], code, message
        )
        send_or_record_drop(
            self.deliver,
            self.traces,
            dlq,
            Message(json.dumps(event), attributes),
            context,
            "the dead-letter queue refused the event",
        )

    # -- replay --------------------------------------------------------------------------------
    def replay(self, replay: ReplayView, done: ReplayDone) -> None:
        """Run a replay in the background; ``done`` is told how it ended."""
        thread = threading.Thread(target=self._replay, args=(replay, done), daemon=True)
        thread.start()

    def _replay(self, replay: ReplayView, done: ReplayDone) -> None:
        try:
            _, region, account, resource = parse_arn(replay.bus_arn)
            bus = resource.split("/", 1)[1]
            rules = set(replay.filter_arns) or None
            for event in replay.events:
                if not replay.start <= epoch(event["time"]) < replay.end:
                    continue
                # sent again as a new event (its own id), marked with the replay's name
                replayed = dict(event, **{"id": str(uuid.uuid4()), "replay-name": replay.name})
                context = self.traces.record(
                    HopKind.REPLAY,
                    "events",
                    bus,
                    replay=replay.name,
                    event_id=replayed["id"],
                    replayed_from=event.get("id"),
                )
                self.route(region, account, bus, replayed, context, only_rules=rules)
        except Exception as exc:
            log.exception("replay %s failed", replay.name)
            done(str(exc))
            return
        done(None)
