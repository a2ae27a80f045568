"""Template helpers shared by the portal and the console: Brasília time, SLA and status badges.

``{% load desk %}`` then ``{{ moment|brasilia }}``, ``{% sla_badge ticket %}``,
``{% status_badge ticket.status %}``, ``{% severity_badge ticket.severity %}``,
``{% if request.user|can:"ticket.assign" %}``, ``{{ amount|brl }}``, ``{{ minutes|minutes_hm }}``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.advisory import money
from servicedesk.core import clock, timefmt
from servicedesk.sla.adapters import engine_calendar
from servicedesk.sla.engine.policy import BUSINESS_DAY, TicketStatus
from servicedesk.sla.services import engine_calendars_for, ticket_sla_view

register = template.Library()

S = TicketStatus
STATUS_TONES = {
    S.NEW: "info",
    S.IN_PROGRESS: "primary",
    S.MAINTENANCE: "primary",
    S.WAITING_CUSTOMER: "warning",
    S.ADVISORY: "paused",
    S.PROPOSAL: "paused",
    S.SERVICES: "paused",
    S.RESOLVED: "success",
    S.CLOSED: "muted",
    S.CANCELLED: "muted",
}
SEVERITY_TONES = {"Crítica": "danger", "Alta": "warning", "Normal": "info", "Baixa": "muted"}
BUSINESS_DAY_MINUTES = int(BUSINESS_DAY.total_seconds() // 60)


def _display_zone() -> ZoneInfo:
    return timefmt.display_zone()


@register.filter
def brasilia(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """An aware datetime shown in Brasília time as "dd/mm/aaaa HH:MM" ("" for None)."""
    return timefmt.brasilia(value, fmt)


@register.filter
def brasilia_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_display_zone())
    return value.strftime("%d/%m/%Y")


@register.filter(name="can")
def can_filter(user, capability: str) -> bool:
    """``{% if request.user|can:"ticket.assign" %}`` — the authorization layer in templates."""
    return permissions.can(user, capability)


def business_duration(amount: timedelta) -> str:
    """4h30 → "4h30"; 20h → "2d 4h" (one business day = 8 business hours, domain.md §6)."""
    minutes = max(0, int(amount.total_seconds() // 60))
    days, minutes = divmod(minutes, BUSINESS_DAY_MINUTES)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{minutes:02d}" if minutes else f"{hours}h"
    return f"{minutes}min"


def _request_calendars(request) -> dict:
    """The engine calendars already loaded for this request (calendar id → calendar)."""
    if request is None:
        return {}
    cache = getattr(request, "_desk_calendars", None)
    if cache is None:
        cache = request._desk_calendars = {}
    return cache


def _calendar_for(ticket, cache: dict):
    """The ticket's engine calendar, loaded once per calendar and request (constant queries)."""
    key = ticket.calendar_id
    if key not in cache:
        if type(ticket).calendar.is_cached(ticket):  # selected with the row: no query
            cache[key] = engine_calendar(ticket.calendar)
        else:
            cache.update(engine_calendars_for([ticket]))
    return cache.get(key)


CLOCK_NAMES = {"diagnosis": gettext_noop("Diagnóstico"), "solution": gettext_noop("Solução")}


def sla_summary(ticket, *, now: datetime, calendar, view=None) -> dict:
    """What the badge shows, from the ticket's clocks as of `now` (`sla.services.ticket_sla_view`,
    no query of its own; `view` when the caller already has it): which clock counts, how much
    business time it has left, paused, breached, met — never "delivered on time" for a ticket
    that closed without a solution."""
    status = ticket.status
    if status == S.CANCELLED:
        return {"state": "stopped", "label": _("Cancelado"), "title": _("Chamado cancelado")}
    if view is None:
        view = ticket_sla_view(ticket, now=now, calendar=calendar)
    if status in (S.RESOLVED, S.CLOSED):
        if view.breached:
            return {"state": "breached", "label": _("SLA violado"), "title": _("O prazo de SLA não foi cumprido")}
        if view.solution.met_at is not None:
            return {"state": "met", "label": _("SLA cumprido"), "title": _("Solução entregue dentro do prazo")}
        return {
            "state": "stopped",
            "label": _("Encerrado sem solução"),
            "title": _("Encerrado automaticamente: 16 horas úteis sem resposta do cliente."),
        }
    upcoming = view.next
    if upcoming is None:
        return {"state": "none", "label": _("Sem prazo"), "title": ""}
    clock_name = _(CLOCK_NAMES[upcoming.name])
    due_text = brasilia(upcoming.due_at)
    if upcoming.state == "breached":
        return {
            "state": "breached",
            "label": _("%(clock)s: SLA violado") % {"clock": clock_name},
            "title": _("Prazo de %(clock)s: %(due)s (horário de Brasília)")
            % {"clock": clock_name.lower(), "due": due_text},
        }
    left_text = business_duration(upcoming.left)
    if upcoming.state == "paused":
        return {
            "state": "paused",
            "label": _("Pausado · %(clock)s: %(left)s úteis") % {"clock": clock_name, "left": left_text},
            "title": _(
                "Relógio pausado (%(status)s). Restam %(left)s úteis de %(clock)s; se o atendimento fosse retomado agora, o prazo seria %(due)s (horário de Brasília)."
            )
            % {"status": status, "left": left_text, "clock": clock_name.lower(), "due": due_text},
        }
    return {
        "state": "at_risk" if view.at_risk else "running",
        "label": _("%(clock)s: %(left)s úteis") % {"clock": clock_name, "left": left_text},
        "title": _("Prazo de %(clock)s: %(due)s (horário de Brasília)")
        % {"clock": clock_name.lower(), "due": due_text},
    }


