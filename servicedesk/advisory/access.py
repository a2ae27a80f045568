"""Who sees which advisory object: the one tenant scope of proposals, engagements, reports and
billing lines (domain.md §1: a customer sees only its organization's data).

A customer reaches its organization's objects, never a proposal that was not sent (a draft is
internal until it is sent, and stays so if staff cancel it unsent); staff reach everything.
Anything out of reach is "not found", never "forbidden", so ids of other organizations do not
leak. Billing batches are the vendor's invoicing: only staff with `advisory.bill` reach them.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import User
from servicedesk.advisory.models import (
    ActivityReport,
    BillingBatch,
    BillingLine,
    Engagement,
    Proposal,
    ProposalStatus,
)
from servicedesk.core.errors import NotFound

PROPOSAL_NOT_FOUND = gettext_noop("Proposta não encontrada.")
ENGAGEMENT_NOT_FOUND = gettext_noop("Assessoria não encontrada.")
REPORT_NOT_FOUND = gettext_noop("Relatório não encontrado.")
BATCH_NOT_FOUND = gettext_noop("Lote de faturamento não encontrado.")

_CUSTOMER_ROLES = frozenset({permissions.CUSTOMER, permissions.APPROVER})


def _scope(user: User | None, queryset: QuerySet) -> QuerySet:
    role = permissions.effective_role(user)
    if role in permissions.STAFF_ROLE_NAMES:
        return queryset
    if role in _CUSTOMER_ROLES:
        return queryset.filter(organization_id=user.organization_id)
    return queryset.none()


def proposal_queryset_for(user: User | None) -> QuerySet[Proposal]:
    proposals = _scope(user, Proposal.objects.all())
    if not permissions.is_staff_user(user):
        # Never sent: a draft, or a draft staff cancelled before sending (the customer never saw it).
        proposals = proposals.exclude(status=ProposalStatus.DRAFT).exclude(sent_at__isnull=True)
    return proposals


def engagement_queryset_for(user: User | None) -> QuerySet[Engagement]:
    return _scope(user, Engagement.objects.all())


def report_queryset_for(user: User | None) -> QuerySet[ActivityReport]:
    return _scope(user, ActivityReport.objects.all())


def billing_line_queryset_for(user: User | None) -> QuerySet[BillingLine]:
    """A customer: its organization's lines; staff: all of them with `advisory.bill`, else none."""
    if permissions.is_staff_user(user) and not permissions.can(user, "advisory.bill"):
        return BillingLine.objects.none()
    return _scope(user, BillingLine.objects.all())


def batch_queryset_for(user: User | None) -> QuerySet[BillingBatch]:
    if permissions.can(user, "advisory.bill"):
        return BillingBatch.objects.all()
    return BillingBatch.objects.none()


def _get(queryset: QuerySet, pk, message: str, *, for_update: bool = False):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if not 0 < pk < 2**63:
        raise NotFound(message)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(message)
    return found


def access_proposal(user: User | None, pk, *, for_update: bool = False) -> Proposal:
    queryset = proposal_queryset_for(user).select_related("ticket", "price_item", "created_by", "decided_by")
    return _get(queryset, pk, PROPOSAL_NOT_FOUND, for_update=for_update)


def access_engagement(user: User | None, pk, *, for_update: bool = False) -> Engagement:
    queryset = engagement_queryset_for(user).select_related("proposal", "ticket")
    return _get(queryset, pk, ENGAGEMENT_NOT_FOUND, for_update=for_update)


def access_report(user: User | None, pk, *, for_update: bool = False) -> ActivityReport:
    queryset = report_queryset_for(user).select_related("engagement__proposal", "engagement__ticket")
    return _get(queryset, pk, REPORT_NOT_FOUND, for_update=for_update)


def access_batch(user: User | None, pk) -> BillingBatch:
    return _get(batch_queryset_for(user), pk, BATCH_NOT_FOUND)
