"""The supervision dashboard's other figures (domain.md §10), in the reports' scope: backlog and
ageing of open tickets, tickets at risk now, analysts' load, reclassifications up and down, and
the flat table (with its CSV/XLSX export) of the compliance rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext, gettext_noop

from servicedesk.advisory.money import decimal_comma
from servicedesk.reports.billed import BilledRow
from servicedesk.reports.pauses import PausedRow
from servicedesk.reports.selectors import (
    ComplianceRow,
    Period,
    report_filters,
    row_labels,
    scoped_tickets,
)
from servicedesk.sla.engine.clocks import PAUSING_ORDER
from servicedesk.sla.engine.policy import Severity
from servicedesk.tickets.models import EventKind, TicketEvent
from servicedesk.tickets.workflow import FINAL_STATUSES

# Open tickets by age since the opening (calendar days): label, lower bound, upper bound.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    (gettext_noop("até 1 dia"), 0, 1),
    (gettext_noop("1–3 dias"), 1, 3),
    (gettext_noop("3–7 dias"), 3, 7),
    (gettext_noop("7–15 dias"), 7, 15),
    (gettext_noop("15–30 dias"), 15, 30),
    (gettext_noop("mais de 30 dias"), 30, None),
)
_SEVERITY_RANK = {severity.value: rank for rank, severity in enumerate(Severity)}  # Crítica = 0


def _open(user, filters: Mapping[str, Any] | None):
    return scoped_tickets(user).filter(report_filters(filters)).exclude(status__in=list(FINAL_STATUSES))


def backlog_ages(*, user, now: datetime, filters: Mapping[str, Any] | None = None) -> list[tuple[str, int]]:
    """How many open tickets there are in each age bucket (one query)."""
    aggregates = {}
    for index, (_label, low, high) in enumerate(AGE_BUCKETS):
        condition = Q(opened_at__lte=now - timedelta(days=low))
        if high is not None:
            condition &= Q(opened_at__gt=now - timedelta(days=high))
        aggregates[f"b{index}"] = Count("pk", filter=condition)
    counts = _open(user, filters).aggregate(**aggregates)
    return [(gettext(label), counts[f"b{index}"] or 0) for index, (label, _l, _h) in enumerate(AGE_BUCKETS)]


@dataclass(frozen=True)
class Backlog:
    open: int
    at_risk: int
    breached: int


def backlog(*, user, filters: Mapping[str, Any] | None = None) -> Backlog:
    counts = _open(user, filters).aggregate(
        n=Count("pk"),
        at_risk=Count("pk", filter=Q(at_risk=True, breached=False)),
        breached=Count("pk", filter=Q(breached=True)),
    )
    return Backlog(open=counts["n"], at_risk=counts["at_risk"], breached=counts["breached"])


@dataclass(frozen=True)
class AnalystLoad:
    analyst_id: int | None
    name: str
    open: int
    at_risk: int
    breached: int


def analysts_load(*, user, filters: Mapping[str, Any] | None = None) -> list[AnalystLoad]:
    """Open tickets per assignee (the unassigned ones as one line), most loaded first."""
    rows = (
        _open(user, filters)
        .values("assignee_id", "assignee__first_name", "assignee__last_name", "assignee__username")
        .order_by()
        .annotate(
            n=Count("pk"),
            at_risk=Count("pk", filter=Q(at_risk=True, breached=False)),
            breached=Count("pk", filter=Q(breached=True)),
        )
    )
    loads = []
    for row in rows:
        if row["assignee_id"] is None:
            name = gettext("Sem responsável")
        else:
            name = " ".join(p for p in (row["assignee__first_name"], row["assignee__last_name"]) if p).strip()
            name = name or row["assignee__username"]
        loads.append(AnalystLoad(row["assignee_id"], name, row["n"], row["at_risk"], row["breached"]))
    return sorted(loads, key=lambda load: (-load.open, load.name))


@dataclass(frozen=True)
class Reclassifications:
    up: int  # to a more urgent severity
    down: int
    type_only: int
    with_triggering_fact: int


def reclassifications(*, user, period: Period, filters: Mapping[str, Any] | None = None) -> Reclassifications:
    """Reclassifications made in the period, with their direction (domain.md §10)."""
    tickets = scoped_tickets(user).filter(report_filters(filters)).values("pk")
    up = down = type_only = fact = 0
    for data in TicketEvent.objects.filter(
        kind=EventKind.RECLASSIFIED, at__gte=period.start, at__lt=period.end, ticket_id__in=tickets
    ).values_list("data", flat=True):
        direction = _direction(data)
        if direction == "type":
            type_only += 1
        elif direction == "up":
            up += 1
        else:
            down += 1
        fact += bool(data.get("triggering_fact"))
    return Reclassifications(up=up, down=down, type_only=type_only, with_triggering_fact=fact)


@dataclass(frozen=True)
class Reclassification:
    """One reclassification made in the period (the ticket's RECLASSIFIED event)."""

    ticket_id: int
    title: str
    at: datetime
    actor: str
    from_type: str
    to_type: str
    from_severity: str
    to_severity: str
    direction: str  # "up" (more urgent), "down", or "type" (the severity did not change)
    justification: str
    triggering_fact: str


DIRECTION_LABELS = {
    "up": gettext_noop("para maior urgência"),
    "down": gettext_noop("para menor urgência"),
    "type": gettext_noop("só de tipo"),
}


def _direction(data: Mapping[str, Any]) -> str:
    before = _SEVERITY_RANK.get(data.get("from_severity"))
    after = _SEVERITY_RANK.get(data.get("to_severity"))
    if before is None or after is None or before == after:
        return "type"
    return "up" if after < before else "down"


def reclassification_list(
    *, user, period: Period, filters: Mapping[str, Any] | None = None, limit: int | None = None
) -> list[Reclassification]:
    """The reclassifications made in the period, newest first, in the reports' scope (the same
    events `reclassifications` counts)."""
    tickets = scoped_tickets(user).filter(report_filters(filters)).values("pk")
    events = (
        TicketEvent.objects.filter(
            kind=EventKind.RECLASSIFIED, at__gte=period.start, at__lt=period.end, ticket_id__in=tickets
        )
        .select_related("ticket", "actor")
        .order_by("-at", "-pk")
    )
    if limit is not None:
        events = events[:limit]
    out = []
    for event in events:
        data = event.data or {}
        actor = event.actor
        out.append(
            Reclassification(
                ticket_id=event.ticket_id,
                title=event.ticket.title,
                at=event.at,
                actor=(actor.get_full_name() or actor.username) if actor else "",
                from_type=data.get("from_type") or "",
                to_type=data.get("to_type") or "",
                from_severity=data.get("from_severity") or "",
                to_severity=data.get("to_severity") or "",
                direction=_direction(data),
                justification=data.get("justification") or "",
                triggering_fact=data.get("triggering_fact") or "",
            )
        )
    return out


def reclassification_table(items: Sequence[Reclassification]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the reclassifications' list (Brasília date and time)."""
    from servicedesk.reports.selectors import BRASILIA

    header = [
        gettext("Chamado"),
        gettext("Título"),
        gettext("Data"),
        gettext("Por"),
        gettext("Tipo (de → para)"),
        gettext("Severidade (de → para)"),
        gettext("Direção"),
        gettext("Justificativa"),
        gettext("Fato gerador"),
    ]
    body = [
        [
            item.ticket_id,
            item.title,
            item.at.astimezone(BRASILIA).strftime("%d/%m/%Y %H:%M"),
            item.actor,
            f"{item.from_type} → {item.to_type}",
            f"{item.from_severity or '—'} → {item.to_severity or '—'}",
            gettext(DIRECTION_LABELS[item.direction]),
            item.justification,
            item.triggering_fact,
        ]
        for item in items
    ]
    return header, body


def load_table(rows: Sequence[AnalystLoad]) -> tuple[list[str], list[list[Any]]]:
    """The analysts' load: open, at risk and breached tickets per assignee."""
    header = [gettext("Analista"), gettext("Abertos"), gettext("Em risco"), gettext("Violados")]
    return header, [[row.name, row.open, row.at_risk, row.breached] for row in rows]


def ages_table(ages: Sequence[tuple[str, int]]) -> tuple[list[str], list[list[Any]]]:
    """The backlog's age buckets (calendar days since the opening)."""
    return [gettext("Idade do chamado aberto"), gettext("Chamados")], [[label, count] for label, count in ages]


# --------------------------------------------------------------------------- the flat table

GROUP_LABELS = {
    "month": gettext_noop("Mês"),
    "plan": gettext_noop("Plano"),
    "severity": gettext_noop("Severidade"),
    "type": gettext_noop("Tipo"),
    "organization": gettext_noop("Organização"),
    "team": gettext_noop("Equipe"),
    "analyst": gettext_noop("Analista"),
}
FIGURE_LABELS = (
    gettext_noop("Diagnóstico no prazo"),
    gettext_noop("Diagnóstico violado"),
    gettext_noop("Diagnóstico cumprimento (%)"),
    gettext_noop("Diagnóstico média (h úteis)"),
    gettext_noop("Diagnóstico mediana (h úteis)"),
    gettext_noop("Solução no prazo"),
    gettext_noop("Solução violada"),
    gettext_noop("Solução cumprimento (%)"),
    gettext_noop("Solução média (h úteis)"),
    gettext_noop("Solução mediana (h úteis)"),
)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def table(rows: Sequence[ComplianceRow], group_by: Sequence[str]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the compliance table: the group names, then per clock met, breached,
    compliance in % (two decimals), average and median business hours (None when empty)."""
    labels = row_labels(rows)
    header = [gettext(GROUP_LABELS[key]) for key in group_by] + [gettext(label) for label in FIGURE_LABELS]
    body = []
    for row in rows:
        line: list[Any] = []
        for key in group_by:
            value = row.keys[key]
            if key in labels:
                value = labels[key].get(value, "—") if value is not None else "—"
            line.append("—" if value is None else value)
        for figures in (row.diagnosis, row.solution):
            line += [
                figures.met,
                figures.breached,
                None if figures.compliance is None else round(figures.compliance * 100, 2),
                _hours(figures.avg_business_seconds),
                _hours(figures.median_business_seconds),
            ]
        body.append(line)
    return header, body


def _comma(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_comma(value)
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def table_csv(header: list[str], body: list[list[Any]]) -> bytes:
    """For Brazilian spreadsheets: UTF-8 with BOM, `;`, decimal comma (as the billing export)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for line in body:
        writer.writerow([_comma(value) for value in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(
    header: list[str],
    body: list[list[Any]],
    *,
    title: str,
    more: Sequence[tuple[str, list[str], list[list[Any]]]] = (),
) -> bytes:
    """The same table as an Excel workbook (numbers as numbers); `more`: further sheets
    (title, header, body), e.g. the paused time and the advisory billed."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    bold = book.add_format({"bold": True})
    number = book.add_format({"num_format": "0.00"})
    for sheet_title, sheet_header, sheet_body in ((title, header, body), *more):
        sheet = book.add_worksheet(sheet_title[:31])
        sheet.write_row(0, 0, sheet_header, bold)
        for index, line in enumerate(sheet_body, start=1):
            for column, value in enumerate(line):
                if value is None:
                    sheet.write_blank(index, column, None)
                elif isinstance(value, (float, Decimal)):
                    sheet.write_number(index, column, float(value), number)
                elif isinstance(value, int):
                    sheet.write_number(index, column, value)
                else:
                    sheet.write_string(index, column, str(value))
    book.close()
    return buffer.getvalue()


def _keys_line(keys: Mapping[str, Any], group_by: Sequence[str], labels: Mapping[str, Mapping[Any, str]]) -> list:
    line: list[Any] = []
    for key in group_by:
        value = keys[key]
        if key in labels:
            value = labels[key].get(value, "—") if value is not None else "—"
        line.append("—" if value is None else value)
    return line


def paused_table(rows: Sequence[PausedRow], group_by: Sequence[str]) -> tuple[list[str], list[list[Any]]]:
    """Paused business hours of the solution clocks counted, per pausing status and in total."""
    labels = row_labels(rows)
    header = [gettext(GROUP_LABELS[key]) for key in group_by] + [
        gettext("Relógios de solução"),
        *(gettext("{status} (h úteis)").format(status=status) for status in PAUSING_ORDER),
        gettext("Total pausado (h úteis)"),
    ]
    body = [
        [
            *_keys_line(row.keys, group_by, labels),
            row.clocks,
            *(round(row.seconds[status] / 3600, 2) for status in PAUSING_ORDER),
            round(row.total / 3600, 2),
        ]
        for row in rows
    ]
    return header, body


def billed_table(rows: Sequence[BilledRow]) -> tuple[list[str], list[list[Any]]]:
    """Advisory billed per month and organization: lines, hours worked and billed, amount (R$)."""
    header = [
        gettext("Mês"),
        gettext("Organização"),
        gettext("Linhas"),
        gettext("Horas trabalhadas"),
        gettext("Horas faturadas"),
        gettext("Valor faturado (R$)"),
    ]
    body = [[r.month, r.organization, r.lines, round(r.minutes / 60, 2), float(r.billed_hours), r.amount] for r in rows]
    return header, body


# --------------------------------------------------------------------------- satisfaction

SATISFACTION_KEYS = {"analyst": "analyst_id", "team": "team_id", "organization": "organization_id"}
SATISFACTION_GROUPS = ("analyst", "team", "organization", "month")
# report filter → the survey's column: the analyst, team and organization are the ticket's at
# its closing (as the grouping); plan, severity and type the ticket's own.
_SATISFACTION_FILTERS = {
    **SATISFACTION_KEYS,
    "plan": "ticket__plan_code",
    "severity": "ticket__severity",
    "type": "ticket__type",
}


@dataclass(frozen=True)
class SatisfactionRow:
    keys: dict[str, Any]
    answers: int
    average: float | None
    low: int  # ratings of 2 or less


def satisfaction(
    *,
    user,
    period: Period,
    group_by: Sequence[str] = ("analyst",),
    filters: Mapping[str, Any] | None = None,
) -> list[SatisfactionRow]:
    """Satisfaction answers in the period (by the instant answered) per analyst, team,
    organization (the ticket's at its closing) and/or month answered, in the reports' scope,
    narrowed by the report's filters."""
    from django.db.models import Avg
    from django.db.models.functions import TruncMonth

    from servicedesk.reports.selectors import BRASILIA
    from servicedesk.surveys.models import SatisfactionSurvey

    surveys = SatisfactionSurvey.objects.filter(
        ticket__in=scoped_tickets(user).values("pk"), answered_at__gte=period.start, answered_at__lt=period.end
    ).filter(**{_SATISFACTION_FILTERS[key]: value for key, value in (filters or {}).items() if value not in (None, "")})
    columns = []
    for key in group_by:
        if key == "month":
            surveys = surveys.annotate(answer_month=TruncMonth("answered_at", tzinfo=BRASILIA))
            columns.append("answer_month")
        else:
            columns.append(SATISFACTION_KEYS[key])
    rows = (
        surveys.values(*columns)
        .order_by()
        .annotate(n=Count("pk"), avg=Avg("rating"), low=Count("pk", filter=Q(rating__lte=2)))
        if columns
        else [surveys.aggregate(n=Count("pk"), avg=Avg("rating"), low=Count("pk", filter=Q(rating__lte=2)))]
    )
    out = []
    for values in rows:
        if not values["n"]:
            continue
        keys = {}
        for key, column in zip(group_by, columns, strict=True):
            value = values[column]
            if key == "month" and value is not None:
                local = value.astimezone(BRASILIA) if hasattr(value, "astimezone") else value
                value = f"{local.year:04d}-{local.month:02d}"
            keys[key] = value
        out.append(
            SatisfactionRow(
                keys=keys,
                answers=values["n"],
                average=None if values["avg"] is None else round(values["avg"], 2),
                low=values["low"],
            )
        )
    return sorted(out, key=lambda r: (-(r.average or 0), str(r.keys)))


def satisfaction_table(
    groups: Sequence[tuple[str, Sequence[SatisfactionRow]]],
) -> tuple[list[str], list[list[Any]]]:
    """The satisfaction per analyst, team, organization and month in one flat table: `groups`
    is (group key, its rows); the names resolved in one query per kind."""
    labels = row_labels([row for _key, rows in groups for row in rows])  # type: ignore[arg-type]
    header = [
        gettext("Por"),
        gettext("Nome"),
        gettext("Respostas"),
        gettext("Nota média (1–5)"),
        gettext("Notas ≤ 2"),
    ]
    body = []
    for key, rows in groups:
        for row in rows:
            value = row.keys[key]
            if key == "month":
                name = value or "—"
            elif value is None:
                name = gettext("Sem responsável") if key == "analyst" else gettext("Sem equipe")
            else:
                name = labels[key].get(value, "—")
            body.append([gettext(GROUP_LABELS[key]), name, row.answers, row.average, row.low])
    return header, body
