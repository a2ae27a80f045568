"""The SLA reports in the staff console (domain.md §10, servicedesk.reports): filters, tables,
server-rendered SVG charts, CSV/XLSX export. Every number links to the console queue with the
same filters (`scope=reports` applies the report's scope there too, `outcome` the same
condition as the figure). Scoped in the selectors: an administrator sees everything, a manager
her teams, an analyst his own tickets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from servicedesk.accounts.models import Organization
from servicedesk.accounts.permissions import require
from servicedesk.accounts.selectors import local_date
from servicedesk.advisory.money import format_brl, format_minutes
from servicedesk.catalog.models import Product
from servicedesk.console.selectors import UNASSIGNED, QueueFilters
from servicedesk.core import clock as wall_clock
from servicedesk.core.errors import DomainError
from servicedesk.core.timefmt import brasilia
from servicedesk.reports import billed, charts, dashboard, pauses
from servicedesk.reports import selectors as reports
from servicedesk.reports.releases import release_fixes
from servicedesk.sla.engine.clocks import PAUSING_ORDER
from servicedesk.sla.engine.policy import Plan, Severity, TicketType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTHS = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")
MONTH_INVALID = gettext_noop("Informe os meses no formato AAAA-MM (por exemplo 2026-11).")
# report key → the console queue's filter parameter (console.selectors.QueueFilters)
QUEUE_PARAM = {
    "plan": "plan",
    "severity": "severity",
    "type": "type",
    "organization": "organization",
    "team": "team",
    "analyst": "assignee",
}


def month_label(key: str) -> str:
    """'2026-11' → 'nov/2026' (pt-BR)."""
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]}/{year}"


def _month(value: str) -> date:
    year, month = value.strip().split("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(value)
    return date(int(year), int(month), 1)


@dataclass
class ReportForm:
    first: date
    last: date
    group_by: tuple[str, ...]
    filters: dict
    errors: list[str]

    @property
    def period(self) -> reports.Period:
        return reports.Period(self.first, reports.Period.month(self.last.year, self.last.month).last)

    def params(self) -> dict[str, str]:
        out = {"de": f"{self.first:%Y-%m}", "ate": f"{self.last:%Y-%m}", "agrupar": ",".join(self.group_by)}
        out.update({key: str(value) for key, value in self.filters.items() if value not in (None, "")})
        return out


def _parse(request) -> ReportForm:
    """The filters from the query string; anything invalid falls back to its default with a
    Portuguese message (never a 500)."""
    today = local_date(wall_clock.now())
    this_month = date(today.year, today.month, 1)
    errors: list[str] = []
    last = this_month
    first = reports.Period.months_back(this_month, 12).first
    try:
        if request.GET.get("ate"):
            last = _month(request.GET["ate"])
        if request.GET.get("de"):
            first = _month(request.GET["de"])
        reports.Period.checked(first, last)
    except (ValueError, TypeError):
        errors.append(_(MONTH_INVALID))
        first, last = reports.Period.months_back(this_month, 12).first, this_month
    except DomainError as exc:
        errors.append(exc.message)
        first, last = reports.Period.months_back(this_month, 12).first, this_month
    try:
        group_by = reports.parse_group_by(request.GET.get("agrupar", "plan,severity")) or ()
    except DomainError as exc:
        errors.append(exc.message)
        group_by = ("plan", "severity")
    filters: dict = {}
    choices = {"plan": set(Plan), "severity": set(Severity), "type": set(TicketType)}
    for key in ("plan", "severity", "type"):
        value = request.GET.get(key, "").strip()
        if value in choices[key]:
            filters[key] = value
    for key in ("organization", "team", "analyst"):
        value = request.GET.get(key, "").strip()
        if value.isdigit() and len(value) <= 18:
            filters[key] = int(value)
    return ReportForm(first=first, last=last, group_by=group_by, filters=filters, errors=errors)


# every parameter the queue reads (console.selectors.QueueFilters): a link names them all, the
# unused ones empty, so that filters remembered in the session never narrow the list further
QUEUE_FIELDS = tuple(f.name for f in dataclasses.fields(QueueFilters))


def _queue_link(
    form: ReportForm, keys: dict, *, queue: str = "all", clock: str | None = None, outcome: str | None = None
) -> str | None:
    """The console queue with the figure's filters: its group keys, the form's filters, the
    reports' scope and — for a clock figure — the same outcome condition over the same dates.
    None when the queue cannot show exactly the figure's tickets (a row of tickets with no team,
    say: the queue has no "no team" filter)."""
    params: dict[str, str] = dict.fromkeys(QUEUE_FIELDS, "")
    params.update(queue=queue, scope="reports", sort="-opened")
    for key, value in {**form.filters, **keys}.items():
        if key not in QUEUE_PARAM:
            continue
        if value is None:
            if key != "analyst":
                return None
            value = UNASSIGNED
        params[QUEUE_PARAM[key]] = str(value)
    if clock:
        period = form.period
        if keys.get("month"):
            year, month = map(int, keys["month"].split("-"))
            period = reports.Period.month(year, month)
        params.update(
            outcome=f"{clock}:{outcome}", counted_from=period.first.isoformat(), counted_to=period.last.isoformat()
        )
    return reverse("console:queue") + "?" + urlencode(params)


def _choices(user) -> dict:
    teams, analysts = reports.scope_teams_and_analysts(user)
    return {
        "plans": [p.value for p in Plan],
        "severities": [s.value for s in Severity],
        "types": [t.value for t in TicketType],
        "organizations": list(Organization.objects.order_by("name").values_list("pk", "name")),
        "teams": list(teams.order_by("name").values_list("pk", "name")),
        "analysts": [(u.pk, u.get_full_name() or u.username) for u in analysts.order_by("first_name", "username")],
        "groups": [(key, _(label)) for key, label in dashboard.GROUP_LABELS.items()],
    }


def _none_label(key: str) -> str:
    """The name of a row whose analyst or team is empty."""
    return _("Sem responsável") if key == "analyst" else _("Sem equipe")


def _svg(markup: str):
    """The charts' SVG (servicedesk.reports.charts escapes every text it draws)."""
    return mark_safe(markup)  # noqa: S308


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"


