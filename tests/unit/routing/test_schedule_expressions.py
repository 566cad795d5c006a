"""Schedule expressions: AWS's examples from the EventBridge and EventBridge Scheduler guides, the
expressions AWS refuses, and the next firing of each kind (time zones and DST included)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from localcloud.routing.schedule_expressions import (
    At,
    Cron,
    Rate,
    ScheduleExpressionError,
    parse,
    zone,
)

# A Saturday.
SATURDAY = datetime(2026, 12, 5, 10, 7, 30, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def firings(expression: str, after: datetime, count: int, tz: str | None = None) -> list[str]:
    schedule = parse(expression, at_allowed=True)
    found = []
    for _ in range(count):
        nxt = schedule.next_after(after, zone(tz))
        assert nxt is not None
        found.append(nxt.strftime("%a %Y-%m-%d %H:%M"))
        after = nxt
    return found


# -- AWS's examples (eb-scheduled-rule-pattern, "Cron expressions" examples table) ---------------
def test_every_day_at_ten_utc() -> None:
    assert firings("cron(0 10 * * ? *)", SATURDAY, 2) == [
        "Sun 2026-12-06 10:00",
        "Mon 2026-12-07 10:00",
    ]


def test_every_day_at_twelve_fifteen() -> None:
    assert firings("cron(15 12 * * ? *)", SATURDAY, 1) == ["Sat 2026-12-05 12:15"]


def test_six_pm_monday_to_friday() -> None:
    assert firings("cron(0 18 ? * MON-FRI *)", SATURDAY, 2) == [
        "Mon 2026-12-07 18:00",
        "Tue 2026-12-08 18:00",
    ]


def test_eight_am_on_the_first_of_every_month() -> None:
    assert firings("cron(0 8 1 * ? *)", SATURDAY, 2) == [
        "Fri 2027-01-01 08:00",
        "Mon 2027-02-01 08:00",
    ]


def test_every_fifteen_minutes() -> None:
    assert firings("cron(0/15 * * * ? *)", SATURDAY, 3) == [
        "Sat 2026-12-05 10:15",
        "Sat 2026-12-05 10:30",
        "Sat 2026-12-05 10:45",
    ]


def test_every_ten_minutes_monday_to_friday() -> None:
    assert firings("cron(0/10 * ? * MON-FRI *)", SATURDAY, 2) == [
        "Mon 2026-12-07 00:00",
        "Mon 2026-12-07 00:10",
    ]


def test_every_five_minutes_in_office_hours() -> None:
    got = firings("cron(0/5 8-17 ? * MON-FRI *)", utc(2026, 12, 7, 17, 50), 3)
    assert got == ["Mon 2026-12-07 17:55", "Tue 2026-12-08 08:00", "Tue 2026-12-08 08:05"]


def test_nine_am_on_the_first_monday_of_each_month() -> None:
    assert firings("cron(0 9 ? * 2#1 *)", SATURDAY, 2) == [
        "Mon 2026-12-07 09:00",
        "Mon 2027-01-04 09:00",
    ]


# -- the wildcards -------------------------------------------------------------------------------
def test_last_day_of_the_month() -> None:
    assert firings("cron(0 0 L * ? *)", utc(2027, 1, 15), 2) == [
        "Sun 2027-01-31 00:00",
        "Sun 2027-02-28 00:00",
    ]


def test_last_friday_of_the_month() -> None:
    assert firings("cron(0 12 ? * 6L *)", SATURDAY, 2) == [
        "Fri 2026-12-25 12:00",
        "Fri 2027-01-29 12:00",
    ]


def test_nearest_weekday() -> None:
    # 2027-05-15 is a Saturday, 2027-08-15 a Sunday, 2026-12-15 a Tuesday.
    assert firings("cron(0 6 15W * ? *)", SATURDAY, 1) == ["Tue 2026-12-15 06:00"]
    assert firings("cron(0 6 15W 5 ? *)", SATURDAY, 1) == ["Fri 2027-05-14 06:00"]
    assert firings("cron(0 6 15W 8 ? *)", SATURDAY, 1) == ["Mon 2027-08-16 06:00"]


def test_nearest_weekday_stays_in_its_month() -> None:
    # 2027-05-01 is a Saturday: not Friday April 30th but Monday May 3rd.
    assert firings("cron(0 6 1W 5 ? 2027)", SATURDAY, 1) == ["Mon 2027-05-03 06:00"]


def test_last_weekday_of_the_month() -> None:
    # 2027-01-31 is a Sunday.
    assert firings("cron(0 6 LW 1 ? 2027)", SATURDAY, 1) == ["Fri 2027-01-29 06:00"]


def test_names_lists_and_years() -> None:
    assert firings("cron(30 7 ? jan,Jul SUN 2028)", SATURDAY, 2) == [
        "Sun 2028-01-02 07:30",
        "Sun 2028-01-09 07:30",
    ]


def test_range_with_an_increment() -> None:
    assert firings("cron(0-15/5 8 ? * 2,3,4,5,6,7 *)", SATURDAY, 4) == [
        "Mon 2026-12-07 08:00",
        "Mon 2026-12-07 08:05",
        "Mon 2026-12-07 08:10",
        "Mon 2026-12-07 08:15",
    ]


def test_a_range_may_wrap_around() -> None:
    assert firings("cron(0 12 ? * FRI-MON *)", utc(2026, 12, 3), 4) == [
        "Fri 2026-12-04 12:00",
        "Sat 2026-12-05 12:00",
        "Sun 2026-12-06 12:00",
        "Mon 2026-12-07 12:00",
    ]
    assert firings("cron(0 22-1 * * ? *)", utc(2026, 12, 5, 12), 4) == [
        "Sat 2026-12-05 22:00",
        "Sat 2026-12-05 23:00",
        "Sun 2026-12-06 00:00",
        "Sun 2026-12-06 01:00",
    ]


def test_star_increments_and_lower_case_names() -> None:
    assert firings("cron(*/20 9 ? * mon-fri *)", utc(2026, 12, 7), 3) == [
        "Mon 2026-12-07 09:00",
        "Mon 2026-12-07 09:20",
        "Mon 2026-12-07 09:40",
    ]


def test_l_alone_in_day_of_week_is_saturday_and_names_take_l() -> None:
    assert firings("cron(0 7 ? * L *)", utc(2026, 12, 1), 1) == ["Sat 2026-12-05 07:00"]
    assert firings("cron(0 7 ? * FRIL *)", utc(2026, 12, 1), 1) == ["Fri 2026-12-25 07:00"]


def test_nth_weekday_by_name_and_the_fifth_one_skips_short_months() -> None:
    assert firings("cron(0 9 ? * TUE#2 *)", SATURDAY, 1) == ["Tue 2026-12-08 09:00"]
    # the fifth Friday: January 2027 has one, February and March have four Fridays, April has one
    assert firings("cron(0 9 ? * 6#5 2027)", SATURDAY, 2) == [
        "Fri 2027-01-29 09:00",
        "Fri 2027-04-30 09:00",
    ]


def test_a_past_year_never_fires() -> None:
    assert parse("cron(0 0 1 1 ? 2020)").next_after(SATURDAY) is None


# -- rates and one-time schedules ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(5 minutes)", 300),
        ("rate(1 hour)", 3600),
        ("rate(12 hours)", 43200),
        ("rate(1 day)", 86400),
        ("rate(7 days)", 604800),
    ],
)
def test_rates(expression: str, seconds: int) -> None:
    rate = parse(expression)
    assert isinstance(rate, Rate) and rate.seconds == seconds


def test_a_rate_counts_from_its_anchor() -> None:
    rate = parse("rate(5 minutes)")
    assert isinstance(rate, Rate)
    anchored = rate.anchored(utc(2026, 12, 5, 10, 0, 20))
    assert anchored.next_after(utc(2026, 12, 5, 10, 0, 20)) == utc(2026, 12, 5, 10, 5, 20)
    assert anchored.next_after(utc(2026, 12, 5, 10, 12)) == utc(2026, 12, 5, 10, 15, 20)
    assert anchored.next_after(utc(2026, 12, 5, 9)) == utc(2026, 12, 5, 10, 0, 20)


def test_at_fires_once_in_its_time_zone() -> None:
    at = parse("at(2026-12-24T18:00:00)", at_allowed=True)
    assert isinstance(at, At) and not at.recurring
    berlin = zone("Europe/Berlin")
    assert at.next_after(SATURDAY, berlin) == utc(2026, 12, 24, 17)
    assert at.next_after(utc(2026, 12, 24, 17), berlin) is None


# -- time zones ----------------------------------------------------------------------------------
def test_cron_in_a_time_zone() -> None:
    assert firings("cron(0 9 * * ? *)", SATURDAY, 1, "America/New_York") == ["Sat 2026-12-05 14:00"]


def test_the_hour_skipped_in_spring_does_not_fire() -> None:
    # New York skips 02:00-03:00 on 2027-03-14.
    got = firings("cron(30 2 * * ? *)", utc(2027, 3, 13, 5), 2, "America/New_York")
    assert got == ["Sat 2027-03-13 07:30", "Mon 2027-03-15 06:30"]


def test_the_hour_repeated_in_autumn_fires_once() -> None:
    # New York repeats 01:00-02:00 on 2027-11-07.
    got = firings("cron(30 1 * * ? *)", utc(2027, 11, 6, 12), 3, "America/New_York")
    assert got == ["Sun 2027-11-07 05:30", "Mon 2027-11-08 06:30", "Tue 2027-11-09 06:30"]


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ScheduleExpressionError, match="Mars/Olympus"):
        zone("Mars/Olympus")


# -- what AWS refuses ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "expression",
    [
        "cron(7 20 * * 1-7 *)",  # both day fields given
        "cron(0 12 ? * ? *)",  # neither day field given
        "cron(15 12 ? * -1 *)",  # a negative day
        "cron(0 12 * * ?)",  # five fields
        "cron(0 0 12 * * ? *)",  # seven fields (Quartz's seconds)
        "cron(60 * * * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 0 32 * ? *)",
        "cron(0 0 ? 13 MON *)",
        "cron(0 0 ? * 8 *)",
        "cron(0 0 ? * MON#6 *)",
        "cron(0 0 1 * ? 1969)",
        "cron(0 0 1 * ? 2200)",
        "cron(0/0 * * * ? *)",
        "cron(0 0 1 FOO ? *)",
        "cron(0  0 1 * ? *)",
        "cron(? 0 1 * ? *)",
        "cron(0 0 L-2 * ? *)",
        "cron(0 0 1-5W * ? *)",
        "cron(0 0 ? * 3#0 *)",
        "cron(0 0 1,,2 * ? *)",
        "cron(0 0 1 * ? *",
        "rate(1 minutes)",
        "rate(5 minute)",
        "rate(0 minutes)",
        "rate(5 seconds)",
        "rate(-5 minutes)",
        "rate(5  minutes)",
        "every 5 minutes",
        "at(2026-12-24T18:00:00)",  # rules have no one-time schedules
        "",
    ],
)
def test_refused(expression: str) -> None:
    with pytest.raises(ScheduleExpressionError):
        parse(expression)


@pytest.mark.parametrize("expression", ["at(2026-02-30T10:00:00)", "at(2026-12-24 18:00:00)"])
def test_refused_at(expression: str) -> None:
    with pytest.raises(ScheduleExpressionError):
        parse(expression, at_allowed=True)


def test_cron_fields_are_kept() -> None:
    cron = parse("cron(0/20 8-10 ? * MON-FRI 2027-2028)")
    assert isinstance(cron, Cron)
    assert cron.minutes == {0, 20, 40}
    assert cron.hours == {8, 9, 10}
    assert cron.day_of_month is None
    assert cron.day_of_week is not None and cron.day_of_week.days == {2, 3, 4, 5, 6}
    assert cron.years == {2027, 2028}
