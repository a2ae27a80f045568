"""THE consistency test (issue 11): for a generated month of tickets — paused, reopened,
reclassified, homologação — every compliance figure equals the count made ticket by ticket from
each ticket's own clocks, as `GET /api/v1/tickets/{n}/sla` reports them (the engine over the
whole history), evaluated at the same instant."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import pytest

from servicedesk.accounts.models import Role
from servicedesk.core import clock
from servicedesk.reports.selectors import Period, compliance
from servicedesk.reports.tests.generated import generate_month
from servicedesk.tickets.models import EventKind, Ticket, TicketEvent
from servicedesk.tickets.tests.factories import SP, StaffFactory, sp

CLOCKS = ("diagnosis", "solution")


def _month(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(SP).strftime("%Y-%m")


def ticket_by_ticket(client, tickets, period: Period, group) -> dict:
    """The figures counted from each ticket's own clocks (domain.md §10, by hand)."""
    expected: dict = defaultdict(lambda: {c: {"met": 0, "breached": 0, "seconds": []} for c in CLOCKS})
    for ticket in tickets:
        body = client.get(f"/api/v1/tickets/{ticket.pk}/sla").json()
        if not body["contractual"]:
            continue
        for name in CLOCKS:
            c = body[name]
            if c["met_at"] is not None:
                on_time = c["state"] == "met"
                instant = c["met_at"] if on_time else c["due_at"]
                if period.start <= datetime.fromisoformat(c["met_at"]) < period.end:
                    expected[group(ticket, body, _month(c["met_at"]))][name]["seconds"].append(c["elapsed_seconds"])
            elif c["state"] == "breached":
                on_time, instant = False, c["due_at"]
            else:
                continue  # running and not yet due, or paused: not counted
            if period.start <= datetime.fromisoformat(instant) < period.end:
                expected[group(ticket, body, _month(instant))][name]["met" if on_time else "breached"] += 1
    return expected


@pytest.mark.parametrize(
    "now",
    [sp(2026, 11, 28, 18, 30), sp(2026, 12, 21, 12)],
    ids=["right-after-the-month", "weeks-later"],
)
def test_every_compliance_figure_equals_the_ticket_by_ticket_count(world, client, monkeypatch, now):
    tickets = generate_month(world)
    admin = StaffFactory(username="admin", role=Role.ADMIN)
    client.force_login(admin)
    monkeypatch.setattr(clock, "now", lambda: now)
    period = Period(date(2026, 11, 1), date(2026, 12, 31))

    # the generated month has what the rule is about
    kinds = set(TicketEvent.objects.values_list("kind", flat=True))
    assert {EventKind.RECLASSIFIED, EventKind.STATUS_CHANGED, EventKind.CUSTOMER_REPLY} <= kinds
    assert Ticket.objects.filter(environment="homologação").exists()
    assert TicketEvent.objects.filter(from_status="RESOLVIDO", to_status="EM ATENDIMENTO").exists()  # reopened
    assert TicketEvent.objects.filter(to_status="AGUARDANDO CLIENTE").exists()
    assert TicketEvent.objects.filter(to_status="SERVIÇOS").exists()

    groupings = {
        ("month", "plan", "severity"): lambda t, b, m: (m, t.plan_code, b["severity"]),
        ("month", "organization", "team", "analyst"): lambda t, b, m: (m, t.organization_id, t.team_id, t.assignee_id),
        ("type",): lambda t, b, m: (b["type"],),
        (): lambda t, b, m: (),
    }
    for group_by, group in groupings.items():
        expected = ticket_by_ticket(client, tickets, period, group)
        rows = compliance(user=admin, period=period, now=now, group_by=group_by, median=True)
        got = {tuple(row.keys[k] for k in group_by): row for row in rows}
        assert set(got) == {
            k for k, v in expected.items() if any(v[c]["met"] or v[c]["breached"] or v[c]["seconds"] for c in CLOCKS)
        }
        for key, figures in expected.items():
            for name in CLOCKS:
                mine = getattr(got[key], name)
                assert (mine.met, mine.breached) == (figures[name]["met"], figures[name]["breached"]), (
                    group_by,
                    key,
                    name,
                )
                seconds = figures[name]["seconds"]
                if seconds:
                    assert mine.avg_business_seconds == pytest.approx(sum(seconds) / len(seconds)), (
                        group_by,
                        key,
                        name,
                        seconds,
                    )
                else:
                    assert mine.avg_business_seconds is None
                counted = figures[name]["met"] + figures[name]["breached"]
                assert mine.compliance == (round(figures[name]["met"] / counted, 6) if counted else None)
        # the percentages-only reading (the trend's) counts the same clocks
        fast = compliance(user=admin, period=period, now=now, group_by=group_by, times=False)
        assert {tuple(r.keys[k] for k in group_by): (r.diagnosis.counted, r.solution.counted) for r in fast} == {
            key: (row.diagnosis.counted, row.solution.counted)
            for key, row in got.items()
            if row.diagnosis.counted or row.solution.counted
        }
        assert all(r.diagnosis.avg_business_seconds is None for r in fast)
        for key, row in {tuple(r.keys[k] for k in group_by): r for r in fast}.items():
            assert (row.diagnosis.met, row.solution.met) == (got[key].diagnosis.met, got[key].solution.met)
        # the API answers the same figures
        api = client.get(
            "/api/v1/sla/compliance", {"from": "2026-11-01", "to": "2026-12-31", "group_by": ",".join(group_by)}
        ).json()
        assert {tuple(r[k] for k in group_by): (r["diagnosis"], r["solution"]) for r in api["rows"]} == {
            key: (row.diagnosis.as_dict(), row.solution.as_dict()) for key, row in got.items()
        }

    total = compliance(user=admin, period=period, now=now)[0]
    # not a trivial month: clocks met and breached, on both clocks
    assert total.diagnosis.met and total.diagnosis.breached and total.solution.met and total.solution.breached


