"""Advisory hours and amounts billed (domain.md §8, §10), read from the advisory's own billing
lines (`advisory.models.BillingLine`, written once when a report is validated): never a copy.
Grouped by month (the session's Brasília date) and organization, in the reports' scope:
administrators everything, a support manager the tickets of her teams, other staff the lines of
their own sessions or of the tickets assigned to them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from servicedesk.accounts import permissions
from servicedesk.accounts.models import Organization
from servicedesk.advisory.models import BillingLine
from servicedesk.reports.selectors import Period, report_filters, report_scope
from servicedesk.tickets.models import Ticket


@dataclass(frozen=True)
class BilledRow:
    month: str  # "2026-11"
    organization_id: int
    organization: str
    lines: int
    minutes: int  # worked (whole minutes of the entries)
    billable_minutes: int  # billed (raised to the minimums)
    amount: Decimal

    @property
    def billed_hours(self) -> Decimal:
        return (Decimal(self.billable_minutes) / 60).quantize(Decimal("0.01"))


def billing_scope(user) -> Q:
    """The billing lines whose figures `user` may see (a filter on BillingLine), or `NotAllowed`."""
    tickets = report_scope(user)  # NotAllowed for customers
    role = permissions.effective_role(user)
    if role in (permissions.ADMIN, permissions.MANAGER):
        return Q(ticket__in=Ticket.objects.filter(tickets).values("pk")) if tickets else Q()
    return Q(analyst=user) | Q(ticket__assignee=user)


def advisory_billed(*, user, period: Period, filters: Mapping[str, Any] | None = None) -> list[BilledRow]:
    """Hours and amounts billed per month and organization (one GROUP BY over the lines)."""
    lines = BillingLine.objects.filter(billing_scope(user), date__gte=period.first, date__lte=period.last)
    if filters and any(value not in (None, "", []) for value in filters.values()):
        lines = lines.filter(ticket__in=Ticket.objects.filter(report_filters(filters)).values("pk"))
    grouped = (
        lines.annotate(month=TruncMonth("date"))
        .values("month", "organization_id")
        .order_by()
        .annotate(n=Count("pk"), minutes=Sum("minutes"), billable=Sum("billable_minutes"), amount=Sum("amount"))
    )
    rows = list(grouped)
    names = dict(Organization.objects.filter(pk__in={r["organization_id"] for r in rows}).values_list("pk", "name"))
    out = [
        BilledRow(
            month=f"{r['month']:%Y-%m}",
            organization_id=r["organization_id"],
            organization=names.get(r["organization_id"], "—"),
            lines=r["n"],
            minutes=r["minutes"] or 0,
            billable_minutes=r["billable"] or 0,
            amount=Decimal(r["amount"] or 0).quantize(Decimal("0.01")),
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: (r.month, r.organization))