def _hours(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 3600:.1f}".replace(".", ",") + " h"


def _satisfaction(user, period, filters) -> tuple[list[str], list[list]]:
    """Satisfaction per analyst, team, organization and month answered, with the form's filters."""
    groups = [
        (key, dashboard.satisfaction(user=user, period=period, group_by=(key,), filters=filters))
        for key in dashboard.SATISFACTION_GROUPS
    ]
    return dashboard.satisfaction_table(groups)


RECLASSIFICATIONS_SHOWN = 200  # on the page; the export has them all


def _satisfaction_context(user, period, filters) -> dict:
    header, body = _satisfaction(user, period, filters)
    return {"header": header, "rows": [[_display(value) for value in line] for line in body]}


def _display(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def _paused_context(form: ReportForm, rows, *, labels_for) -> dict:
    """The paused-time table (hours per pausing status) and its stacked bars (at most 15 rows)."""
    statuses = list(PAUSING_ORDER)
    lines = []
    for row in rows:
        names = []
        for key in form.group_by:
            value = row.keys[key]
            if key == "month" and value:
                value = month_label(value)
            elif key in labels_for:
                value = labels_for[key].get(value, "—") if value is not None else _none_label(key)
            names.append("—" if value is None else str(value))
        lines.append(
            {
                "names": names,
                "clocks": row.clocks,
                "hours": [_hours(row.seconds[s]) for s in statuses],
                "total": _hours(row.total),
                "values": [row.seconds[s] / 3600 for s in statuses],
            }
        )
    chart = charts.stacked_bar_chart(
        [(" · ".join(line["names"]) or _("Total"), line["values"]) for line in lines[:15]],
        series=[(status, f"pause-{index}") for index, status in enumerate(statuses)],
        title=_("Tempo pausado por status (horas úteis)"),
    )
    return {"statuses": statuses, "rows": lines, "chart": _svg(chart)}


@require("console.access", deny=404)
@require_GET
def reports_dashboard(request):
    form = _parse(request)
    now = wall_clock.now()
    user = request.user
    period = form.period
    rows = reports.compliance(
        user=user, period=period, now=now, group_by=form.group_by, filters=form.filters, median=True
    )
    paused = pauses.paused_by_status(user=user, period=period, now=now, group_by=form.group_by, filters=form.filters)
    billed_rows = billed.advisory_billed(user=user, period=period, filters=form.filters)
    export = request.GET.get("formato", "")
    if export in ("csv", "xlsx"):
        tables = {  # (title, header and body): built only when exported
            "cumprimento": lambda: (_("Cumprimento do SLA"), *dashboard.table(rows, form.group_by)),
            "pausas": lambda: (_("Tempo pausado"), *dashboard.paused_table(paused, form.group_by)),
            "assessoria": lambda: (_("Assessoria faturada"), *dashboard.billed_table(billed_rows)),
            "carga": lambda: (
                _("Carga por analista"),
                *dashboard.load_table(dashboard.analysts_load(user=user, filters=form.filters)),
            ),
            "idades": lambda: (
                _("Idade do backlog"),
                *dashboard.ages_table(dashboard.backlog_ages(user=user, now=now, filters=form.filters)),
            ),
            "satisfacao": lambda: (_("Satisfação"), *_satisfaction(user, period, form.filters)),
            "reclassificacoes": lambda: (
                _("Reclassificações"),
                *dashboard.reclassification_table(
                    dashboard.reclassification_list(user=user, period=period, filters=form.filters)
                ),
            ),
        }
        name = f"sla-{form.first:%Y-%m}-{form.last:%Y-%m}"
        if export == "csv":  # one table per file: ?tabela=pausas|carga|… (default the compliance)
            chosen = request.GET.get("tabela", "cumprimento")
            _title, header, body = tables.get(chosen, tables["cumprimento"])()
            if chosen in tables and chosen != "cumprimento":
                name = f"{name}-{chosen}"
            content, content_type = dashboard.table_csv(header, body), "text/csv; charset=utf-8"
        else:  # every table, a sheet each
            first, *more = (build() for build in tables.values())
            content, content_type = dashboard.table_xlsx(first[1], first[2], title=first[0], more=more), XLSX
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.{export}")
        return response

    labels = reports.row_labels(rows)
    table = []
    for row in rows:
        names = []
        for key in form.group_by:
            value = row.keys[key]
            if key == "month" and value:
                value = month_label(value)
            elif key in labels:
                value = labels[key].get(value, "—") if value is not None else _none_label(key)
            names.append("—" if value is None else value)
        clocks = []
        for clock in reports.CLOCKS:
            figures = getattr(row, clock)
            clocks.append(
                {
                    "met": figures.met,
                    "met_url": _queue_link(form, row.keys, clock=clock, outcome="met"),
                    "breached": figures.breached,
                    "breached_url": _queue_link(form, row.keys, clock=clock, outcome="breached"),
                    "compliance": _pct(figures.compliance),
                    "avg": _hours(figures.avg_business_seconds),
                    "median": _hours(figures.median_business_seconds),
                }
            )
        table.append({"names": names, "clocks": clocks})

    trend = reports.compliance(
        user=user, period=period, now=now, group_by=("month",), filters=form.filters, times=False
    )
    by_month = {row.keys["month"]: row for row in trend}
    months, cursor = [], form.first
    while cursor <= form.last:
        months.append(f"{cursor:%Y-%m}")
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)

    def series(clock):
        return [
            None
            if (r := by_month.get(m)) is None or getattr(r, clock).compliance is None
            else getattr(r, clock).compliance * 100
            for m in months
        ]

    line = charts.line_chart(
        [month_label(m) for m in months],
        [
            (_("Diagnóstico"), "series-diagnosis", series("diagnosis")),
            (_("Solução"), "series-solution", series("solution")),
        ],
        title=_("Cumprimento por mês"),
    )
    breaches = reports.compliance(
        user=user, period=period, now=now, group_by=("plan", "severity"), filters=form.filters, times=False
    )
    breach_items = [
        (f"{r.keys['plan']} · {r.keys['severity']}", r.diagnosis.breached + r.solution.breached) for r in breaches
    ]
    ages = dashboard.backlog_ages(user=user, now=now, filters=form.filters)
    load = dashboard.analysts_load(user=user, filters=form.filters)
    total = reports.compliance(user=user, period=period, now=now, filters=form.filters)
    total_row = total[0] if total else reports.ComplianceRow(keys={})
    context = {
        "form": form,
        "choices": _choices(user),
        "period": period,
        "rows": table,
        "group_names": [_(dashboard.GROUP_LABELS[key]) for key in form.group_by],
        "total": {
            "diagnosis": _pct(total_row.diagnosis.compliance),
            "solution": _pct(total_row.solution.compliance),
            "diagnosis_breached": total_row.diagnosis.breached,
            "solution_breached": total_row.solution.breached,
            "diagnosis_breached_url": _queue_link(form, {}, clock="diagnosis", outcome="breached"),
            "solution_breached_url": _queue_link(form, {}, clock="solution", outcome="breached"),
        },
        "backlog": dashboard.backlog(user=user, filters=form.filters),
        "backlog_url": _queue_link(form, {}, queue="open"),
        "at_risk_url": _queue_link(form, {}, queue="at_risk"),
        "breached_now_url": _queue_link(form, {}, queue="breached"),
        "line_chart": _svg(line),
        "breach_chart": _svg(
            charts.bar_chart(breach_items, title=_("Violações por plano e severidade"), css="bar-breach")
        ),
        "age_chart": _svg(charts.bar_chart(ages, title=_("Idade do backlog"))),
        "ages": ages,
        "load_chart": _svg(charts.bar_chart([(e.name, e.open) for e in load[:15]], title=_("Carga por analista"))),
        "load": [
            {
                "name": e.name,
                "open": e.open,
                "at_risk": e.at_risk,
                "breached": e.breached,
                "url": _queue_link(form, {"analyst": e.analyst_id}, queue="open"),
                "at_risk_url": _queue_link(form, {"analyst": e.analyst_id}, queue="at_risk"),
                "breached_url": _queue_link(form, {"analyst": e.analyst_id}, queue="breached"),
            }
            for e in load
        ],
        "satisfaction": _satisfaction_context(user, period, form.filters),
        "reclassifications": dashboard.reclassifications(user=user, period=period, filters=form.filters),
        "reclassification_list": [
            {"item": item, "direction": _(dashboard.DIRECTION_LABELS[item.direction])}
            for item in dashboard.reclassification_list(
                user=user, period=period, filters=form.filters, limit=RECLASSIFICATIONS_SHOWN
            )
        ],
        "reclassifications_shown": RECLASSIFICATIONS_SHOWN,
        "paused": _paused_context(form, paused, labels_for=reports.row_labels(paused)),
        "billed": [
            {
                "month": month_label(r.month),
                "organization": r.organization,
                "lines": r.lines,
                "worked": format_minutes(r.minutes),
                "hours": f"{r.billed_hours}".replace(".", ","),
                "amount": format_brl(r.amount),
            }
            for r in billed_rows
        ],
        "billed_total": format_brl(sum((r.amount for r in billed_rows), Decimal(0))),
        "management_pdf": reverse("console:reports_management", args=[f"{form.last:%Y-%m}"]),
        "management_month": month_label(f"{form.last:%Y-%m}"),
        "export": {
            table: "?" + urlencode({**form.params(), "formato": "csv", "tabela": table})
            for table in ("pausas", "assessoria", "carga", "idades", "satisfacao", "reclassificacoes")
        },
        "export_csv": "?" + urlencode({**form.params(), "formato": "csv"}),
        "export_xlsx": "?" + urlencode({**form.params(), "formato": "xlsx"}),
    }
    return render(request, "console/reports.html", context)


