"""A deliberately simple business calendar: walks day by day, window by window, with
plain aware-datetime arithmetic. Slow and obviously right; the fast engine is checked
against it by the Hypothesis properties."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ONE_DAY = timedelta(days=1)
ZERO = timedelta(0)


class ReferenceCalendar:
    def __init__(
        self,
        tz: ZoneInfo,
        windows: Mapping[int, Sequence[tuple[time, time]]],
        is_closed: Callable[[date], bool],
    ) -> None:
        self.tz = tz
        self.windows = windows
        self.is_closed = is_closed

    def day_windows(self, day: date) -> list[tuple[datetime, datetime]]:
        if self.is_closed(day):
            return []
        result = []
        for start, end in self.windows.get(day.weekday(), ()):
            s = datetime.combine(day, start, tzinfo=self.tz).astimezone(UTC)
            end_day = day + ONE_DAY if end == time(0) else day
            e = datetime.combine(end_day, end, tzinfo=self.tz).astimezone(UTC)
            if e > s:
                result.append((s, e))
        return result

    def windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Windows ending after ``moment``, in order; windows that overlap or touch (only
        possible around DST switches or at midnight) are merged."""
        day = moment.astimezone(self.tz).date() - ONE_DAY
        pending: tuple[datetime, datetime] | None = None
        for _ in range(3660):
            for s, e in self.day_windows(day):
                if pending is not None and s <= pending[1]:
                    pending = (pending[0], max(pending[1], e))
                    continue
                if pending is not None and pending[1] > moment:
                    yield pending
                pending = (s, e)
            day += ONE_DAY
        raise AssertionError("no business time within ten years")

    def is_open(self, moment: datetime) -> bool:
        day = moment.astimezone(self.tz).date()
        return any(s <= moment < e for d in (day - ONE_DAY, day) for s, e in self.day_windows(d))

    def next_opening(self, moment: datetime) -> datetime:
        s, _ = next(self.windows_from(moment))
        return max(s, moment)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        if duration == ZERO:
            return self.next_opening(start)
        left = duration
        for s, e in self.windows_from(start):
            s = max(s, start)
            if e - s >= left:
                return s + left
            left -= e - s
        raise AssertionError("unreachable")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        total = ZERO
        for s, e in self.windows_from(start):
            if s >= end:
                return total
            total += min(e, end) - max(s, start)
        raise AssertionError("unreachable")
