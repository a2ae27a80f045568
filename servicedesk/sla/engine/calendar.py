"""Business calendar: working windows in local wall time, closed dates, and O(log n)
business-time arithmetic (domain §2).

Design
------
Every instant is handled as an integer number of **UTC epoch microseconds** and every
amount of business time as an integer number of **business microseconds**. For each
local calendar year the calendar builds (lazily, once) the year's working windows as
UTC epoch-microsecond pairs, plus the running business total at the end of each window.
Years are kept contiguous in three flat lists (``starts``, ``ends``, ``cum_end``), so

* ``to_business(moment)`` is one timestamp conversion + one ``bisect`` + arithmetic;
* ``from_business(x)`` is one ``bisect`` + arithmetic + one ``datetime`` construction;
* ``add`` and ``elapsed`` are built on those two and never loop over days or minutes.

Business numbers are measured from an origin private to each calendar instance (the
start of the first year it loaded, 1 January 2000 if ``from_business`` comes first):
only differences between them are meaningful, and they stay stable for the instance's
lifetime. Loaded tables are immutable snapshots swapped under a lock, so a calendar can be
shared between threads.

Conventions (domain §2)
-----------------------
* Windows are half-open ``[start, end)`` in the calendar's local wall time; a window end
  of ``time(0)`` means midnight at the end of the day. DST is honoured: a window is the
  real time between its local start and end (conversion with ``fold=0``).
* ``add(start, d)`` is the *earliest* instant at which ``d`` business time has elapsed
  since ``start``. So a deadline that falls exactly at a window's end is that instant
  (18:00 stays 18:00), and a start outside business time counts from the next opening.
  ``add(start, 0) == next_opening(start)``: a zero duration from 13:00 (lunch) is 14:00,
  from Saturday 10:00 it is Monday 09:00.
* ``elapsed(start, end)`` counts only time inside windows; with ``end < start`` it is
  negative: ``elapsed(b, a) == -elapsed(a, b)`` (domain.md §2, decision).
* ``next_opening(moment)`` returns ``moment`` itself when the calendar is open then.
* Naive datetimes and negative durations raise ``ValueError``. Results are aware
  datetimes in the calendar's time zone.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_TIMEZONE",
    "DEFAULT_WINDOWS",
    "BusinessCalendar",
    "brazilian_national_holidays",
    "duration_us",
    "epoch_us",
]

Window = tuple[time, time]
WeeklyWindows = Mapping[int, Sequence[Window]] | Sequence[Sequence[Window]]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = 1_000_000
_DAY_US = 86_400 * _US
_MIDNIGHT = time(0)
# Searching further than this many years for business time means the calendar is
# effectively always closed (e.g. every weekday window removed by closed dates).
_MAX_SEARCH_YEARS = 50
_MIN_YEAR = 2
_ORIGIN_YEAR = 2000
_MAX_YEAR = 9998

DEFAULT_TIMEZONE = "America/Sao_Paulo"
# Domain §2: Monday–Friday 09:00–13:00 and 14:00–18:00.
_WORKDAY: tuple[Window, ...] = ((time(9), time(13)), (time(14), time(18)))
DEFAULT_WINDOWS: dict[int, tuple[Window, ...]] = {d: _WORKDAY for d in range(5)}


def epoch_us(moment: datetime) -> int:
    """UTC epoch microseconds of an aware datetime (exact). Naive → ``ValueError``."""
    try:
        d = moment - _EPOCH
    except TypeError:
        raise ValueError(f"naive datetime not allowed: {moment!r}") from None
    return (d.days * 86_400 + d.seconds) * _US + d.microseconds


def duration_us(duration: timedelta) -> int:
    """A timedelta as integer microseconds (exact)."""
    return (duration.days * 86_400 + duration.seconds) * _US + duration.microseconds


def brazilian_national_holidays(year: int) -> frozenset[date]:
    """Brazilian national public holidays of ``year`` (``holidays`` package, country BR,
    default categories only: Carnival, Corpus Christi… are optional there, so they are
    business days unless an administrator closes them — domain §2)."""
    import holidays  # local import: only calendars that use national holidays pay for it

    return frozenset(holidays.country_holidays("BR", years=year).keys())


def _normalize_windows(windows: WeeklyWindows) -> tuple[tuple[Window, ...], ...]:
    if isinstance(windows, Mapping):
        items = dict(windows)
        unknown = [k for k in items if k not in range(7)]
        if unknown:
            raise ValueError(f"weekday keys must be 0 (Monday)..6 (Sunday), got {unknown!r}")
        per_day = [items.get(d, ()) for d in range(7)]
    else:
        per_day = list(windows)
        if len(per_day) != 7:
            raise ValueError(f"a sequence of windows needs 7 entries (Monday..Sunday), got {len(per_day)}")
    result: list[tuple[Window, ...]] = []
    for weekday, day_windows in enumerate(per_day):
        pairs = sorted((tuple(w) for w in day_windows), key=lambda w: w[0])
        previous_end: time | None = None
        for pair in pairs:
            if len(pair) != 2 or not all(isinstance(t, time) for t in pair):
                raise ValueError(f"a window is a (datetime.time, datetime.time) pair, got {pair!r}")
            start, end = pair
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("window times are local wall times and must be naive")
            if end != _MIDNIGHT and end <= start:
                raise ValueError(f"window end must be after its start on weekday {weekday}: {pair!r}")
            if previous_end is not None and (previous_end == _MIDNIGHT or start < previous_end):
                raise ValueError(f"overlapping windows on weekday {weekday}: {pairs!r}")
            previous_end = end
        result.append(tuple(pairs))  # type: ignore[arg-type]
    if not any(result):
        raise ValueError("a business calendar needs at least one working window")
    return tuple(result)


class _Table:
    """Immutable snapshot of the loaded years (swapped atomically when extended)."""

    __slots__ = ("base_lo", "cum_end", "ends", "hi_bound", "hi_year", "lo_bound", "lo_year", "starts", "total_hi")

    def __init__(
        self,
        lo_year: int,
        hi_year: int,
        lo_bound: int,
        hi_bound: int,
        base_lo: int,
        starts: list[int],
        ends: list[int],
        cum_end: list[int],
    ) -> None:
        self.lo_year = lo_year
        self.hi_year = hi_year
        self.lo_bound = lo_bound  # epoch µs of local midnight, 1 January of lo_year
        self.hi_bound = hi_bound  # epoch µs of local midnight, 1 January of hi_year + 1
        self.base_lo = base_lo  # business µs at lo_bound
        self.starts = starts
        self.ends = ends
        self.cum_end = cum_end  # business µs at the end of each window
        self.total_hi = cum_end[-1] if cum_end else base_lo  # business µs at hi_bound


class BusinessCalendar:
    """Working windows (local wall time) + closed dates in one IANA time zone."""

    __slots__ = ("_closed", "_holiday_provider", "_lock", "_table", "_windows", "tz")

    def __init__(
        self,
        timezone: str | ZoneInfo,
        windows: WeeklyWindows,
        closed_dates: Iterable[date] = (),
        *,
        holiday_provider: Callable[[int], Iterable[date]] | None = None,
    ) -> None:
        """``windows``: weekday (0=Monday..6=Sunday) → ``(time, time)`` pairs, or a sequence
        of 7 such lists. ``closed_dates``: local dates without business time.
        ``holiday_provider(year)``: more closed dates, asked lazily once per year."""
        self.tz = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
        self._windows = _normalize_windows(windows)
        self._closed = frozenset(closed_dates)
        self._holiday_provider = holiday_provider
        self._lock = threading.Lock()
        self._table: _Table | None = None

    # ---- constructors ---------------------------------------------------------------
    @classmethod
    def with_brazilian_holidays(
        cls,
        timezone: str | ZoneInfo = DEFAULT_TIMEZONE,
        windows: WeeklyWindows = DEFAULT_WINDOWS,
        extra_closed_dates: Iterable[date] = (),
        *,
        include_national_holidays: bool = True,
    ) -> BusinessCalendar:
        """The shape the DB stores: zone, weekly windows, extra closed dates and the flag
        "include national holidays" (Brazilian, computed lazily for any year)."""
        provider = brazilian_national_holidays if include_national_holidays else None
        return cls(timezone, windows, extra_closed_dates, holiday_provider=provider)

    @classmethod
    def default(cls) -> BusinessCalendar:
        """America/Sao_Paulo, Mon–Fri 09:00–13:00 + 14:00–18:00, Brazilian national
        holidays (domain §2). One shared instance, so its year tables are built once."""
        global _DEFAULT
        if _DEFAULT is None:
            _DEFAULT = cls.with_brazilian_holidays()
        return _DEFAULT

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.tz.key!r}, windows={self._windows!r}, closed={len(self._closed)} dates)"

    # ---- public API (datetimes) ------------------------------------------------------
    def add(self, start: datetime, duration: timedelta) -> datetime:
        """Earliest instant at which ``duration`` of business time has elapsed since
        ``start`` (zero → ``next_opening(start)``). Negative duration → ``ValueError``."""
        d = duration_us(duration)
        if d < 0:
            raise ValueError(f"negative duration not allowed: {duration!r}")
        t = epoch_us(start)
        if d == 0:
            return self._to_datetime(self.next_opening_us(t))
        return self._to_datetime(self.instant_us(self.business_us(t) + d))

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time inside windows between ``start`` and ``end``. With ``end`` before
        ``start`` it is the negative of ``elapsed(end, start)``, as subtracting datetimes is
        (domain.md §2, decision: it answers "how far past the deadline")."""
        return timedelta(microseconds=self.business_us(epoch_us(end)) - self.business_us(epoch_us(start)))

    def is_open(self, moment: datetime) -> bool:
        """Whether ``moment`` lies inside a window ``[start, end)``."""
        t = epoch_us(moment)
        tab = self._covering(t)
        i = bisect_right(tab.starts, t) - 1
        return i >= 0 and t < tab.ends[i]

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself if open, else the start of the next window."""
        return self._to_datetime(self.next_opening_us(epoch_us(moment)))

    def to_business(self, moment: datetime) -> int:
        """Business microseconds since this calendar's origin (only differences matter)."""
        return self.business_us(epoch_us(moment))

    def from_business(self, business: int) -> datetime:
        """Earliest instant whose ``to_business`` equals ``business`` (microseconds)."""
        return self._to_datetime(self.instant_us(business))

    def to_datetime(self, instant_us: int) -> datetime:
        """An epoch-microsecond instant as an aware datetime in the calendar's zone."""
        return self._to_datetime(instant_us)

    # ---- public API (integer space, used by the clocks engine) -----------------------
    def business_us(self, t: int) -> int:
        """Business µs at epoch-µs instant ``t``."""
        tab = self._table
        if tab is None or t < tab.lo_bound or t >= tab.hi_bound:
            tab = self._covering(t)
        starts = tab.starts
        i = bisect_right(starts, t) - 1
        if i < 0:
            return tab.base_lo
        end = tab.ends[i]
        if t < end:
            return tab.cum_end[i] - (end - t)
        return tab.cum_end[i]

    def instant_us(self, business: int) -> int:
        """Earliest epoch-µs instant at which the business count reaches ``business``."""
        tab = self._table
        if tab is None or business <= tab.base_lo or business > tab.total_hi:
            tab = self._covering_business(business)
        cum = tab.cum_end
        i = bisect_left(cum, business)
        return tab.ends[i] - (cum[i] - business)

    def next_opening_us(self, t: int) -> int:
        tab = self._covering(t)
        i = bisect_right(tab.starts, t)
        if i > 0 and t < tab.ends[i - 1]:
            return t
        for _ in range(_MAX_SEARCH_YEARS):
            if i < len(tab.starts):
                return tab.starts[i]
            tab = self._extend_to(tab.lo_year, tab.hi_year + 1)
            i = bisect_right(tab.starts, t)
        raise ValueError(f"no business time within {_MAX_SEARCH_YEARS} years after {self._to_datetime(t)}")

    # ---- internals ---------------------------------------------------------------------
    def _to_datetime(self, t: int) -> datetime:
        seconds, micro = divmod(t, _US)
        result = datetime.fromtimestamp(seconds, self.tz)
        return result.replace(microsecond=micro) if micro else result

    def _year_bound(self, year: int) -> int:
        return epoch_us(datetime(year, 1, 1, tzinfo=self.tz))

    def _covering(self, t: int) -> _Table:
        """Table whose loaded years contain instant ``t`` (and at least one window)."""
        tab = self._table
        if tab is not None and tab.lo_bound <= t < tab.hi_bound:
            return tab
        year = self._to_datetime(t).year
        lo = year if tab is None else min(year, tab.lo_year)
        hi = year if tab is None else max(year, tab.hi_year)
        return self._extend_to(lo, hi)

    def _covering_business(self, business: int) -> _Table:
        # Nothing loaded yet: the origin becomes 1 January 2000 (any fixed year would do).
        tab = self._table or self._extend_to(_ORIGIN_YEAR, _ORIGIN_YEAR)
        for _ in range(_MAX_SEARCH_YEARS):
            if business > tab.total_hi:
                tab = self._extend_to(tab.lo_year, tab.hi_year + 1)
            elif business <= tab.base_lo:
                tab = self._extend_to(tab.lo_year - 1, tab.hi_year)
            else:
                return tab
        raise ValueError(f"business time {business} µs is more than {_MAX_SEARCH_YEARS} years away")

    def _year_windows(self, year: int) -> tuple[list[int], list[int]]:
        closed = set(self._closed)
        if self._holiday_provider is not None:
            closed.update(self._holiday_provider(year))
        tz = self.tz
        starts: list[int] = []
        ends: list[int] = []
        day = date(year, 1, 1)
        one_day = timedelta(days=1)
        while day.year == year:
            if day not in closed:
                for start, end in self._windows[day.weekday()]:
                    s = epoch_us(datetime.combine(day, start, tzinfo=tz))
                    if end == _MIDNIGHT:
                        e = epoch_us(datetime.combine(day + one_day, end, tzinfo=tz))
                    else:
                        e = epoch_us(datetime.combine(day, end, tzinfo=tz))
                    if e <= s:  # swallowed by a DST gap
                        continue
                    if ends and s <= ends[-1]:  # touching (or DST-overlapping) windows merge
                        ends[-1] = max(ends[-1], e)
                        continue
                    starts.append(s)
                    ends.append(e)
            day += one_day
        return starts, ends

    def _extend_to(self, lo: int, hi: int) -> _Table:
        if lo < _MIN_YEAR or hi > _MAX_YEAR:
            raise ValueError(f"year out of the supported range {_MIN_YEAR}..{_MAX_YEAR}")
        with self._lock:
            tab = self._table
            if tab is not None and tab.lo_year <= lo and hi <= tab.hi_year:
                return tab
            if tab is None:
                starts, ends = self._year_windows(lo)
                cum: list[int] = []
                total = 0
                for s, e in zip(starts, ends, strict=True):
                    total += e - s
                    cum.append(total)
                tab = _Table(lo, lo, self._year_bound(lo), self._year_bound(lo + 1), 0, starts, ends, cum)
            # Extend downwards: prepend earlier years, counting backwards from base_lo.
            if lo < tab.lo_year:
                new_starts: list[int] = []
                new_ends: list[int] = []
                for year in range(lo, tab.lo_year):
                    s_y, e_y = self._year_windows(year)
                    new_starts += s_y
                    new_ends += e_y
                span = sum(e - s for s, e in zip(new_starts, new_ends, strict=True))
                base = tab.base_lo - span
                cum = []
                total = base
                for s, e in zip(new_starts, new_ends, strict=True):
                    total += e - s
                    cum.append(total)
                tab = _Table(
                    lo,
                    tab.hi_year,
                    self._year_bound(lo),
                    tab.hi_bound,
                    base,
                    new_starts + tab.starts,
                    new_ends + tab.ends,
                    cum + tab.cum_end,
                )
            # Extend upwards: append later years, continuing the running total.
            if hi > tab.hi_year:
                starts = list(tab.starts)
                ends = list(tab.ends)
                cum = list(tab.cum_end)
                total = tab.total_hi
                for year in range(tab.hi_year + 1, hi + 1):
                    s_y, e_y = self._year_windows(year)
                    for s, e in zip(s_y, e_y, strict=True):
                        total += e - s
                        cum.append(total)
                    starts += s_y
                    ends += e_y
                tab = _Table(tab.lo_year, hi, tab.lo_bound, self._year_bound(hi + 1), tab.base_lo, starts, ends, cum)
            self._table = tab
            return tab


_DEFAULT: BusinessCalendar | None = None