# --------------------------------------------------------------------------- defects fixed per release


RELEASE_FIXES_HEADER = (
    gettext_noop("Produto"),
    gettext_noop("Versão"),
    gettext_noop("Publicada em"),
    gettext_noop("Chamado"),
    gettext_noop("Título"),
    gettext_noop("Organização"),
    gettext_noop("Severidade"),
    gettext_noop("Status"),
)


@require("console.access", deny=404)  # customers: 404, as on every console URL
@require("console.manage_team")
@require_GET
def release_fixes_report(request):
    """The Problema tickets fixed per product and release (managers: their teams; admins: all)."""
    product = request.GET.get("produto", "").strip()
    product_id = int(product) if product.isdigit() and len(product) <= 18 else None
    groups = release_fixes(request.user, product_id=product_id)
    export = request.GET.get("formato")
    if export in ("csv", "xlsx"):
        body = [
            [
                g.product,
                g.version,
                brasilia(g.published_at, "%d/%m/%Y") if g.published_at else _("não publicada"),
                t.pk,
                t.title,
                t.organization.name,
                t.severity,
                t.status,
            ]
            for g in groups
            for t in g.tickets
        ]
        header = [_(h) for h in RELEASE_FIXES_HEADER]
        if export == "csv":
            content, content_type = dashboard.table_csv(header, body), "text/csv; charset=utf-8"
        else:
            content, content_type = dashboard.table_xlsx(header, body, title=_("Correções por versão")), XLSX
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, f"correcoes-por-versao.{export}")
        return response
    context = {
        "groups": groups,
        "products": Product.objects.order_by("name"),
        "product_id": product_id,
        "export_csv": "?" + urlencode({**({"produto": product_id} if product_id else {}), "formato": "csv"}),
        "export_xlsx": "?" + urlencode({**({"produto": product_id} if product_id else {}), "formato": "xlsx"}),
    }
    return render(request, "console/report_releases.html", context)


@require("console.access", deny=404)
@require_GET
def reports_management_pdf(request, month: str):
    """The monthly management report of `month` (AAAA-MM) as a PDF, in the reports' scope of the
    user (an impossible month: 404, as every console URL)."""
    from django.http import Http404

    from servicedesk.reports.management import management_report
    from servicedesk.reports.pdf import management_pdf
    from servicedesk.reports.statements import parse_month

    try:
        year, number = parse_month(month)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    content = management_report(user=request.user, year=year, month=number, now=wall_clock.now())
    response = HttpResponse(management_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"relatorio-gerencial-{month}.pdf")
    return response