def _solution_counts(body: dict, period: Period) -> str | None:
    """The Brasília month the solution clock counts in (domain.md §10, by hand), or None."""
    c = body["solution"]
    if c["met_at"] is not None:
        instant = c["met_at"] if c["state"] == "met" else c["due_at"]
    elif c["state"] == "breached":
        instant = c["due_at"]
    else:
        return None
    return _month(instant) if period.start <= datetime.fromisoformat(instant) < period.end else None


@pytest.mark.parametrize(
    "now",
    [sp(2026, 11, 28, 18, 30), sp(2026, 12, 21, 12)],
    ids=["right-after-the-month", "weeks-later"],
)
def test_paused_time_by_status_equals_the_sum_of_each_tickets_own_clock(world, client, monkeypatch, now):
    from servicedesk.reports.pauses import paused_by_status

    tickets = generate_month(world)
    admin = StaffFactory(username="admin", role=Role.ADMIN)
    client.force_login(admin)
    monkeypatch.setattr(clock, "now", lambda: now)
    period = Period(date(2026, 11, 1), date(2026, 12, 31))
    groupings = {
        ("month", "plan", "severity"): lambda t, b, m: (m, t.plan_code, b["severity"]),
        ("analyst",): lambda t, b, m: (t.assignee_id,),
        (): lambda t, b, m: (),
    }
    for group_by, group in groupings.items():
        expected: dict = defaultdict(lambda: {"clocks": 0, "seconds": defaultdict(int)})
        for ticket in tickets:
            body = client.get(f"/api/v1/tickets/{ticket.pk}/sla").json()
            month = _solution_counts(body, period) if body["contractual"] else None
            if month is None:
                continue
            figures = expected[group(ticket, body, month)]
            figures["clocks"] += 1
            for status, seconds in body["solution"]["paused_by_status"].items():
                figures["seconds"][status] += seconds
        rows = paused_by_status(user=admin, period=period, now=now, group_by=group_by)
        got = {tuple(row.keys[k] for k in group_by): row for row in rows}
        assert set(got) == set(expected), group_by
        for key, figures in expected.items():
            assert got[key].clocks == figures["clocks"], (group_by, key)
            assert got[key].seconds == {s: figures["seconds"][s] for s in got[key].seconds}, (group_by, key)
    # not a trivial month: time paused waiting for the customer and in SERVIÇOS
    total = paused_by_status(user=admin, period=period, now=now)[0]
    assert total.seconds["AGUARDANDO CLIENTE"] > 0 and total.seconds["SERVIÇOS"] > 0
