"""The monthly management report (issue 11): one Brasília month, in the reports' scope of the
user who asks (administrators everything, a manager her teams, an analyst his own tickets),
JSON-ready for `reports.pdf.management_pdf`. Every figure comes from the same selectors as the
dashboard — compliance per plan × severity, the 12-month trend, the breaches, the backlog's
ageing, paused time by status, the advisory billed and the satisfaction ratings — so the PDF and
the page never disagree. A bounded number of queries whatever the month's size (the breached
tickets are listed up to `BREACH_LIST_LIMIT`, their total always given)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from servicedesk.accounts import permissions
from servicedesk.accounts.models import Team, User
from servicedesk.advisory.money import decimal_string
from servicedesk.reports import billed, dashboard, pauses
from servicedesk.reports.selectors import (
    BRASILIA,
    CLOCKS,
    Period,
    compliance,
    counted_in,
    outcome_condition,
    scoped_tickets,
)

BREACH_LIST_LIMIT = 100


def _figures(row) -> dict[str, Any]:
    return {clock: getattr(row, clock).as_dict(median=True) for clock in CLOCKS}


def _scope_text(user: User) -> str:
    name = user.get_full_name() or user.username
    role = permissions.effective_role(user)
    if role == permissions.ADMIN:
        return f"todas as equipes ({name})"
    if role == permissions.MANAGER:
        teams = ", ".join(Team.objects.filter(managers=user).order_by("name").values_list("name", flat=True))
        return f"equipes de {name}: {teams or 'nenhuma'}"
    return f"chamados atribuídos a {name}"


def management_report(*, user: User, year: int, month: int, now: datetime) -> dict[str, Any]:
    period = Period.month(year, month)
    by_plan = compliance(user=user, period=period, now=now, group_by=("plan", "severity"), median=True)
    total = compliance(user=user, period=period, now=now, median=True)
    trend_period = Period.months_back(date(year, month, 1), 12)
    trend = {
        row.keys["month"]: row
        for row in compliance(user=user, period=trend_period, now=now, group_by=("month",), times=False)
    }
    months, cursor = [], trend_period.first
    while cursor <= trend_period.last:
        months.append(f"{cursor:%Y-%m}")
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)

    scoped = scoped_tickets(user)
    breaches = []
    breach_total = 0
    for clock in CLOCKS:
        breached = scoped.filter(counted_in(clock, period)).filter(outcome_condition(clock, "breached", now=now))
        breach_total += breached.count()
        for number, title, organization, plan, severity, due in breached.order_by(
            f"{clock}_counts_at", "pk"
        ).values_list("pk", "title", "organization__name", "plan_code", "severity", f"{clock}_counts_at")[
            :BREACH_LIST_LIMIT
        ]:
            breaches.append(
                {
                    "number": number,
                    "title": title,
                    "organization": organization,
                    "plan": plan,
                    "severity": severity,
                    "clock": clock,
                    "due_at": due.astimezone(BRASILIA).isoformat(),
                }
            )
    breaches.sort(key=lambda b: (b["due_at"], b["number"]))

    paused = pauses.paused_by_status(user=user, period=period, now=now, group_by=("plan", "severity"))
    billed_rows = billed.advisory_billed(user=user, period=period)
    ratings = dashboard.satisfaction(user=user, period=period, group_by=("analyst",))
    names = {
        u.pk: u.get_full_name() or u.username
        for u in User.objects.filter(pk__in=[r.keys["analyst"] for r in ratings if r.keys["analyst"] is not None])
    }
    backlog = dashboard.backlog(user=user)
    return {
        "month": f"{year:04d}-{month:02d}",
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "generated_at": now.astimezone(BRASILIA).isoformat(),
        "scope": _scope_text(user),
        "compliance": {
            "by_plan_severity": [
                {"plan": r.keys["plan"], "severity": r.keys["severity"], **_figures(r)} for r in by_plan
            ],
            "total": _figures(total[0]) if total else None,
        },
        "trend": [
            {
                "month": key,
                **{
                    clock: None if (row := trend.get(key)) is None else getattr(row, clock).compliance
                    for clock in CLOCKS
                },
            }
            for key in months
        ],
        "breaches": {"total": breach_total, "listed": breaches[:BREACH_LIST_LIMIT]},
        "backlog": {
            "open": backlog.open,
            "at_risk": backlog.at_risk,
            "breached": backlog.breached,
            "ages": [{"label": label, "count": count} for label, count in dashboard.backlog_ages(user=user, now=now)],
        },
        "paused": [
            {"plan": r.keys["plan"], "severity": r.keys["severity"], "clocks": r.clocks, "seconds": r.seconds}
            for r in paused
        ],
        "billed": [
            {
                "month": r.month,
                "organization": r.organization,
                "lines": r.lines,
                "minutes": r.minutes,
                "billable_minutes": r.billable_minutes,
                "amount": decimal_string(r.amount),
            }
            for r in billed_rows
        ],
        "satisfaction": [
            {
                "analyst": names.get(r.keys["analyst"]) if r.keys["analyst"] is not None else None,
                "answers": r.answers,
                "average": r.average,
                "low": r.low,
            }
            for r in ratings
        ],
    }
