"""The customer's monthly SLA statement in the portal (servicedesk.reports.statements): the
organization's approvers only; anyone else, another organization's month or a malformed month is
"not found" (404), as everywhere in the portal."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from servicedesk.accounts.permissions import require
from servicedesk.accounts.selectors import local_date
from servicedesk.core import clock
from servicedesk.core.errors import NotFound
from servicedesk.reports import statements
from servicedesk.reports.pdf import month_name, statement_pdf
from servicedesk.reports.selectors import BRASILIA


def _statement(request, month: str, *, page: int | None = None) -> dict:
    try:
        organization = statements.access_statement_organization(request.user)
        year, number = statements.parse_month(month)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return statements.statement(organization, year=year, month=number, now=clock.now(), page=page)


def _page(request) -> int:
    """?pagina=N (anything else: the first page; past the last: the last)."""
    value = request.GET.get("pagina", "")
    return int(value) if value.isdigit() and 0 < len(value) <= 6 else 1


def _months_back(count: int = 12) -> list[tuple[str, str]]:
    today = local_date(clock.now())
    year, month, out = today.year, today.month, []
    for _index in range(count):
        key = f"{year:04d}-{month:02d}"
        out.append((key, month_name(key)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def _local(iso: str | None) -> str:
    return "" if iso is None else f"{datetime.fromisoformat(iso).astimezone(BRASILIA):%d/%m/%Y %H:%M}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"


def _display(content: dict) -> dict:
    """The statement with what the page shows added: Brasília dates, outcome words, percentages."""
    for ticket in content["tickets"]:
        for name in ("diagnosis", "solution"):
            c = ticket[name]
            c["due_local"], c["met_local"] = _local(c["due_at"]), _local(c["met_at"])
            c["outcome_label"] = _(statements.OUTCOME_LABELS.get(c["outcome"], c["outcome"]))
        for pause in ticket["pauses"]:
            pause["started_local"], pause["ended_local"] = _local(pause["started_at"]), _local(pause["ended_at"])
    for row in [*content["compliance"]["by_severity"], content["compliance"]["total"]]:
        for name in ("diagnosis", "solution"):
            row[name]["pct"] = _pct(row[name]["compliance"])
    return content


@require("portal.access")
@require_GET
def sla_statement(request, month: str):
    content = _display(_statement(request, month, page=_page(request)))
    first = (content["page"] - 1) * content["per_page"] + 1 if content["tickets"] else 0
    return render(
        request,
        "portal/sla_statement.html",
        {
            "statement": content,
            "month_name": month_name(content["month"]),
            "months": _months_back(),
            "listed_from": first,
            "listed_to": first + len(content["tickets"]) - 1 if content["tickets"] else 0,
            "previous_page": content["page"] - 1 if content["page"] > 1 else None,
            "next_page": content["page"] + 1 if content["page"] < content["pages"] else None,
        },
    )


@require("portal.access")
@require_GET
def sla_statement_pdf(request, month: str):
    content = _statement(request, month)
    response = HttpResponse(statement_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"extrato-sla-{content['month']}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require("portal.access")
@require_GET
def sla_statement_latest(request):
    """The last complete month's statement (the one e-mailed on the first business day)."""
    try:
        statements.access_statement_organization(request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return redirect("portal:sla_statement", month=_months_back(2)[1][0])
