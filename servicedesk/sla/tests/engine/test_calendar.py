"""BusinessCalendar: named scenarios over ISO strings (domain §2)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from servicedesk.sla import BusinessCalendar
from servicedesk.sla.engine.calendar import brazilian_national_holidays

SP = ZoneInfo("America/Sao_Paulo")
BERLIN = ZoneInfo("Europe/Berlin")
CAL = BusinessCalendar.default()


def at(iso: str, tz: ZoneInfo = SP) -> datetime:
    """ISO string → aware datetime; a string without offset is local time in ``tz``."""
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def assert_due(cal: BusinessCalendar, start: str, expected: str, *, hours: float = 0, days: int = 0) -> None:
    duration = timedelta(hours=hours + 8 * days)
    result = cal.add(at(start, cal.tz), duration)
    assert result == at(expected, cal.tz), f"{start} + {duration} → {result.isoformat()}, expected {expected}"
    assert result.tzinfo == cal.tz


def assert_elapsed(cal: BusinessCalendar, start: str, end: str, *, hours: float) -> None:
    assert cal.elapsed(at(start, cal.tz), at(end, cal.tz)) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("start", "hours", "days", "expected"),
    [
        # PREMIUM Crítica opened Tue 10:00: diagnosis 6 h, solution 1 day (8 h).
        ("2026-12-01T10:00", 6, 0, "2026-12-01T17:00"),
        ("2026-12-01T10:00", 0, 1, "2026-12-02T10:00"),
        # Lunch break: 12:00 + 2 h skips 13:00–14:00.
        ("2026-12-01T12:00", 2, 0, "2026-12-01T15:00"),
        # A deadline exactly at a window's end stays there (13:00 and 18:00).
        ("2026-12-01T12:00", 1, 0, "2026-12-01T13:00"),
        ("2026-12-01T17:00", 1, 0, "2026-12-01T18:00"),
        ("2026-12-01T09:00", 8, 0, "2026-12-01T18:00"),
        # Outside hours: counts from the next opening.
        ("2026-12-01T07:30", 1, 0, "2026-12-01T10:00"),
        ("2026-12-01T20:00", 1, 0, "2026-12-02T10:00"),
        ("2026-12-01T13:30", 1, 0, "2026-12-01T15:00"),
        # Weekend: Friday 17:00 + 2 h → Monday 10:00; Saturday start → Monday.
        ("2026-12-04T17:00", 2, 0, "2026-12-07T10:00"),
        ("2026-12-05T10:00", 1, 0, "2026-12-07T10:00"),
        # Opened Monday 10:00, 5 days are due the next Monday 10:00 (§6).
        ("2026-11-30T10:00", 0, 5, "2026-12-07T10:00"),
        # Holidays: Natal (Fri 25 Dec 2026) and Consciência Negra (Fri 20 Nov 2026).
        ("2026-12-24T17:00", 2, 0, "2026-12-28T10:00"),
        ("2026-11-19T17:00", 2, 0, "2026-11-23T10:00"),
        # Year boundary: 1 Jan is a holiday; 45 business days from 20 Dec (a Sunday).
        ("2026-12-31T17:00", 2, 0, "2027-01-04T10:00"),
        ("2026-12-20T10:00", 0, 45, "2027-02-23T18:00"),
        # Far years are loaded lazily.
        ("1990-12-20T10:00", 0, 45, "1991-02-25T10:00"),
        ("2100-12-20T10:00", 0, 45, "2101-02-21T10:00"),
        # Zero duration: the next opening (or the start itself when open).
        ("2026-12-05T10:00", 0, 0, "2026-12-07T09:00"),
        ("2026-12-01T13:00", 0, 0, "2026-12-01T14:00"),
        ("2026-12-01T10:15", 0, 0, "2026-12-01T10:15"),
    ],
)
def test_add_default_calendar(start: str, hours: float, days: int, expected: str) -> None:
    assert_due(CAL, start, expected, hours=hours, days=days)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2026-12-01T10:00", "2026-12-01T17:00", 6),
        ("2026-12-01T12:00", "2026-12-01T15:00", 2),  # lunch does not count
        ("2026-12-04T17:00", "2026-12-07T10:00", 2),  # weekend does not count
        ("2026-12-24T09:00", "2026-12-28T09:00", 8),  # Natal does not count
        ("2026-12-05T10:00", "2026-12-06T10:00", 0),  # whole weekend
        ("2026-12-01T18:00", "2026-12-02T09:00", 0),  # a night
        ("2026-12-01T10:00", "2026-12-01T10:00", 0),
        ("2026-12-31T09:00", "2027-01-04T18:00", 16),  # 31 Dec counts, 1 Jan does not
        # Optional days in the package are business days by default (§2).
        ("2026-02-16T09:00", "2026-02-18T18:00", 24),  # Carnival Mon/Tue + Ash Wednesday
        ("2026-06-04T09:00", "2026-06-04T18:00", 8),  # Corpus Christi
    ],
)
def test_elapsed_default_calendar(start: str, end: str, hours: float) -> None:
    assert_elapsed(CAL, start, end, hours=hours)


def test_brazilian_holidays_include_consciencia_negra_and_natal() -> None:
    closed = brazilian_national_holidays(2026)
    assert date(2026, 11, 20) in closed
    assert date(2026, 12, 25) in closed
    assert date(2026, 2, 17) not in closed  # Carnival is optional


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # §2 (decision): end before start is the negative of elapsed(end, start).
        ("2026-12-02T10:00", "2026-12-01T10:00", -8),  # Tue 10:00 → Wed 10:00 is one business day
        ("2026-12-07T10:00", "2026-12-04T16:00", -3),  # Fri 16–18 (2 h) + Mon 09–10 (1 h), backwards
        ("2026-12-05T11:00", "2026-12-04T17:00", -1),  # Saturday back to Friday 17:00: Fri 17–18
        ("2026-12-01T12:30", "2026-12-01T12:30", 0),
        ("2026-12-01T13:40", "2026-12-01T13:10", 0),  # both inside the lunch break
    ],
)
def test_rule_elapsed_backwards_is_negative(start: str, end: str, hours: float) -> None:
    assert_elapsed(CAL, start, end, hours=hours)
    assert CAL.elapsed(at(end), at(start)) == -CAL.elapsed(at(start), at(end))


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 12, 1, 10)
    for call in (
        lambda: CAL.add(naive, timedelta(hours=1)),
        lambda: CAL.elapsed(naive, at("2026-12-02T10:00")),
        lambda: CAL.elapsed(at("2026-12-01T10:00"), naive),
        lambda: CAL.is_open(naive),
        lambda: CAL.next_opening(naive),
        lambda: CAL.to_business(naive),
    ):
        with pytest.raises(ValueError, match="naive datetime not allowed"):
            call()


def test_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="negative duration"):
        CAL.add(at("2026-12-01T10:00"), timedelta(seconds=-1))


def test_other_offsets_are_accepted_and_results_are_in_calendar_zone() -> None:
    result = CAL.add(at("2026-12-01T13:00+00:00"), timedelta(hours=6))  # 10:00 in São Paulo
    assert result.isoformat() == "2026-12-01T17:00:00-03:00"


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        ("2026-12-01T09:00", True),  # window start is inside [start, end)
        ("2026-12-01T12:59:59.999999", True),
        ("2026-12-01T13:00", False),  # window end is outside
        ("2026-12-01T13:30", False),
        ("2026-12-01T18:00", False),
        ("2026-12-05T10:00", False),  # Saturday
        ("2026-12-25T10:00", False),  # Natal
    ],
)
def test_is_open_half_open_windows(moment: str, is_open: bool) -> None:
    assert CAL.is_open(at(moment)) is is_open


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-12-01T10:00", "2026-12-01T10:00"),  # already open: itself
        ("2026-12-01T13:00", "2026-12-01T14:00"),
        ("2026-12-01T18:00", "2026-12-02T09:00"),
        ("2026-12-24T18:00", "2026-12-28T09:00"),
        ("2026-12-31T18:00", "2027-01-04T09:00"),
    ],
)
def test_next_opening(moment: str, expected: str) -> None:
    assert CAL.next_opening(at(moment)) == at(expected)


def test_microseconds_are_exact() -> None:
    start = at("2026-12-01T10:00:00.000001")
    duration = timedelta(hours=30, microseconds=999_999)
    assert CAL.elapsed(start, CAL.add(start, duration)) == duration


def test_to_and_from_business_round_trip() -> None:
    moment = at("2026-12-01T10:00:00.5")
    assert CAL.from_business(CAL.to_business(moment)) == moment
    assert CAL.to_business(at("2026-12-02T10:00")) - CAL.to_business(moment) == 8 * 3600 * 10**6 - 500_000


# ---- other calendars: DST, extra closed dates, window shapes --------------------------
BERLIN_CAL = BusinessCalendar("Europe/Berlin", {d: [(time(9), time(17))] for d in range(5)})
NIGHT_CAL = BusinessCalendar("Europe/Berlin", {d: [(time(0), time(4))] for d in range(7)})


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # Spring forward (Sun 29 Mar 2026): wall-clock windows are kept.
        ("2026-03-27T16:00", 4, "2026-03-30T12:00"),
        ("2026-03-27T16:00+01:00", 4, "2026-03-30T12:00+02:00"),
        # Fall back (Sun 25 Oct 2026).
        ("2026-10-23T16:00", 4, "2026-10-26T12:00"),
        ("2026-10-26T10:00+01:00", 1, "2026-10-26T11:00+01:00"),
    ],
)
def test_dst_berlin_keeps_wall_clock_windows(start: str, hours: float, expected: str) -> None:
    assert_due(BERLIN_CAL, start, expected, hours=hours)


def test_dst_berlin_window_across_the_switch_is_real_time() -> None:
    # 00:00–04:00 local: 3 real hours on 29 Mar (02:00 does not exist), 5 on 25 Oct.
    assert NIGHT_CAL.elapsed(at("2026-03-29T00:00", BERLIN), at("2026-03-29T12:00", BERLIN)) == timedelta(hours=3)
    assert NIGHT_CAL.elapsed(at("2026-10-25T00:00", BERLIN), at("2026-10-25T12:00", BERLIN)) == timedelta(hours=5)
    assert NIGHT_CAL.add(at("2026-03-29T00:00", BERLIN), timedelta(hours=3)) == at("2026-03-29T04:00", BERLIN)


def test_sao_paulo_dst_before_2019() -> None:
    # Brazil had DST until 2019: 2018-11-04 00:00 jumped to 01:00 (-02:00 in summer).
    assert CAL.add(at("2018-11-05T09:00"), timedelta(hours=8)).isoformat() == "2018-11-05T18:00:00-02:00"
    # Thu 1 Nov + Mon 5 Nov (Fri 2 Nov is Finados).
    assert CAL.elapsed(at("2018-11-01T09:00"), at("2018-11-05T18:00")) == timedelta(hours=16)


def test_extra_closed_dates_and_national_flag() -> None:
    carnival = BusinessCalendar.with_brazilian_holidays(extra_closed_dates=[date(2026, 2, 16), date(2026, 2, 17)])
    assert_due(carnival, "2026-02-13T17:00", "2026-02-18T10:00", hours=2)
    assert_due(carnival, "2026-12-24T17:00", "2026-12-28T10:00", hours=2)  # national still closed
    no_national = BusinessCalendar.with_brazilian_holidays(include_national_holidays=False)
    assert_due(no_national, "2026-12-24T17:00", "2026-12-25T10:00", hours=2)


def test_window_ending_at_midnight_and_seven_list_input() -> None:
    always = BusinessCalendar("UTC", [[(time(0), time(0))]] * 7)
    start = datetime.fromisoformat("2026-12-31T23:00+00:00")
    assert always.add(start, timedelta(hours=50)) == datetime.fromisoformat("2027-01-03T01:00+00:00")
    assert always.is_open(datetime.fromisoformat("2027-01-01T00:00+00:00"))
    assert always.elapsed(start, datetime.fromisoformat("2027-01-01T01:00+00:00")) == timedelta(hours=2)


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ({}, "at least one working window"),
        ({0: [(time(10), time(9))]}, "end must be after"),
        ({0: [(time(9), time(12)), (time(11), time(13))]}, "overlapping"),
        ({7: [(time(9), time(12))]}, "weekday keys"),
        ([[(time(9), time(12))]] * 6, "7 entries"),
        ({0: [(9, 12)]}, "datetime.time"),
    ],
)
def test_invalid_windows_are_refused(windows: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar("America/Sao_Paulo", windows)  # type: ignore[arg-type]


def test_default_is_shared_and_importable_without_django() -> None:
    import subprocess
    import sys

    code = "import sys; from servicedesk.sla import BusinessCalendar; BusinessCalendar.default(); print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert BusinessCalendar.default() is CAL


# ---- domain §2, rule by rule ---------------------------------------------------------------
@pytest.mark.parametrize(
    "day",
    [
        # Optional in the `holidays` package, so business days by default (§2).
        "2026-02-16",  # Carnival Monday 2026 (Easter 5 Apr)
        "2026-02-17",  # Carnival Tuesday
        "2026-02-18",  # Ash Wednesday
        "2026-06-04",  # Corpus Christi (Easter + 60)
        "2026-12-24",  # Thu, Christmas Eve
        "2026-12-31",  # Thu, New Year's Eve
        "2027-02-08",  # Carnival Monday 2027 (Easter 28 Mar)
        "2027-02-09",  # Carnival Tuesday
        "2027-02-10",  # Ash Wednesday
        "2027-05-27",  # Corpus Christi
        "2027-12-24",  # Fri
        "2027-12-31",  # Fri
    ],
)
def test_rule_optional_holidays_are_business_days_by_default(day: str) -> None:
    # A full 8-hour day: 09–13 + 14–18.
    assert CAL.is_open(at(f"{day}T10:00"))
    assert_elapsed(CAL, f"{day}T00:00", f"{day}T23:59", hours=8)


@pytest.mark.parametrize(
    "day",
    [
        # Brazilian national public holidays of 2026 that fall on weekdays.
        "2026-01-01",  # Confraternização Universal (Thu)
        "2026-04-03",  # Sexta-feira Santa
        "2026-04-21",  # Tiradentes (Tue)
        "2026-05-01",  # Dia do Trabalhador (Fri)
        "2026-09-07",  # Independência (Mon)
        "2026-10-12",  # Nossa Senhora Aparecida (Mon)
        "2026-11-02",  # Finados (Mon)
        "2026-11-20",  # Consciência Negra (Fri)
        "2026-12-25",  # Natal (Fri)
        "2027-03-26",  # Sexta-feira Santa 2027
        "2027-11-15",  # Proclamação da República (Mon)
    ],
)
def test_rule_national_holidays_are_closed(day: str) -> None:
    assert not CAL.is_open(at(f"{day}T10:00"))
    assert_elapsed(CAL, f"{day}T00:00", f"{day}T23:59", hours=0)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        ("2026-12-01T09:00", 4, "2026-12-01T13:00"),  # lunch starts at 13:00: stays 13:00
        ("2026-12-01T14:00", 4, "2026-12-01T18:00"),  # day ends at 18:00: stays 18:00
        ("2026-12-01T10:00", 7, "2026-12-01T18:00"),  # 10–13 3 h + 14–18 4 h
        ("2026-12-04T10:00", 7, "2026-12-04T18:00"),  # a Friday: not Monday 09:00
        ("2026-12-23T09:00", 16, "2026-12-24T18:00"),  # before Natal: Thu 18:00, not Mon
        ("2026-12-01T13:00", 4, "2026-12-01T18:00"),  # from lunch: 14–18
    ],
)
def test_rule_deadline_exactly_at_window_end_stays_there(start: str, hours: float, expected: str) -> None:
    assert_due(CAL, start, expected, hours=hours)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        ("2026-12-01T06:00", 2, "2026-12-01T11:00"),  # before opening
        ("2026-12-01T13:00", 2, "2026-12-01T16:00"),  # at lunch start
        ("2026-12-01T13:59:59", 2, "2026-12-01T16:00"),
        ("2026-12-01T18:00", 2, "2026-12-02T11:00"),  # at day end
        ("2026-12-01T23:30", 2, "2026-12-02T11:00"),
        ("2026-12-04T18:30", 2, "2026-12-07T11:00"),  # Friday night → Monday
        ("2026-12-06T12:00", 2, "2026-12-07T11:00"),  # Sunday
        ("2026-12-25T10:00", 2, "2026-12-28T11:00"),  # Natal (Friday) → Monday
        ("2027-01-01T10:00", 2, "2027-01-04T11:00"),  # 1 Jan (Friday) → Monday
    ],
)
def test_rule_start_outside_business_time_counts_from_next_opening(start: str, hours: float, expected: str) -> None:
    assert_due(CAL, start, expected, hours=hours)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2026-12-01T08:00", "2026-12-01T09:00", 0),  # before the first window
        ("2026-12-01T08:00", "2026-12-01T09:30", 0.5),
        ("2026-12-01T12:30", "2026-12-01T14:30", 1),  # 12:30–13 + 14–14:30
        ("2026-12-01T17:00", "2026-12-02T10:00", 2),  # 17–18 + 09–10
        ("2026-12-04T17:00", "2026-12-07T09:00", 1),  # weekend adds nothing
        ("2026-11-30T09:00", "2026-12-07T09:00", 40),  # one week = 5 × 8 h
        ("2026-12-21T09:00", "2027-01-04T09:00", 64),  # Dec 21–24 + 28–31 = 8 days (25, 1 closed)
    ],
)
def test_rule_elapsed_counts_only_time_inside_windows(start: str, end: str, hours: float) -> None:
    assert_elapsed(CAL, start, end, hours=hours)


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: CAL.add(naive, timedelta(hours=1)),
        lambda naive: CAL.elapsed(naive, at("2026-12-02T10:00")),
        lambda naive: CAL.elapsed(at("2026-11-01T10:00"), naive),
        lambda naive: CAL.is_open(naive),
        lambda naive: CAL.next_opening(naive),
    ],
    ids=["add", "elapsed_start", "elapsed_end", "is_open", "next_opening"],
)
def test_rule_naive_datetime_raises_value_error_with_clear_message(call: object) -> None:
    with pytest.raises(ValueError, match=r"naive datetime not allowed.*2026, 12, 1, 10"):
        call(datetime(2026, 12, 1, 10))  # type: ignore[operator]


@pytest.mark.parametrize("year", [1970, 2000, 2019, 2026, 2050, 2199, 2500])
def test_rule_any_year_results_are_aware_in_sao_paulo(year: int) -> None:
    # 1 Dec of any year; whatever weekday it is, 1 business day is 8 hours of windows later.
    start = at(f"{year}-12-01T10:00")
    due = CAL.add(start, timedelta(hours=8))
    assert due.tzinfo is not None and due.tzinfo == SP
    assert CAL.elapsed(start, due) == timedelta(hours=8)
    assert CAL.is_open(due - timedelta(microseconds=1))
    opening = CAL.next_opening(start)
    assert opening.tzinfo == SP and CAL.is_open(opening)


def test_rule_other_offsets_give_the_same_instant_in_sao_paulo() -> None:
    for iso in ("2026-12-01T13:00:00Z", "2026-12-01T14:00:00+01:00", "2026-12-01T05:00:00-08:00"):
        result = CAL.add(datetime.fromisoformat(iso), timedelta(hours=6))
        assert result.isoformat() == "2026-12-01T17:00:00-03:00"
