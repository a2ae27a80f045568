"""The billing arithmetic of a technical advisory (domain.md §8). Pure: no Django, no database.

    entries  ──group by (analyst, Brasília date of the start)──▶  sessions
    session minutes   = Σ whole minutes of its entries (each entry's seconds are dropped: no rounding)
    billable minutes  = max(session minutes, minimum)   60 remote, 480 on site
    session amount    = billable minutes ÷ 60 × the proposal's hourly price, half-up to the centavo
    totals            = Σ of the sessions (the amount is the sum of the rounded session amounts)
    fixed price       = the proposal's price, once; hours are listed but not billed

The price is the one the proposal was made with (the caller passes it), never the price list's
current one. An entry that crosses midnight belongs to the day it starts.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from servicedesk.advisory.money import brl, minutes_amount

BRASILIA = ZoneInfo("America/Sao_Paulo")
MAX_ENTRY = timedelta(hours=24)


class Modality(StrEnum):
    REMOTE = "remota"
    ON_SITE = "presencial"


class BillingMode(StrEnum):
    HOURLY = "hora"
    FIXED = "serviço"


MINIMUM_MINUTES: dict[Modality, int] = {Modality.REMOTE: 60, Modality.ON_SITE: 480}


class EntryError(ValueError):
    """A time entry that §8 refuses; `code` names the rule."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Entry:
    analyst: Hashable  # an id; `analyst_name` is what the report prints
    started_at: datetime
    ended_at: datetime
    activity: str = ""
    analyst_name: str = ""
    key: Hashable = None  # the caller's id of the entry (kept in the report)

    @property
    def minutes(self) -> int:
        return entry_minutes(self.started_at, self.ended_at)

    @property
    def day(self) -> date:
        return self.started_at.astimezone(BRASILIA).date()


@dataclass(frozen=True)
class Session:
    analyst: Hashable
    analyst_name: str
    day: date
    entries: tuple[Entry, ...]
    minutes: int
    billable_minutes: int
    amount: Decimal


@dataclass(frozen=True)
class Statement:
    """What a report shows and what its validation bills."""

    billing: BillingMode
    modality: Modality
    unit_price: Decimal
    sessions: tuple[Session, ...]
    minutes: int
    billable_minutes: int
    amount: Decimal


def entry_check(started_at: datetime, ended_at: datetime) -> None:
    """§8: aware instants, the end after the start, at most 24 hours."""
    if started_at.tzinfo is None or ended_at.tzinfo is None or started_at.utcoffset() is None:
        raise EntryError("naive", "start and end must carry a time zone")
    if ended_at <= started_at:
        raise EntryError("order", "the end must come after the start")
    if ended_at - started_at > MAX_ENTRY:
        raise EntryError("too_long", "an entry lasts at most 24 hours")


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: an entry may start at the minute another one ends."""
    return a_start < b_end and b_start < a_end


def entry_minutes(started_at: datetime, ended_at: datetime) -> int:
    """Whole minutes worked: the seconds of an unfinished minute are dropped, nothing is rounded up."""
    return int((ended_at - started_at).total_seconds() // 60)


def sessions_of(entries: Iterable[Entry], *, modality: Modality, unit_price: Decimal, hourly: bool) -> list[Session]:
    """One session per analyst and Brasília day, in date order (then by analyst name)."""
    groups: dict[tuple[Hashable, date], list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.started_at):
        groups.setdefault((entry.analyst, entry.day), []).append(entry)
    minimum = MINIMUM_MINUTES[Modality(modality)]
    sessions = []
    for (analyst, day), grouped in groups.items():
        minutes = sum(entry.minutes for entry in grouped)
        billable = max(minutes, minimum) if hourly else 0
        amount = minutes_amount(billable, unit_price) if hourly else brl(0)
        name = grouped[0].analyst_name
        sessions.append(Session(analyst, name, day, tuple(grouped), minutes, billable, amount))
    sessions.sort(key=lambda s: (s.day, s.analyst_name, str(s.analyst)))
    return sessions


def statement(
    entries: Iterable[Entry], *, billing: BillingMode | str, modality: Modality | str, unit_price: Decimal
) -> Statement:
    """The sessions and totals of an engagement's entries, billed as the proposal says."""
    billing, modality = BillingMode(billing), Modality(modality)
    price = brl(unit_price)
    hourly = billing is BillingMode.HOURLY
    sessions = sessions_of(entries, modality=modality, unit_price=price, hourly=hourly)
    amount = sum((s.amount for s in sessions), brl(0)) if hourly else price
    return Statement(
        billing=billing,
        modality=modality,
        unit_price=price,
        sessions=tuple(sessions),
        minutes=sum(s.minutes for s in sessions),
        billable_minutes=sum(s.billable_minutes for s in sessions),
        amount=brl(amount),
    )


def estimate_amount(*, billing: BillingMode | str, estimated_hours: Decimal, unit_price: Decimal) -> Decimal:
    """What the proposal announces: the estimated hours at the hourly price, or the fixed price."""
    if BillingMode(billing) is BillingMode.FIXED:
        return brl(unit_price)
    return brl(Decimal(estimated_hours) * brl(unit_price))
