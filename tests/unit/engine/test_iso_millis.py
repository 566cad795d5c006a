"""iso_millis writes every time as datetime's isoformat does, rounding included."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from localcloud.engine.shapes import iso_millis


def by_datetime(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


EDGES = [0.0, 0.0005, 0.9994999, 0.9995, 0.9999995, 59.9999996, 1733420000, 1733420000.5]


@pytest.mark.parametrize("ts", [*EDGES, -1.5, 253_402_300_799.9994])
def test_iso_millis_at_the_edges(ts: float) -> None:
    assert iso_millis(ts) == by_datetime(ts)


def test_iso_millis_on_random_times_in_and_out_of_order() -> None:
    picker = random.Random(5)
    for _ in range(20_000):
        base = picker.choice([picker.uniform(0, 4e9), 1.7e9 + picker.randint(0, 10**6)])
        ts = base + picker.choice([0.0, 0.0000005, 0.0005, 0.5, 0.9995, 0.9999995, 0.1234565])
        assert iso_millis(ts) == by_datetime(ts), ts


def test_iso_millis_refuses_what_datetime_refuses() -> None:
    for ts in (float("nan"), float("inf"), 1e20):
        with pytest.raises((ValueError, OverflowError)):
            iso_millis(ts)
