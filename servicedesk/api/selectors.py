"""Reads of the API, always scoped through tickets.access (another organization's rows do not exist).

Cursor pagination: the cursor is an opaque, url-safe token of the last row's sort key and id;
the next page is the rows strictly after it (keyset pagination: stable under inserts, no OFFSET).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet

from servicedesk.accounts.models import OperationalDeadline, User
from servicedesk.accounts.permissions import is_staff_user
from servicedesk.api.models import ApiToken
from servicedesk.catalog.models import Module, Release
from servicedesk.catalog.selectors import product_list_with_modules, supported_release_ids
from servicedesk.core.errors import DomainError
from servicedesk.sla.adapters import plan_targets_snapshot
from servicedesk.sla.models import Plan
from servicedesk.tickets.access import ticket_queryset_for
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.search import ticket_search

CURSOR_INVALID = "Cursor inválido: use o valor de next_cursor da página anterior, com os mesmos filtros."


# --------------------------------------------------------------------------- cursors


@dataclass(frozen=True)
class Keyset:
    """Order a queryset by (`field`, id), ascending or descending, and page it."""

    name: str
    field: str
    descending: bool

    def order(self, queryset: QuerySet) -> QuerySet:
        sign = "-" if self.descending else ""
        if self.field == "id":
            return queryset.order_by(f"{sign}id")
        if not self.descending:
            # NULLS LAST is a btree index's own ascending order: the index still serves the sort.
            return queryset.order_by(F(self.field).asc(nulls_last=True), "id")
        return queryset.order_by(f"{sign}{self.field}", f"{sign}id")

    def after(self, queryset: QuerySet, cursor: str | None) -> QuerySet:
        if not cursor:
            return queryset
        value, last_id = self._decode(cursor)
        op = "lt" if self.descending else "gt"
        if self.field == "id":
            return queryset.filter(**{f"id__{op}": last_id})
        if value is None:  # past the last dated row: the undated ones, by id
            return queryset.filter(**{f"{self.field}__isnull": True, f"id__{op}": last_id})
        after = Q(**{f"{self.field}__{op}": value}) | Q(**{self.field: value, f"id__{op}": last_id})
        if not self.descending:
            after |= Q(**{f"{self.field}__isnull": True})
        return queryset.filter(after)

    def page(self, queryset: QuerySet, *, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
        rows = list(self.after(self.order(queryset), cursor)[: limit + 1])
        if len(rows) <= limit:
            return rows, None
        rows = rows[:limit]
        last = rows[-1]
        return rows, self._encode(getattr(last, self.field), last.pk)

    def _encode(self, value: Any, last_id: int) -> str:
        key = None if self.field == "id" or value is None else value.isoformat()
        raw = json.dumps([self.name, key, last_id], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, cursor: str) -> tuple[datetime | None, int]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            name, value, last_id = json.loads(raw)
            if name != self.name or not isinstance(last_id, int) or isinstance(last_id, bool):
                raise ValueError(cursor)
            if not 0 < last_id <= 2**63 - 1:
                raise ValueError(cursor)
            if self.field == "id" or value is None:
                return None, last_id
            moment = datetime.fromisoformat(value)
            if moment.utcoffset() is None:
                raise ValueError(cursor)
            # The database compares in UTC: an instant whose UTC form leaves years 1–9999
            # ("9999-12-31T23:59:59-12:00") is no row's key, and would overflow there.
            from datetime import UTC

            moment = moment.astimezone(UTC)
        except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
            raise DomainError(CURSOR_INVALID, fields={"cursor": CURSOR_INVALID})
        return moment, last_id


TICKET_KEYSETS = {
    # Newest first. Numbers are assigned at opening, so the primary key is the opening order
    # and the page is an index range scan whatever the table size.
    "recent": Keyset("recent", "id", descending=True),
    # Nearest SLA deadline first, then the tickets without one (closed, or clocks met).
    "due": Keyset("due", "next_due_at", descending=False),
}
COMMENT_KEYSET = Keyset("comments", "created_at", descending=False)
EVENT_KEYSET = Keyset("events", "at", descending=False)


# --------------------------------------------------------------------------- tickets


def ticket_list(
    *,
    user: User,
    status: list[str] | None = None,
    severity: list[str] | None = None,
    type: list[str] | None = None,
    environment: str | None = None,
    organization: int | None = None,
    assignee: int | None = None,
    due_before: datetime | None = None,
    due_after: datetime | None = None,
    text: str | None = None,
    order: str = "recent",
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Ticket], str | None]:
    """The user's visible tickets, filtered, one page. Filters on the due date use next_due_at."""
    tickets = (
        ticket_queryset_for(user)
        .select_related("organization", "requester", "assignee", "team", "module")
        .defer("description", "sla_targets")
    )
    if status:
        tickets = tickets.filter(status__in=status)
    if severity:
        tickets = tickets.filter(severity__in=severity)
    if type:
        tickets = tickets.filter(type__in=type)
    if environment:
        tickets = tickets.filter(environment=environment)
    if organization is not None:
        tickets = tickets.filter(organization_id=organization)
    if assignee is not None:
        tickets = tickets.filter(assignee_id=assignee)
    if due_before is not None:
        tickets = tickets.filter(next_due_at__lt=due_before)
    if due_after is not None:
        tickets = tickets.filter(next_due_at__gte=due_after)
    if text:
        tickets = ticket_search(tickets, query=text, staff=is_staff_user(user))
    return TICKET_KEYSETS[order].page(tickets, cursor=cursor, limit=limit)


