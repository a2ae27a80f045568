"""Reads of the advisory: the price list of a day, a proposal's amounts, what waits for whom."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from servicedesk.accounts.models import User
from servicedesk.advisory.access import proposal_queryset_for, report_queryset_for
from servicedesk.advisory.models import ActivityReport, PriceItem, Proposal, ProposalStatus, ReportStatus


def price_list_on(day: date) -> list[PriceItem]:
    """ "Serviços e Valores" in force on `day` (domain.md §8: effective-dated). Per code, the
    newest row that started on or before `day` decides: its price, or — when its end date has
    passed — that the service is no longer offered."""
    newest: dict[str, PriceItem] = {}
    for row in PriceItem.objects.filter(valid_from__lte=day).order_by("code", "-valid_from"):
        newest.setdefault(row.code, row)
    current = [row for row in newest.values() if row.valid_until is None or row.valid_until >= day]
    return sorted(current, key=lambda item: (item.unit, item.description, item.code))


def price_item_on(code: str, day: date) -> PriceItem | None:
    for item in price_list_on(day):
        if item.code == code:
            return item
    return None


def proposals_waiting_for(user: User) -> QuerySet[Proposal]:
    """Sent proposals of the approver's organization (the portal's "Aguardando sua aprovação")."""
    if not user.is_approver:
        return Proposal.objects.none()
    return proposal_queryset_for(user).filter(status=ProposalStatus.SENT).select_related("ticket")


def reports_waiting_for(user: User) -> QuerySet[ActivityReport]:
    if not user.is_approver:
        return ActivityReport.objects.none()
    return report_queryset_for(user).filter(status=ReportStatus.SENT).select_related("engagement__ticket")
