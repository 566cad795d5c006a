"""Schedule expressions as EventBridge and EventBridge Scheduler take them, parsed and evaluated.

``rate(value unit)`` (minute, hour, day; singular exactly when the value is 1), AWS's six-field
``cron(minutes hours day-of-month month day-of-week year)`` and, for EventBridge Scheduler only,
the one-time ``at(yyyy-mm-ddThh:mm:ss)``. The cron grammar is AWS's, which is neither Unix cron
nor Quartz: no seconds field, a year field, day-of-week 1-7 counted from Sunday, exactly one of
the two day fields ``?``, and the wildcards ``L`` (last day of the month, or ``5L`` the last
Thursday), ``W`` (``15W`` the weekday nearest the 15th, ``LW`` the last weekday), ``#`` (``3#2``
the second Tuesday), ``/`` increments and ``JAN``-``DEC`` / ``SUN``-``SAT`` names.

``parse`` refuses anything else with ``ScheduleExpressionError``; ``Schedule.next_after`` gives
the first firing strictly after an instant, in a time zone (zoneinfo) when one is given: a local
time that does not exist (the hour skipped in spring) is skipped, one that happens twice (the
hour repeated in autumn) fires once, as EventBridge Scheduler documents. Pure: no clock, no I/O.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from localcloud.routing.errors import RoutingError

MIN_YEAR, MAX_YEAR = 1970, 2199
MONTHS = {name: n for n, name in enumerate(calendar.month_abbr) if name}  # Jan -> 1
MONTH_NAMES = {name.upper(): n for name, n in MONTHS.items()}
# AWS counts the days of the week from Sunday (1) to Saturday (7).
DAY_NAMES = {name: n for n, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}

RATE = re.compile(r"rate\((?P<value>\d+) (?P<unit>minute|minutes|hour|hours|day|days)\)")
CRON = re.compile(r"cron\((?P<fields>[^()]*)\)")
AT = re.compile(r"at\((?P<when>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
NEAREST_WEEKDAY = re.compile(r"(?P<day>\d{1,2})W")
LAST_WEEKDAY_OF = re.compile(r"(?P<day>\w+)L")
NTH_WEEKDAY = re.compile(r"(?P<day>\w+)#(?P<nth>\d)")


class ScheduleExpressionError(RoutingError):
    """An expression AWS would refuse; the message says which part and why."""


@dataclass(frozen=True)
class Field:
    """One cron field's plain values (a set) with its bounds and names."""

    name: str
    low: int
    high: int
    names: dict[str, int] | None = None

    def value(self, text: str) -> int:
        upper = text.upper()
        if self.names and upper in self.names:
            return self.names[upper]
        if not text.isdigit():
            raise ScheduleExpressionError(f"{self.name}: {text!r} is not a number")
        number = int(text)
        if not self.low <= number <= self.high:
            raise ScheduleExpressionError(
                f"{self.name}: {number} is outside {self.low}-{self.high}"
            )
        return number

    def values(self, text: str) -> frozenset[int]:
        """``*``, ``5``, ``1-5``, ``MON-FRI``, ``0/15``, ``*/10``, ``8-17/2``, comma lists."""
        chosen: set[int] = set()
        for term in text.split(","):
            chosen.update(self._term(term))
        return frozenset(chosen)

    def _term(self, term: str) -> list[int]:
        if not term:
            raise ScheduleExpressionError(f"{self.name}: an empty list item")
        span, slash, step_text = term.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) < 1:
                raise ScheduleExpressionError(f"{self.name}: bad increment in {term!r}")
            step = int(step_text)
        if span == "*":
            start, end = self.low, self.high
        elif "-" in span:
            first, _, last = span.partition("-")
            start, end = self.value(first), self.value(last)
        else:
            start = self.value(span)
            end = self.high if slash else start
        if end < start:  # a range that wraps around (FRI-MON, 22-2)
            width = self.high - self.low + 1
            return [self.low + (v - self.low) % width for v in range(start, end + width + 1, step)]
        return list(range(start, end + 1, step))


MINUTES = Field("minutes", 0, 59)
HOURS = Field("hours", 0, 23)
DAYS_OF_MONTH = Field("day-of-month", 1, 31)
MONTH = Field("month", 1, 12, MONTH_NAMES)
DAYS_OF_WEEK = Field("day-of-week", 1, 7, DAY_NAMES)
YEARS = Field("year", MIN_YEAR, MAX_YEAR)


