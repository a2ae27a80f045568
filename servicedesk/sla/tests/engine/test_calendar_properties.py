"""Hypothesis properties of BusinessCalendar, checked against the simple reference."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from servicedesk.sla import BusinessCalendar
from servicedesk.sla.engine.calendar import DEFAULT_WINDOWS, brazilian_national_holidays
from servicedesk.sla.tests.engine.reference import ReferenceCalendar

# Profiles are registered, never loaded globally: each test opts in through PROPERTY.
settings.register_profile("sla-engine", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("sla-engine-thorough", max_examples=2000, deadline=None)
PROPERTY = settings(settings.get_profile(os.environ.get("SLA_HYPOTHESIS_PROFILE", "sla-engine")))

SP = ZoneInfo("America/Sao_Paulo")
ONE_US = timedelta(microseconds=1)
ZONES = ["America/Sao_Paulo", "Europe/Berlin", "UTC", "America/New_York", "Australia/Lord_Howe"]


@cache
def _br_closed(year: int) -> frozenset[date]:
    return brazilian_national_holidays(year)


DEFAULT = BusinessCalendar.default()
DEFAULT_REF = ReferenceCalendar(SP, DEFAULT_WINDOWS, lambda d: d in _br_closed(d.year))


@st.composite
def weekly_windows(draw: st.DrawFn) -> dict[int, list[tuple[time, time]]]:
    """Up to three windows a day on a 30-minute grid; 24:00 is written time(0)."""
    result: dict[int, list[tuple[time, time]]] = {}
    for weekday in range(7):
        points = sorted(draw(st.sets(st.integers(0, 48), max_size=6)))
        points = points[: len(points) // 2 * 2]
        pairs = []
        for a, b in zip(points[::2], points[1::2], strict=True):
            pairs.append((time(a // 2, a % 2 * 30), time(0) if b == 48 else time(b // 2, b % 2 * 30)))
        if pairs:
            result[weekday] = pairs
    assume(result)
    return result


@st.composite
def calendars(draw: st.DrawFn) -> tuple[BusinessCalendar, ReferenceCalendar]:
    if draw(st.booleans()):
        return DEFAULT, DEFAULT_REF
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    windows = draw(weekly_windows())
    closed = frozenset(draw(st.lists(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=20)))
    return BusinessCalendar(tz, windows, closed), ReferenceCalendar(tz, windows, closed.__contains__)


@st.composite
def moments(draw: st.DrawFn, tz: ZoneInfo) -> datetime:
    """Aware instants in 2025–2027, often exactly on a window boundary of `tz`, given in UTC so
    that sorting and comparing them is exact (PEP 495: same-zone comparisons ignore `fold`)."""
    if draw(st.booleans()):
        moment = draw(
            st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 1), timezones=st.just(tz), allow_imaginary=False)
        )
    else:
        day = draw(st.dates(date(2025, 1, 1), date(2027, 12, 1)))
        wall = draw(st.sampled_from([time(0), time(9), time(13), time(14), time(18), time(2), time(2, 30), time(3)]))
        moment = datetime.combine(day, wall, tzinfo=tz)
    return moment.astimezone(UTC)


def durations(max_hours: int) -> st.SearchStrategy[timedelta]:
    return st.one_of(
        st.integers(0, max_hours * 2).map(lambda n: timedelta(minutes=30 * n)),
        st.integers(0, max_hours * 3600 * 10**6).map(lambda us: timedelta(microseconds=us)),
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@PROPERTY
@given(data=st.data())
def test_add_and_elapsed_agree_with_reference(data: st.DataObject) -> None:
    cal, ref = data.draw(calendars())
    start = data.draw(moments(cal.tz))
    duration = data.draw(durations(80))
    result = cal.add(start, duration)
    # Compared as UTC instants: by PEP 495 an aware datetime in a repeated (fall-back) hour is
    # never == to one in another zone, even when both denote the same instant.
    assert _utc(result) == _utc(ref.add(start, duration))
    other = data.draw(moments(cal.tz))
    a, b = sorted([start, other])
    assert cal.elapsed(a, b) == ref.elapsed(a, b)
    assert cal.is_open(start) == ref.is_open(start)
    assert _utc(cal.next_opening(start)) == _utc(ref.next_opening(start))


@PROPERTY
@given(data=st.data())
def test_elapsed_of_add_is_the_duration(data: st.DataObject) -> None:
    cal, _ = data.draw(calendars())
    start = data.draw(moments(cal.tz))
    duration = data.draw(durations(400))
    assert cal.elapsed(start, cal.add(start, duration)) == duration


@PROPERTY
@given(data=st.data())
def test_add_is_monotonic_in_duration_and_start(data: st.DataObject) -> None:
    cal, _ = data.draw(calendars())
    s1, s2 = sorted([data.draw(moments(cal.tz)), data.draw(moments(cal.tz))])
    d1, d2 = sorted([data.draw(durations(200)), data.draw(durations(200))])
    assert _utc(cal.add(s1, d1)) <= _utc(cal.add(s1, d2))
    assert _utc(cal.add(s1, d1)) <= _utc(cal.add(s2, d1))
    assert _utc(cal.add(s1, d1)) >= s1


@PROPERTY
@given(data=st.data())
def test_add_lands_inside_a_window_or_at_its_end(data: st.DataObject) -> None:
    cal, _ = data.draw(calendars())
    start = data.draw(moments(cal.tz))
    duration = data.draw(durations(200))
    result = cal.add(start, duration)
    assert cal.is_open(result) or (duration > timedelta(0) and cal.is_open(_utc(result) - ONE_US))


@PROPERTY
@given(data=st.data())
def test_elapsed_is_additive_over_a_split_point(data: st.DataObject) -> None:
    cal, _ = data.draw(calendars())
    a, b, c = sorted(data.draw(moments(cal.tz)) for _ in range(3))
    assert cal.elapsed(a, c) == cal.elapsed(a, b) + cal.elapsed(b, c)


@PROPERTY
@given(data=st.data())
def test_next_opening_is_open_and_nothing_is_skipped(data: st.DataObject) -> None:
    cal, ref = data.draw(calendars())
    moment = data.draw(moments(cal.tz))
    opening = cal.next_opening(moment)
    assert cal.is_open(opening)
    assert _utc(opening) >= moment
    assert cal.elapsed(moment, opening) == timedelta(0)
    assert _utc(opening) == _utc(ref.next_opening(moment))  # the day-by-day reference agrees
    assert cal.add(moment, timedelta(0)) == opening


@PROPERTY
@given(data=st.data())
def test_business_numbers_round_trip(data: st.DataObject) -> None:
    cal, _ = data.draw(calendars())
    moment = data.draw(moments(cal.tz))
    back = cal.from_business(cal.to_business(moment))  # the earliest instant with that count
    assert _utc(back) <= moment
    assert cal.to_business(back) == cal.to_business(moment)
    assert cal.elapsed(back, moment) == timedelta(0)
    if cal.is_open(moment) and cal.is_open(moment - ONE_US):
        assert back == moment
