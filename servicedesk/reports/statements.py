"""The customer's monthly SLA statement (issue 11): one organization, one Brasília month.

Its tickets are those opened in the month or with a clock that counts in it (domain.md §10),
each with both clocks as the ticket pages show them (`sla.services.ticket_sla_view`), the
outcome each clock counts, its pauses (the pausing status is the reason, with the business time
it covered) and its reclassifications with their justification and fato gerador; then the
compliance per severity — the same aggregate (`reports.selectors.compliance_of`) as the staff
reports, over the organization's tickets only. JSON-ready: the API returns it, the portal page
and the PDF render it.

Who: the organization's approvers (`access_statement_organization`); anyone else — another
organization's user, a non-approver, staff — gets `NotFound`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import Organization, User
from servicedesk.core.errors import NotFound
from servicedesk.reports.selectors import (
    BRASILIA,
    CLOCKS,
    YEARS,
    ClockFigures,
    ComplianceRow,
    Period,
    compliance_of,
    counted_in,
)
from servicedesk.sla.engine.policy import PAUSING_STATUSES
from servicedesk.sla.services import engine_calendars_for, ticket_sla_view
from servicedesk.tickets.history import event_data_for
from servicedesk.tickets.models import EventKind, Ticket, TicketEvent

STATEMENT_NOT_FOUND = gettext_noop("Extrato não encontrado.")
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
_PAUSING = frozenset(s.value for s in PAUSING_STATUSES)
OUTCOME_LABELS = {
    "met": gettext_noop("no prazo"),
    "breached": gettext_noop("violado"),
    "pending": gettext_noop("em curso"),
    "": gettext_noop("não conta"),
}


# What the statement reads of a ticket (a month can hold thousands: no other column is loaded).
STATEMENT_FIELDS = (
    "pk",
    "title",
    "type",
    "severity",
    "environment",
    "status",
    "opened_at",
    "calendar_id",
    "auto_close_at",
    "at_risk",
    *(
        f"{clock}_{column}"
        for clock in CLOCKS
        for column in ("due_at", "met_at", "state", "paused_left", "outcome", "counts_at", "business_seconds")
    ),
)


@dataclass(frozen=True, slots=True)
class _Event:
    """The few columns of a status or reclassification event the statement reads."""

    kind: str
    at: datetime
    to_status: str
    data: dict
    public: bool = True


def parse_month(value: str) -> tuple[int, int]:
    """'2026-11' → (2026, 11); anything else → NotFound (a statement that cannot exist)."""
    match = MONTH_PATTERN.match(value or "")
    if not match:
        raise NotFound(STATEMENT_NOT_FOUND)
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and YEARS[0] <= year <= YEARS[1]):
        raise NotFound(STATEMENT_NOT_FOUND)
    return year, month


def access_statement_organization(user: User) -> Organization:
    """The organization whose statements `user` may read: an approver's own; else NotFound."""
    if permissions.effective_role(user) != permissions.APPROVER:
        raise NotFound(STATEMENT_NOT_FOUND)
    return user.organization


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(BRASILIA).isoformat()


def clock_outcome_now(ticket: Ticket, clock: str, *, now: datetime) -> str:
    """The outcome a clock counts as of `now`: a pending clock whose deadline passed is breached."""
    outcome = getattr(ticket, f"{clock}_outcome")
    if outcome == "pending" and getattr(ticket, f"{clock}_counts_at") < now:
        return "breached"
    return outcome


STATEMENT_PAGE_SIZE = 50


def statement_tickets(organization: Organization, period: Period) -> QuerySet[Ticket]:
    """The statement's tickets: the organization's, opened in the month or with a clock that
    counts in it (each side of the OR a range of an index: `ticket_org_opened_cov_idx`,
    `ticket_org_*_counts_idx`)."""
    in_month = Q(opened_at__gte=period.start, opened_at__lt=period.end)
    for clock in CLOCKS:
        in_month |= counted_in(clock, period)
    return Ticket.objects.filter(in_month, organization=organization)


def _total(rows: list[ComplianceRow]) -> dict:
    """The whole month's figures from the per-severity rows (no second pass over the tickets):
    counts add up; the average is the met clocks' weighted mean."""
    out = {}
    for clock in CLOCKS:
        figures = ClockFigures()
        weighted = 0.0
        for row in rows:
            part: ClockFigures = getattr(row, clock)
            figures.met += part.met
            figures.breached += part.breached
            figures.met_count += part.met_count
            if part.avg_business_seconds is not None:
                weighted += part.avg_business_seconds * part.met_count
        figures.avg_business_seconds = weighted / figures.met_count if figures.met_count else None
        out[clock] = figures.as_dict()
    return out