def _aws_weekday(day: date) -> int:
    """1 for Sunday ... 7 for Saturday."""
    return (day.weekday() + 1) % 7 + 1


def _nearest_weekday(year: int, month: int, day: int) -> int:
    """The weekday (Monday-Friday) nearest ``day`` without leaving the month."""
    last = calendar.monthrange(year, month)[1]
    day = min(day, last)
    weekday = date(year, month, day).weekday()
    if weekday == 5:  # Saturday: the Friday before, or Monday after when that is the 1st
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday: the Monday after, or Friday before at the end of the month
        return day + 1 if day < last else day - 2
    return day


@dataclass(frozen=True)
class DayOfMonth:
    """The day-of-month field: plain days, ``L``, ``LW`` or ``nW`` (None: ``?``)."""

    days: frozenset[int] = frozenset()
    last: bool = False
    last_weekday: bool = False
    nearest_weekday: int | None = None

    @classmethod
    def parse(cls, text: str) -> DayOfMonth:
        upper = text.upper()
        if upper == "L":
            return cls(last=True)
        if upper == "LW":
            return cls(last_weekday=True)
        nearest = NEAREST_WEEKDAY.fullmatch(upper)
        if nearest:
            return cls(nearest_weekday=DAYS_OF_MONTH.value(nearest["day"]))
        return cls(days=DAYS_OF_MONTH.values(text))

    def matches(self, day: date) -> bool:
        last = calendar.monthrange(day.year, day.month)[1]
        if self.last:
            return day.day == last
        if self.last_weekday:
            return day.day == _nearest_weekday(day.year, day.month, last)
        if self.nearest_weekday is not None:
            return day.day == _nearest_weekday(day.year, day.month, self.nearest_weekday)
        return day.day in self.days


@dataclass(frozen=True)
class DayOfWeek:
    """The day-of-week field: plain days, ``L`` (Saturday), ``5L`` or ``3#2``."""

    days: frozenset[int] = frozenset()
    last_of_month: int | None = None
    nth: tuple[int, int] | None = None  # (day, which)

    @classmethod
    def parse(cls, text: str) -> DayOfWeek:
        upper = text.upper()
        if upper == "L":
            return cls(days=frozenset({7}))
        last = LAST_WEEKDAY_OF.fullmatch(upper)
        if last:
            return cls(last_of_month=DAYS_OF_WEEK.value(last["day"]))
        nth = NTH_WEEKDAY.fullmatch(upper)
        if nth:
            which = int(nth["nth"])
            if not 1 <= which <= 5:
                raise ScheduleExpressionError(f"day-of-week: {text!r} names a week 1-5")
            return cls(nth=(DAYS_OF_WEEK.value(nth["day"]), which))
        return cls(days=DAYS_OF_WEEK.values(text))

    def matches(self, day: date) -> bool:
        weekday = _aws_weekday(day)
        if self.last_of_month is not None:
            return (
                weekday == self.last_of_month
                and day.day + 7 > calendar.monthrange(day.year, day.month)[1]
            )
        if self.nth is not None:
            return weekday == self.nth[0] and (day.day - 1) // 7 + 1 == self.nth[1]
        return weekday in self.days


class Schedule:
    """A parsed expression; ``next_after`` is its first firing strictly after an instant."""

    text: str

    def next_after(self, after: datetime, zone: tzinfo = UTC) -> datetime | None:
        """The first firing (UTC) strictly after ``after``; None when there is none."""
        raise NotImplementedError

    @property
    def recurring(self) -> bool:
        return True


