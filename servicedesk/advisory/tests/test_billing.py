"""domain.md §8, the billing arithmetic, table-tested. Every expected figure is worked out by
hand (minutes → billable minutes → amount at the proposal's price, half-up to the centavo)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicedesk.advisory import billing
from servicedesk.advisory.billing import Entry, EntryError
from servicedesk.advisory.money import MoneyError, brl, decimal_comma, decimal_string, format_brl, minutes_amount

SP = ZoneInfo("America/Sao_Paulo")


def at(day, hour, minute=0, second=0):
    return datetime(2026, 12, day, hour, minute, second, tzinfo=SP)


def entry(start, end, analyst="ana"):
    return Entry(analyst=analyst, analyst_name=analyst.title(), started_at=start, ended_at=end)


# (entries, modality, hourly price) → [(day, analyst, minutes, billable, amount)], total amount
CASES = [
    # 45 remote minutes are raised to the 60-minute minimum: 1 h × 180,00.
    ([entry(at(2, 9), at(2, 9, 45))], "remota", "180.00", [(2, "ana", 45, 60, "180.00")], "180.00"),
    # 61 minutes: no rounding up to the next hour → 61/60 × 180,00 = 183,00.
    ([entry(at(2, 9), at(2, 10, 1))], "remota", "180.00", [(2, "ana", 61, 61, "183.00")], "183.00"),
    # Two entries of one analyst on one day are one session: 30 + 40 = 70 min → 70/60 × 180 = 210,00.
    (
        [entry(at(2, 9), at(2, 9, 30)), entry(at(2, 14), at(2, 14, 40))],
        "remota",
        "180.00",
        [(2, "ana", 70, 70, "210.00")],
        "210.00",
    ),
    # Two analysts the same day: two sessions, each with its own minimum.
    (
        [entry(at(2, 9), at(2, 9, 20)), entry(at(2, 9), at(2, 9, 50), analyst="bruno")],
        "remota",
        "180.00",
        [(2, "ana", 20, 60, "180.00"), (2, "bruno", 50, 60, "180.00")],
        "360.00",
    ),
    # On site: 6 h on one day is raised to 8 h × 150,00 = 1.200,00; 9 h stays 9 h = 1.350,00.
    (
        [entry(at(2, 9), at(2, 15)), entry(at(3, 8), at(3, 17))],
        "presencial",
        "150.00",
        [(2, "ana", 360, 480, "1200.00"), (3, "ana", 540, 540, "1350.00")],
        "2550.00",
    ),
    # An entry crossing midnight belongs to the day it starts: 23:00–00:30 is 90 min on day 2,
    # and day 3's 10 min are a session of their own (raised to 60).
    (
        [entry(at(2, 23), at(3, 0, 30)), entry(at(3, 10), at(3, 10, 10))],
        "remota",
        "180.00",
        [(2, "ana", 90, 90, "270.00"), (3, "ana", 10, 60, "180.00")],
        "450.00",
    ),
    # The day is Brasília's: 01:30 UTC on the 3rd is 22:30 on the 2nd in São Paulo.
    (
        [entry(datetime(2026, 12, 3, 1, 30, tzinfo=UTC), datetime(2026, 12, 3, 2, 45, tzinfo=UTC))],
        "remota",
        "180.00",
        [(2, "ana", 75, 75, "225.00")],
        "225.00",
    ),
    # Half-up to the centavo per session: 61 min × 123,45/h = 125,5075 → 125,51;
    # 67 min × 100,01/h = 111,677 → 111,68.
    ([entry(at(2, 9), at(2, 10, 1))], "remota", "123.45", [(2, "ana", 61, 61, "125.51")], "125.51"),
    ([entry(at(2, 9), at(2, 10, 7))], "remota", "100.01", [(2, "ana", 67, 67, "111.68")], "111.68"),
    # An exact half centavo rounds up: 61 min × 0,30/h = 0,305 → 0,31.
    ([entry(at(2, 9), at(2, 10, 1))], "remota", "0.30", [(2, "ana", 61, 61, "0.31")], "0.31"),
    # Seconds of an unfinished minute are dropped (no rounding): 60 min 59 s → 60 min.
    ([entry(at(2, 9), at(2, 10, 0, 59))], "remota", "180.00", [(2, "ana", 60, 60, "180.00")], "180.00"),
]


@pytest.mark.parametrize(("entries", "modality", "price", "sessions", "total"), CASES)
def test_sessions_minimums_and_amounts(entries, modality, price, sessions, total):
    result = billing.statement(entries, billing="hora", modality=modality, unit_price=Decimal(price))
    got = [(s.day.day, s.analyst, s.minutes, s.billable_minutes, f"{s.amount:f}") for s in result.sessions]
    assert got == sessions
    assert f"{result.amount:f}" == total
    assert result.minutes == sum(s[2] for s in sessions)
    assert result.billable_minutes == sum(s[3] for s in sessions)


def test_total_is_the_sum_of_the_rounded_sessions():
    """Three sessions of 61 min at 123,45/h: 3 × 125,51 = 376,53 (not 183 min × 123,45/60 = 376,52)."""
    entries = [entry(at(day, 9), at(day, 10, 1)) for day in (2, 3, 4)]
    result = billing.statement(entries, billing="hora", modality="remota", unit_price=Decimal("123.45"))
    assert result.amount == Decimal("376.53")


def test_fixed_price_ignores_hours():
    entries = [entry(at(2, 9), at(2, 19)), entry(at(3, 9), at(3, 9, 5))]
    result = billing.statement(entries, billing="serviço", modality="presencial", unit_price=Decimal("2500.00"))
    assert result.amount == Decimal("2500.00")
    assert result.minutes == 605  # listed: 600 + 5
    assert result.billable_minutes == 0
    assert [s.amount for s in result.sessions] == [Decimal("0.00"), Decimal("0.00")]


def test_estimates():
    assert billing.estimate_amount(
        billing="hora", estimated_hours=Decimal("12.5"), unit_price=Decimal("180")
    ) == Decimal("2250.00")
    assert billing.estimate_amount(
        billing="serviço", estimated_hours=Decimal("40"), unit_price=Decimal("2500")
    ) == Decimal("2500.00")


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (at(2, 9), at(2, 9), "order"),
        (at(2, 10), at(2, 9), "order"),
        (at(2, 9), at(3, 9, 1), "too_long"),
        (datetime(2026, 12, 2, 9), datetime(2026, 12, 2, 10), "naive"),
    ],
)
def test_entry_rules(start, end, code):
    with pytest.raises(EntryError) as refused:
        billing.entry_check(start, end)
    assert refused.value.code == code


def test_exactly_24_hours_is_allowed_and_back_to_back_entries_do_not_overlap():
    billing.entry_check(at(2, 9), at(3, 9))
    assert not billing.overlaps(at(2, 9), at(2, 10), at(2, 10), at(2, 11))
    assert billing.overlaps(at(2, 9), at(2, 10, 1), at(2, 10), at(2, 11))


def test_money_is_decimal_half_up_and_never_float():
    assert brl("2.345") == Decimal("2.35")
    assert brl("2.344") == Decimal("2.34")
    assert brl("1.234,565") == Decimal("1234.57")
    with pytest.raises(MoneyError):
        brl(0.1)
    with pytest.raises(MoneyError):
        brl("NaN")
    assert format_brl(Decimal("1234567.5")) == "R$ 1.234.567,50"
    assert format_brl(Decimal("0.05")) == "R$ 0,05"
    assert decimal_string(Decimal("1234.5")) == "1234.50"
    assert decimal_comma(Decimal("1234.5")) == "1234,50"
    assert minutes_amount(90, Decimal("180.00")) == Decimal("270.00")


@given(
    minutes=st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=6),
    price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2),
    onsite=st.booleans(),
)
def test_properties_of_one_session(minutes, price, onsite):
    """Entries of one analyst on one day: billable ≥ the minimum and ≥ the minutes worked, and the
    amount is billable/60 × price to the centavo, never more than half a centavo away."""
    start = at(2, 0)
    entries, cursor = [], start
    for m in minutes:
        entries.append(entry(cursor, cursor + timedelta(minutes=m)))
        cursor += timedelta(minutes=m + 1)
    entries = [e for e in entries if e.day == start.date()] or entries[:1]
    modality = "presencial" if onsite else "remota"
    result = billing.statement(entries, billing="hora", modality=modality, unit_price=price)
    (session,) = result.sessions
    worked = sum(e.minutes for e in entries)
    assert session.minutes == worked
    assert session.billable_minutes == max(worked, 480 if onsite else 60)
    exact = Decimal(session.billable_minutes) * price / 60
    assert abs(session.amount - exact) <= Decimal("0.005")
    assert session.amount == session.amount.quantize(Decimal("0.01"))