def statement(
    organization: Organization,
    *,
    year: int,
    month: int,
    now: datetime,
    page: int | None = None,
    per_page: int | None = None,
) -> dict[str, Any]:
    """The statement of `month`. `page` (from 1): that page of `per_page` tickets, the page the
    portal shows; None: every ticket (the PDF and the e-mail). Either way a fixed number of
    queries — the totals are aggregates in the database, only the listed tickets are read."""
    per_page = per_page or STATEMENT_PAGE_SIZE
    period = Period.month(year, month)
    base = Ticket.objects.filter(organization=organization)
    chosen = statement_tickets(organization, period)
    total_tickets = chosen.count()
    pages = max(1, -(-total_tickets // per_page))
    listed = chosen.only(*STATEMENT_FIELDS).order_by("opened_at", "pk")
    if page is not None:
        page = min(max(1, page), pages)
        # The page's ids first: ticket_org_opened_cov_idx holds every column that query reads,
        # so PostgreSQL walks the index in opening order without touching the table (a month
        # of 15,000 tickets: 7 ms instead of 60 ms); then only those rows are read.
        ids = list(
            chosen.order_by("opened_at", "pk").values_list("pk", flat=True)[(page - 1) * per_page : page * per_page]
        )
        listed = listed.filter(pk__in=ids)
    tickets = list(listed)
    calendars = engine_calendars_for(tickets)
    history: dict[int, list[_Event]] = {}
    for ticket_id, kind, at, to_status, data in (
        TicketEvent.objects.filter(
            ticket__in=[t.pk for t in tickets] if page is not None else chosen.values("pk"), public=True
        )
        .filter(Q(kind=EventKind.RECLASSIFIED) | ~Q(to_status=""))
        .order_by("ticket_id", "at", "id")
        .values_list("ticket_id", "kind", "at", "to_status", "data")
    ):
        history.setdefault(ticket_id, []).append(_Event(kind=kind, at=at, to_status=to_status, data=data))

    rows = []
    for ticket in tickets:
        calendar = calendars[ticket.calendar_id]
        view = ticket_sla_view(ticket, now=now, calendar=calendar)
        pauses, reclassifications, pause = [], [], None
        for event in history.get(ticket.pk, []):
            if event.kind == EventKind.RECLASSIFIED:
                data = event_data_for(None, event)  # what a customer may read, whoever asks
                reclassifications.append(
                    {
                        "at": _iso(event.at),
                        "from_type": data.get("from_type"),
                        "to_type": data.get("to_type"),
                        "from_severity": data.get("from_severity"),
                        "to_severity": data.get("to_severity"),
                        "justification": data.get("justification", ""),
                        "triggering_fact": data.get("triggering_fact", ""),
                    }
                )
            if event.to_status:
                if pause is not None:
                    pause["ended_at"] = _iso(event.at)
                    pause["business_seconds"] = int(calendar.elapsed(pause.pop("_start"), event.at).total_seconds())
                    pauses.append(pause)
                    pause = None
                if event.to_status in _PAUSING:
                    pause = {"status": event.to_status, "started_at": _iso(event.at), "_start": event.at}
        if pause is not None:  # still paused
            pause["ended_at"] = None
            pause["business_seconds"] = int(calendar.elapsed(pause.pop("_start"), now).total_seconds())
            pauses.append(pause)
        clocks = {}
        for clock, clock_view in zip(CLOCKS, view.clocks, strict=True):
            counts_at = getattr(ticket, f"{clock}_counts_at")
            clocks[clock] = {
                "due_at": _iso(clock_view.due_at),
                "met_at": _iso(clock_view.met_at),
                "state": clock_view.state,
                "outcome": clock_outcome_now(ticket, clock, now=now),
                "counts_in_month": counts_at is not None
                and period.start <= counts_at < period.end
                and clock_outcome_now(ticket, clock, now=now) in ("met", "breached"),
                "business_seconds": getattr(ticket, f"{clock}_business_seconds"),
            }
        rows.append(
            {
                "number": ticket.pk,
                "title": ticket.title,
                "type": ticket.type,
                "severity": ticket.severity,
                "environment": ticket.environment,
                "contractual": ticket.environment == "produção",
                "status": ticket.status,
                "opened_at": _iso(ticket.opened_at),
                "diagnosis": clocks["diagnosis"],
                "solution": clocks["solution"],
                "pauses": pauses,
                "reclassifications": reclassifications,
            }
        )

    def figures(row) -> dict:
        return {clock: getattr(row, clock).as_dict() for clock in CLOCKS}

    by_severity = compliance_of(base, period=period, now=now, group_by=("severity",))
    return {
        "organization": {"id": organization.pk, "name": organization.name, "plan": organization.plan.code},
        "month": f"{year:04d}-{month:02d}",
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "generated_at": _iso(now),
        "tickets": rows,
        "tickets_total": total_tickets,
        "page": page or 1,
        "pages": 1 if page is None else pages,
        "per_page": per_page if page is not None else max(total_tickets, 1),
        "compliance": {
            "by_severity": [{"severity": row.keys["severity"], **figures(row)} for row in by_severity],
            "total": _total(by_severity),
        },
    }
