"""Reads a day's sign-up counters from the Stats table (signup_stats keeps them).

The counters are items ``DAY#<yyyy-mm-dd>`` (the day's total) and
``DAY#<yyyy-mm-dd>#COUNTRY#<cc>`` (per country), each with a ``signups`` number. A report reads
every item of the day with one filtered scan: the table holds a few items a day plus short-lived
markers, so a scan costs little; a table that grows large would get a GSI on the day instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class DayReport:
    """One day's sign-ups: the total and per country."""

    day: str
    signups: int = 0
    by_country: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day, "signups": self.signups, "by_country": self.by_country}


def reported_day(fired_at: datetime) -> date:
    """The day a report that runs at ``fired_at`` covers: the UTC day before (a whole day)."""
    return (fired_at.astimezone(UTC) - timedelta(days=1)).date()


class SignupReports:
    """The Stats table, read."""

    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._db = dynamodb
        self._table = table_name

    def for_day(self, day: date) -> DayReport:
        """The counters of ``day`` (zero when nothing was counted)."""
        prefix = f"DAY#{day.isoformat()}"
        total = 0
        by_country: dict[str, int] = {}
        pages = self._db.get_paginator("scan").paginate(
            TableName=self._table,
            FilterExpression="begins_with(pk, :day)",
            ExpressionAttributeValues={":day": {"S": prefix}},
            ConsistentRead=True,
        )
        for page in pages:
            for item in page.get("Items", []):
                key, count = item["pk"]["S"], int(item.get("signups", {}).get("N", "0"))
                if key == prefix:
                    total = count
                elif key.startswith(f"{prefix}#COUNTRY#"):
                    by_country[key.rsplit("#", 1)[-1]] = count
        return DayReport(day.isoformat(), total, dict(sorted(by_country.items())))