@dataclass(frozen=True)
class Rate(Schedule):
    """``rate(N unit)``: every ``seconds`` from an anchor: a Scheduler schedule's StartDate (its
    first firing), or when a rule was made (first firing one period later)."""

    text: str
    seconds: int
    anchor: datetime | None = None

    def anchored(self, anchor: datetime) -> Rate:
        return Rate(self.text, self.seconds, anchor.replace(microsecond=0))

    def next_after(self, after: datetime, zone: tzinfo = UTC) -> datetime | None:
        anchor = self.anchor or after.replace(microsecond=0)
        if after < anchor:
            return anchor  # a schedule's StartDate is its first firing
        periods = int((after - anchor).total_seconds() // self.seconds) + 1
        return anchor + timedelta(seconds=periods * self.seconds)


@dataclass(frozen=True)
class At(Schedule):
    """``at(yyyy-mm-ddThh:mm:ss)``: once, at that wall-clock time in the schedule's zone."""

    text: str
    when: datetime  # naive, in the schedule's time zone

    @property
    def recurring(self) -> bool:
        return False

    def next_after(self, after: datetime, zone: tzinfo = UTC) -> datetime | None:
        instant = self.when.replace(tzinfo=zone).astimezone(UTC)
        return instant if instant > after else None


@dataclass(frozen=True)
class Cron(Schedule):
    """``cron(minutes hours day-of-month month day-of-week year)``."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: DayOfMonth | None  # None: ``?``
    months: frozenset[int]
    day_of_week: DayOfWeek | None
    years: frozenset[int]

    def matches_day(self, day: date) -> bool:
        if day.month not in self.months or day.year not in self.years:
            return False
        if self.day_of_month is not None and not self.day_of_month.matches(day):
            return False
        return self.day_of_week is None or self.day_of_week.matches(day)

    def next_after(self, after: datetime, zone: tzinfo = UTC) -> datetime | None:
        local = after.astimezone(zone).replace(tzinfo=None)
        day = local.date()
        times = sorted((h, m) for h in self.hours for m in self.minutes)
        last_year = max(self.years)
        while day.year <= last_year:
            if day.year not in self.years:
                day = date(day.year + 1, 1, 1)
                continue
            if day.month not in self.months:
                day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
                continue
            if self.matches_day(day):
                for hour, minute in times:
                    candidate = datetime(day.year, day.month, day.day, hour, minute)
                    if candidate < local.replace(second=0, microsecond=0):
                        continue
                    instant = _instant(candidate, zone)
                    if instant is not None and instant > after:
                        return instant
            day += timedelta(days=1)
        return None


def _instant(local: datetime, zone: tzinfo) -> datetime | None:
    """A wall-clock time in ``zone`` as UTC; None when the zone skips it (spring forward).
    A repeated time (autumn) is its first occurrence (fold 0)."""
    instant = local.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        return None
    return instant


def parse(expression: str, *, at_allowed: bool = False) -> Schedule:
    """The schedule ``expression`` describes; ScheduleExpressionError when AWS would refuse it.

    ``at_allowed``: EventBridge Scheduler's one-time ``at(...)`` (EventBridge rules refuse it).
    """
    rate = RATE.fullmatch(expression)
    if rate:
        value = int(rate["value"])
        if value < 1:
            raise ScheduleExpressionError(f"{expression}: the rate must be at least 1")
        if (value == 1) == rate["unit"].endswith("s"):
            raise ScheduleExpressionError(
                f"{expression}: use the singular unit for 1 and the plural for more"
            )
        return Rate(expression, value * UNIT_SECONDS[rate["unit"].rstrip("s")])
    cron = CRON.fullmatch(expression)
    if cron:
        return _cron(expression, cron["fields"])
    at = AT.fullmatch(expression)
    if at and at_allowed:
        try:
            return At(expression, datetime.fromisoformat(at["when"]))
        except ValueError as exc:
            raise ScheduleExpressionError(f"{expression}: {exc}") from exc
    raise ScheduleExpressionError(
        f"{expression!r} is not rate(value unit), cron(six fields)"
        + (" or at(yyyy-mm-ddThh:mm:ss)" if at_allowed else "")
    )


def _cron(expression: str, text: str) -> Cron:
    fields = text.split(" ")
    if len(fields) != 6 or not all(fields):
        raise ScheduleExpressionError(
            f"{expression}: six fields separated by single spaces (minutes hours "
            "day-of-month month day-of-week year)"
        )
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleExpressionError(
            f"{expression}: exactly one of day-of-month and day-of-week must be '?'"
        )
    for name, value in (("minutes", minutes), ("hours", hours), ("month", month), ("year", year)):
        if "?" in value:
            raise ScheduleExpressionError(f"{expression}: '?' in the {name} field")
    return Cron(
        text=expression,
        minutes=MINUTES.values(minutes),
        hours=HOURS.values(hours),
        day_of_month=None if dom == "?" else DayOfMonth.parse(dom),
        months=MONTH.values(month),
        day_of_week=None if dow == "?" else DayOfWeek.parse(dow),
        years=YEARS.values(year),
    )


def zone(name: str | None) -> tzinfo:
    """An IANA time zone (``America/New_York``); UTC for None; ScheduleExpressionError if
    unknown."""
    if not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleExpressionError(f"unknown time zone {name!r}") from exc
