"""API keys and usage plans: who is admitted, throttled and out of quota."""

from __future__ import annotations

from datetime import UTC, datetime

from localcloud.apigw.apikeys import (
    Admitted,
    ApiKey,
    KeyRing,
    Quota,
    Throttle,
    UsageMeter,
    UsagePlan,
    period_start,
)
from localcloud.apigw.denials import Denial

KEY = ApiKey("k1", "secret-value-1")
OFF = ApiKey("k2", "secret-value-2", enabled=False)
LONE = ApiKey("k3", "secret-value-3")


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def ring(**plan: object) -> KeyRing:
    return KeyRing(
        (KEY, OFF, LONE),
        (UsagePlan("p1", "Basic", frozenset({("api", "prod")}), frozenset({"k1", "k2"}), **plan),),  # type: ignore[arg-type]
    )


def admit(meter: UsageMeter, keys: KeyRing, value: str | None) -> Admitted | Denial:
    return meter.admit(keys, value, "api", "prod", "/pets/GET")


def test_valid_key_is_admitted() -> None:
    outcome = admit(UsageMeter(), ring(), "secret-value-1")
    assert outcome == Admitted("k1", "secret-value-1")


def test_missing_unknown_disabled_and_planless_keys_are_403() -> None:
    meter = UsageMeter()
    for value in (None, "nope", "secret-value-2", "secret-value-3"):
        outcome = admit(meter, ring(), value)
        assert isinstance(outcome, Denial)
        assert (outcome.status, outcome.body) == (403, {"message": "Forbidden"})
    other_stage = meter.admit(ring(), "secret-value-1", "api", "dev", "/pets/GET")
    assert isinstance(other_stage, Denial) and other_stage.status == 403


def test_throttle_is_a_token_bucket() -> None:
    clock = Clock()
    meter = UsageMeter(clock)
    keys = ring(throttle=Throttle(rate_limit=1.0, burst_limit=2))
    assert isinstance(admit(meter, keys, KEY.value), Admitted)
    assert isinstance(admit(meter, keys, KEY.value), Admitted)
    refused = admit(meter, keys, KEY.value)
    assert isinstance(refused, Denial)
    assert (refused.status, refused.body) == (429, {"message": "Too Many Requests"})
    clock.now += 1.0
    assert isinstance(admit(meter, keys, KEY.value), Admitted)


def test_method_throttle_replaces_the_plans() -> None:
    meter = UsageMeter(Clock())
    keys = ring(
        throttle=Throttle(100, 100),
        method_throttles={("api", "prod", "/pets/GET"): Throttle(0, 1)},
    )
    assert isinstance(admit(meter, keys, KEY.value), Admitted)
    assert isinstance(admit(meter, keys, KEY.value), Denial)


def test_quota_per_period() -> None:
    wall = Clock()
    wall.now = datetime(2026, 12, 5, 10, tzinfo=UTC).timestamp()
    meter = UsageMeter(Clock(), wall)
    keys = ring(quota=Quota(2, "DAY"))
    assert isinstance(admit(meter, keys, KEY.value), Admitted)
    assert isinstance(admit(meter, keys, KEY.value), Admitted)
    refused = admit(meter, keys, KEY.value)
    assert isinstance(refused, Denial)
    assert (refused.status, refused.body) == (429, {"message": "Limit Exceeded"})
    wall.now += 86400
    assert isinstance(admit(meter, keys, KEY.value), Admitted)


def test_period_starts() -> None:
    saturday = datetime(2026, 12, 5, 15, tzinfo=UTC)
    assert period_start(Quota(1, "WEEK"), saturday) == datetime(2026, 11, 29, tzinfo=UTC)
    assert period_start(Quota(1, "WEEK", 1), saturday) == datetime(2026, 11, 30, tzinfo=UTC)
    assert period_start(Quota(1, "MONTH"), saturday) == datetime(2026, 12, 1, tzinfo=UTC)
    assert period_start(Quota(1, "MONTH", 9), saturday) == datetime(2026, 11, 10, tzinfo=UTC)
