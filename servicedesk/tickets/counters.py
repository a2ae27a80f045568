"""Exact queue counters at O(1) a read (issue 8): the console's tab counters and totals and the
portal's home counters are rows of `QueueCounter`, kept in step with the tickets by every write,
in the write's own transaction — no cache in front of them, never stale, never a scan.

Each ticket belongs to a set of keys (`counter_keys`). A write that may change that set calls
`counters_track(ticket)` just before saving the row: it reads the row's stored values (locked
by the write), compares the keys before and after, and moves the counters of the keys that
changed. Counters are updated in key order, so two writes never deadlock on them. Bulk loads call
`counters_rebuild()`, which recounts everything from the tickets (also `manage.py
queue_counters_rebuild`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import F

from servicedesk.sla.engine.policy import PAUSING_STATUSES, TicketStatus
from servicedesk.tickets.models import QueueCounter, Ticket
from servicedesk.tickets.workflow import FINAL_STATUSES

S = TicketStatus
# The columns the keys depend on (read from the stored row before a save).
COLUMNS = ("status", "assignee_id", "team_id", "organization_id", "at_risk", "breached")


def keys_for(
    *, status: str, assignee_id: int | None, team_id: int | None, organization_id: int, at_risk: bool, breached: bool
) -> frozenset[str]:
    keys = {"all"}
    if status in FINAL_STATUSES:
        return frozenset(keys)
    org = f"org:{organization_id}"
    keys |= {"open", f"{org}:open"}
    if status == S.WAITING_CUSTOMER:
        keys |= {"waiting", f"{org}:waiting"}
    if status == S.RESOLVED:
        keys.add(f"{org}:resolved")
    if status in PAUSING_STATUSES:
        keys.add(f"{org}:paused")
    keys.add("unassigned" if assignee_id is None else f"assignee:{assignee_id}")
    if team_id is not None:
        keys.add(f"team:{team_id}")
    if breached:
        keys.add("breached")
    elif at_risk:
        keys.add("at_risk")
    return frozenset(keys)


def counter_keys(ticket: Ticket) -> frozenset[str]:
    return keys_for(**{column: getattr(ticket, column) for column in COLUMNS})


def counters_move(before: Iterable[str], after: Iterable[str]) -> None:
    """+1 on the keys only in `after`, −1 on those only in `before`, in key order."""
    before, after = frozenset(before), frozenset(after)
    deltas = {key: 1 for key in after - before} | {key: -1 for key in before - after}
    if not deltas:
        return
    keys = sorted(deltas)
    QueueCounter.objects.bulk_create([QueueCounter(key=key, count=0) for key in keys], ignore_conflicts=True)
    for key in keys:
        QueueCounter.objects.filter(key=key).update(count=F("count") + deltas[key])


def counters_track(ticket: Ticket) -> None:
    """Before `ticket` (changed in memory, its row locked) is saved: move the counters from the
    stored row's keys to the ticket's new ones. A ticket not yet in the database counts as new."""
    stored = Ticket.objects.filter(pk=ticket.pk).values(*COLUMNS).first() if ticket.pk else None
    counters_move(keys_for(**stored) if stored else (), counter_keys(ticket))


def counters_get(keys: Iterable[str]) -> dict[str, int]:
    """The counts of `keys` (0 for a key no ticket ever had), in one query."""
    keys = list(keys)
    found = dict(QueueCounter.objects.filter(key__in=keys).values_list("key", "count"))
    return {key: found.get(key, 0) for key in keys}


def counters_rebuild() -> dict[str, int]:
    """Recount every key from the tickets (bulk loads, repairs): O(number of tickets)."""
    totals: Counter[str] = Counter()
    for row in Ticket.objects.values(*COLUMNS).iterator(chunk_size=5000):
        totals.update(keys_for(**row))
    QueueCounter.objects.all().delete()
    QueueCounter.objects.bulk_create([QueueCounter(key=key, count=count) for key, count in sorted(totals.items())])
    return dict(totals)