def ticket_refs(
    *, user: User, module: int, release: int | None, affected_process: int | None, linked_ticket: int | None
) -> dict[str, Any]:
    """Turn the ids of POST /tickets into rows; unknown (or another organization's) → field errors."""
    errors: dict[str, str] = {}
    refs: dict[str, Any] = {"module": Module.objects.select_related("product").filter(pk=module).first()}
    if refs["module"] is None:
        errors["module"] = "Módulo desconhecido."
    refs["release"] = None
    if release is not None:
        refs["release"] = Release.objects.select_related("product").filter(pk=release).first()
        if refs["release"] is None:
            errors["release"] = "Versão desconhecida."
    refs["affected_process"] = None
    if affected_process is not None:
        refs["affected_process"] = OperationalDeadline.objects.filter(
            pk=affected_process, organization_id=user.organization_id
        ).first()
        if refs["affected_process"] is None:
            errors["affected_process"] = "Processo desconhecido."
    refs["linked_ticket"] = None
    if linked_ticket is not None:
        refs["linked_ticket"] = ticket_queryset_for(user).filter(pk=linked_ticket).first()
        if refs["linked_ticket"] is None:
            errors["linked_ticket"] = "Chamado vinculado não encontrado."
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)
    return refs


# --------------------------------------------------------------------------- reference data


def product_list_for(user: User) -> list[dict[str, Any]]:
    """Products with modules and releases; customers see the products their organization licenses."""
    products = product_list_with_modules()
    licensed: set[int] | None = None
    if not user.is_support_staff:
        licensed = set(user.organization.licensed_products.values_list("id", flat=True))
        products = products.filter(pk__in=licensed)
    supported = supported_release_ids()
    return [
        {
            "id": product.pk,
            "code": product.code,
            "name": product.name,
            "licensed": licensed is None or product.pk in licensed,
            "modules": [{"id": m.pk, "name": m.name} for m in product.modules.all()],
            "releases": [
                {"id": r.pk, "version": r.version, "released_on": r.released_on, "supported": r.pk in supported}
                for r in sorted(product.releases.all(), key=lambda r: r.sort_key, reverse=True)
            ],
        }
        for product in products
    ]


BUSINESS_DAY_SECONDS = 8 * 3600  # domain.md §6: one business day = 8 business hours


def plan_list_for(user: User, *, now: datetime) -> list[dict[str, Any]]:
    """SLA plans with the targets in force at `now`."""
    current_plan_id = user.organization.plan_id if user.organization_id else None
    result = []
    for plan in Plan.objects.order_by("code"):
        snapshot = plan_targets_snapshot(plan, at=now)
        result.append(
            {
                "code": plan.code,
                "name": plan.name,
                "description": plan.description,
                "current": plan.pk == current_plan_id,
                "targets": [
                    {
                        "severity": severity,
                        "diagnosis_hours": diagnosis / 3600,
                        "solution_hours": solution / 3600,
                        "solution_business_days": solution / BUSINESS_DAY_SECONDS,
                    }
                    for severity, (diagnosis, solution) in snapshot.items()
                ],
            }
        )
    return result


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
