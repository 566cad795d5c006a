"""REST API keys and usage plans: which callers a method admits, and how often.

A method with ``apiKeyRequired`` admits a request only with the value of an enabled API key
(``x-api-key``, or the ``usageIdentifierKey`` a Lambda authorizer returned when the API's key
source is ``AUTHORIZER``) that a usage plan associates with the API's stage; anything else is
AWS's 403 ``Forbidden``. The plan then meters the key: its throttle (a token bucket per key
holding ``burstLimit`` requests, refilled at ``rateLimit`` per second; a method's own throttle in
the plan's stage replaces the plan's) answers 429 ``Too Many Requests``, its quota (``limit``
requests per ``DAY``, ``WEEK`` or ``MONTH``, UTC) answers 429 ``Limit Exceeded``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from localcloud.apigw import denials
from localcloud.apigw.denials import Denial

API_KEY_HEADER = "x-api-key"


@dataclass(frozen=True, slots=True)
class ApiKey:
    key_id: str
    value: str
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Throttle:
    rate_limit: float  # requests per second, refilled continuously
    burst_limit: int  # the bucket's size


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    period: str  # DAY, WEEK or MONTH
    offset: int = 0  # WEEK: the day it starts (0 Sunday); MONTH: days after the 1st


@dataclass(frozen=True, slots=True)
class UsagePlan:
    plan_id: str
    name: str
    stages: frozenset[tuple[str, str]]  # (apiId, stage)
    key_ids: frozenset[str]
    throttle: Throttle | None = None
    quota: Quota | None = None
    # (apiId, stage, "/resource/path/METHOD") -> the method's own throttle
    method_throttles: Mapping[tuple[str, str, str], Throttle] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class KeyRing:
    """The keys and plans as deployed: the part of API Gateway's state API keys depend on."""

    keys: tuple[ApiKey, ...] = ()
    plans: tuple[UsagePlan, ...] = ()

    def by_value(self, value: str) -> ApiKey | None:
        return next((k for k in self.keys if k.value == value), None)

    def plan_for(self, key: ApiKey, api_id: str, stage: str) -> UsagePlan | None:
        for plan in self.plans:
            if key.key_id in plan.key_ids and (api_id, stage) in plan.stages:
                return plan
        return None


@dataclass(frozen=True, slots=True)
class Admitted:
    """A request a key admitted: the key's id (``$context.identity.apiKeyId``) and value."""

    key_id: str
    value: str


class UsageMeter:
    """Checks keys and meters them against their usage plans (thread-safe)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str, str], tuple[float, float]] = {}  # tokens, at
        self._used: dict[tuple[str, str], tuple[datetime, int]] = {}  # period start, count

    def admit(
        self,
        ring: KeyRing,
        value: str | None,
        api_id: str,
        stage: str,
        method_key: str,
    ) -> Admitted | Denial:
        """Admit a request to ``method_key`` (``/path/METHOD``) carrying key ``value``."""
        if not value:
            return denials.forbidden(True, "the method requires an API key; none was sent")
        key = ring.by_value(value)
        if key is None or not key.enabled:
            state = "unknown" if key is None else "disabled"
            return denials.forbidden(True, f"API key {_masked(value)} is {state}")
        plan = ring.plan_for(key, api_id, stage)
        if plan is None:
            return denials.forbidden(
                True, f"API key {key.key_id} is in no usage plan of API {api_id} stage {stage}"
            )
        throttle = plan.method_throttles.get((api_id, stage, method_key), plan.throttle)
        with self._lock:
            if throttle is not None and not self._take(plan, key, method_key, throttle):
                return denials.too_many_requests(
                    f"usage plan {plan.name}: key {key.key_id} over {throttle.rate_limit}/s "
                    f"(burst {throttle.burst_limit})"
                )
            if plan.quota is not None and not self._count(plan, key, plan.quota):
                return denials.limit_exceeded(
                    f"usage plan {plan.name}: key {key.key_id} used its {plan.quota.limit} "
                    f"requests per {plan.quota.period}"
                )
        return Admitted(key.key_id, key.value)

    def forget(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._used.clear()

    def _take(self, plan: UsagePlan, key: ApiKey, method_key: str, throttle: Throttle) -> bool:
        scope = method_key if method_key in {k[2] for k in plan.method_throttles} else ""
        bucket_key = (plan.plan_id, key.key_id, scope)
        now = self._clock()
        capacity = float(max(throttle.burst_limit, 0))
        tokens, at = self._buckets.get(bucket_key, (capacity, now))
        tokens = min(capacity, tokens + (now - at) * max(throttle.rate_limit, 0.0))
        if tokens < 1.0:
            self._buckets[bucket_key] = (tokens, now)
            return False
        self._buckets[bucket_key] = (tokens - 1.0, now)
        return True

    def _count(self, plan: UsagePlan, key: ApiKey, quota: Quota) -> bool:
        start = period_start(quota, datetime.fromtimestamp(self._wall_clock(), UTC))
        used_key = (plan.plan_id, key.key_id)
        began, count = self._used.get(used_key, (start, 0))
        if began != start:
            count = 0
        if count >= quota.limit:
            return False
        self._used[used_key] = (start, count + 1)
        return True


def period_start(quota: Quota, now: datetime) -> datetime:
    """When the quota's current period began (UTC)."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if quota.period == "DAY":
        return day
    if quota.period == "WEEK":
        # isoweekday: Monday 1 ... Sunday 7; offset 0 is Sunday
        back = (day.isoweekday() % 7 - quota.offset) % 7
        return day - timedelta(days=back)
    first = day.replace(day=1) + timedelta(days=quota.offset)
    if first > day:
        previous = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
        first = previous + timedelta(days=quota.offset)
    return first


def _masked(value: str) -> str:
    return value[:4] + "..." if len(value) > 6 else "***"


def key_ring(
    keys: Sequence[Mapping[str, Any]],
    plans: Sequence[Mapping[str, Any]],
    plan_keys: Mapping[str, Sequence[str]],
) -> KeyRing:
    """A KeyRing from API Gateway's descriptions (GetApiKeys' and GetUsagePlans' items)."""
    return KeyRing(
        tuple(
            ApiKey(str(k["id"]), str(k.get("value") or ""), bool(k.get("enabled", True)))
            for k in keys
        ),
        tuple(_plan(plan, plan_keys.get(str(plan["id"]), ())) for plan in plans),
    )


def _plan(plan: Mapping[str, Any], key_ids: Sequence[str]) -> UsagePlan:
    stages = set()
    method_throttles: dict[tuple[str, str, str], Throttle] = {}
    for stage in plan.get("apiStages") or ():
        api_id, name = str(stage.get("apiId")), str(stage.get("stage"))
        stages.add((api_id, name))
        for method_key, throttle in (stage.get("throttle") or {}).items():
            method_throttles[(api_id, name, str(method_key))] = _throttle(throttle)
    quota = plan.get("quota")
    return UsagePlan(
        plan_id=str(plan["id"]),
        name=str(plan.get("name") or plan["id"]),
        stages=frozenset(stages),
        key_ids=frozenset(key_ids),
        throttle=_throttle(plan["throttle"]) if plan.get("throttle") else None,
        quota=Quota(
            int(quota["limit"]), str(quota.get("period", "DAY")), int(quota.get("offset") or 0)
        )
        if quota
        else None,
        method_throttles=method_throttles,
    )


def _throttle(throttle: Mapping[str, Any]) -> Throttle:
    return Throttle(float(throttle.get("rateLimit") or 0), int(throttle.get("burstLimit") or 0))
