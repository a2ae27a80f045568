"""A page of rows whose total may be capped (console queues, the portal's ticket list).

Counting every match of a broad filter or word search costs as much as reading them all (25,000
tickets of "acme"), so lists count their matches up to `COUNT_CAP` and then say "mais de 1.000";
an unfiltered list takes its total from the exact counters (tickets.counters). The rows are read
with a LIMIT in the order's index, never through a full count."""

from __future__ import annotations

from dataclasses import dataclass

COUNT_CAP = 1000


@dataclass
class CappedPage:
    object_list: list
    number: int
    total: int  # exact, or COUNT_CAP + 1 when there are more
    page_size: int
    cap: int = COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.total > self.cap

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.total else 0

    @property
    def end_index(self) -> int:
        return min(self.number * self.page_size, self.total)


MAX_PAGE = 100_000


def page_number(raw: str | None) -> int:
    """A page number from the query string: anything but a sane positive integer is page 1."""
    raw = (raw or "").strip()
    return min(int(raw), MAX_PAGE) if raw.isdigit() and len(raw) <= 6 and int(raw) > 0 else 1