@register.simple_tag(takes_context=True)
def sla_badge(context, ticket):
    """The ticket's SLA badge: business time left, paused, at risk, breached or met."""
    cache = _request_calendars(context.get("request"))
    now = context.get("now") or clock.now()
    return render_sla_badge(sla_summary(ticket, now=now, calendar=_calendar_for(ticket, cache)))


@register.simple_tag(takes_context=True)
def portal_ticket_rows(context, tickets, home=False):
    """The <tr> rows of the portal's ticket tables, drawn in Python (the customer's landing page;
    a template loop walks a node per cell): number, title with type and module, status, severity,
    SLA badge, then on the home (`home`) the next step the customer owes, in the list the
    requester; the opening date in Brasília time."""
    cache = _request_calendars(context.get("request"))
    now = context.get("now") or clock.now()
    labels = [escape(_(text)) for text in ("Nº", "Título", "Status", "Severidade", "SLA", "Solicitante", "Aberto em")]
    steps = {
        S.WAITING_CUSTOMER.value: f'<span class="row-next-step">{escape(_("Responda à equipe"))}</span>',
        S.RESOLVED.value: f'<span class="row-next-step">{escape(_("Confirme a solução"))}</span>',
    }
    detail = reverse("portal:ticket_detail", args=[0]).removesuffix("0/")
    rows = []
    for t in tickets:
        pk = t.pk
        module = f" · {t.module.product.name} › {t.module.name}" if t.module_id else ""
        badge = render_sla_badge(sla_summary(t, now=now, calendar=_calendar_for(t, cache)))
        step = steps.get(t.status, "") if home else ""
        requester = (
            "" if home else f'<td data-label="{labels[5]}" class="small col-requester">{escape(str(t.requester))}</td>'
        )
        row_class = ' class="needs-customer"' if home and getattr(t, "needs_customer", None) == 0 else ""
        rows.append(
            f"<tr{row_class}>"
            f'<td data-label="{labels[0]}" class="mono col-number">#{pk}</td>'
            f'<td data-label="{labels[1]}" class="title-cell"><a href="{detail}{pk}/">{escape(t.title)}</a>'
            f'<div class="small muted">{escape(f"{t.type}{module}")}</div></td>'
            f'<td data-label="{labels[2]}" class="col-status">{status_badge(t.status)}{step}</td>'
            f'<td data-label="{labels[3]}" class="col-severity">{severity_badge(t.severity)}</td>'
            f'<td data-label="{labels[4]}" class="col-sla">{badge}</td>'
            f"{requester}"
            f'<td data-label="{labels[6]}" class="small col-date"><span class="nowrap">{brasilia(t.opened_at, "%d/%m/%Y")}'
            f'</span> <span class="nowrap">{brasilia(t.opened_at, "%H:%M")}</span></td>'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 — every value above is escaped


# The badges are drawn by format_html rather than inclusion templates: a queue page draws
# three per row, and an inclusion template costs a context and a render each.
def render_sla_badge(sla: dict) -> str:
    return format_html(
        '<span class="badge badge-sla badge-sla-{}" title="{}"><span class="sla-dot" aria-hidden="true"></span>{}</span>',
        sla["state"],
        sla.get("title", ""),
        sla["label"],
    )


@register.simple_tag
def status_badge(status: str) -> str:
    return format_html('<span class="badge badge-{}">{}</span>', STATUS_TONES.get(status, "muted"), status)


@register.simple_tag
def severity_badge(severity: str) -> str:
    return format_html(
        '<span class="badge badge-outline badge-{}">{}</span>', SEVERITY_TONES.get(severity, "muted"), severity
    )


@register.filter
def brl(value) -> str:
    """Decimal("1234.5") → "R$ 1.234,50" (money is never a float; "" for None)."""
    if value is None or value == "":
        return ""
    return money.format_brl(money.to_decimal(value))


@register.filter
def minutes_hm(value) -> str:
    """545 → "9 h 05 min"."""
    if value is None or value == "":
        return ""
    return money.format_minutes(int(value))


@register.filter
def hours_br(value) -> str:
    """Decimal("12.50") → "12,5 h"."""
    if value is None or value == "":
        return ""
    number = money.to_decimal(value).normalize()
    return f"{number:f}".replace(".", ",") + " h"
