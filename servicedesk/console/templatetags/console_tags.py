"""Console template helpers. `queue_sla_badge` draws the shared SLA badge (desk.render_sla_badge)
from the ticket's stored clock columns and its select_related calendar row, so a queue page
costs at most one query per distinct calendar whatever the number of rows.

`queue_rows` and `select_options` draw the queue's rows and the filter bar's options in Python:
the landing page of every analyst is the queue, and a template loop costs a context push and a
node walk per cell (≈ 0.2 ms a row); here a row is one string join, escaped value by value."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from servicedesk.core import clock
from servicedesk.sla.adapters import engine_calendar
from servicedesk.sla.services import ticket_sla_view
from servicedesk.ui.templatetags.desk import brasilia, render_sla_badge, severity_badge, sla_summary, status_badge

register = template.Library()


def _calendar(request, ticket):
    cache = getattr(request, "_console_calendars", None)
    if cache is None:
        cache = {}
        if request is not None:
            request._console_calendars = cache
    if ticket.calendar_id not in cache:
        cache[ticket.calendar_id] = engine_calendar(ticket.calendar)
    return cache[ticket.calendar_id]


@register.simple_tag(takes_context=True)
def queue_sla_badge(context, ticket):
    now = context.get("now") or clock.now()
    return render_sla_badge(sla_summary(ticket, now=now, calendar=_calendar(context.get("request"), ticket)))


@register.simple_tag(takes_context=True)
def queue_due(context, ticket):
    """The deadline the ticket counts now (a paused one: if it resumed now), in Brasília time."""
    now = context.get("now") or clock.now()
    upcoming = ticket_sla_view(ticket, now=now, calendar=_calendar(context.get("request"), ticket)).next
    return brasilia(upcoming.due_at) if upcoming is not None else "—"


@register.simple_tag(takes_context=True)
def queue_rows(context, tickets):
    """The <tr> rows of the console queue (templates/console/_queue_results.html): number, title
    with "cliente respondeu", organization line, status, severity, SLA badge and the deadline the
    ticket counts now (one `ticket_sla_view` per row serves both), assignee and team."""
    now = context.get("now") or clock.now()
    request = context.get("request")
    prefix = escape(reverse("console:queue"))
    labels = {
        key: escape(_(text))
        for key, text in (
            ("number", "Nº"),
            ("ticket", "Chamado"),
            ("status", "Status"),
            ("severity", "Severidade"),
            ("sla", "SLA"),
            ("due", "Prazo"),
            ("assignee", "Responsável"),
        )
    }
    replied = f' <span class="badge badge-replied">{escape(_("cliente respondeu"))}</span>'
    rows = []
    for ticket in tickets:
        calendar = _calendar(request, ticket)
        view = ticket_sla_view(ticket, now=now, calendar=calendar)
        upcoming = view.next
        pk = ticket.pk
        row_class = "row-breached" if ticket.breached else ("row-at-risk" if ticket.at_risk else "")
        sub = [ticket.organization.name, ticket.plan_code, ticket.type]
        if ticket.module_id:
            sub.append(ticket.module.name)
        sub.append(ticket.environment)
        assignee = escape(str(ticket.assignee)) if ticket.assignee_id else '<span class="muted">—</span>'
        team = f'<span class="sub muted">{escape(ticket.team.name)}</span>' if ticket.team_id else ""
        rows.append(
            f'<tr class="{row_class}" data-ticket="{pk}">'
            f'<td data-label="{labels["number"]}" class="mono">#{pk}</td>'
            f'<td data-label="{labels["ticket"]}" class="title-cell">'
            f'<a href="{prefix}chamados/{pk}/">{escape(ticket.title)}</a>'
            f"{replied if getattr(ticket, 'customer_replied', False) else ''}"
            f'<span class="sub muted small">{escape(" · ".join(str(part) for part in sub))}</span></td>'
            f'<td data-label="{labels["status"]}">{status_badge(ticket.status)}</td>'
            f'<td data-label="{labels["severity"]}">{severity_badge(ticket.severity)}</td>'
            f'<td data-label="{labels["sla"]}">'
            f"{render_sla_badge(sla_summary(ticket, now=now, calendar=calendar, view=view))}</td>"
            f'<td data-label="{labels["due"]}" class="small">'
            f"{escape(brasilia(upcoming.due_at)) if upcoming is not None else '—'}</td>"
            f'<td data-label="{labels["assignee"]}" class="small">{assignee}{team}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 — every value above is escaped


@register.simple_tag
def select_options(items, selected=None):
    """<option> elements of a filter: `items` are (value, label) pairs or plain values; the one
    equal to `selected` (compared as text, so 7 matches "7") is selected."""
    chosen = "" if selected is None else str(selected)
    options = []
    for item in items:
        value, label = item if isinstance(item, tuple | list) else (item, item)
        value_text = escape(value)
        mark = " selected" if chosen and str(value) == chosen else ""
        options.append(f'<option value="{value_text}"{mark}>{escape(label)}</option>')
    return mark_safe("".join(options))  # noqa: S308 — values and labels escaped


@register.simple_tag
def field_errors(form, name):
    return form.errors.get(name, [])


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def field_row(field, label=""):
    """One form field of the console: label, widget, help and errors, the markup of
    templates/console/_field.html drawn in Python (the workspace shows a dozen of them)."""
    if not hasattr(field, "errors"):
        raise TypeError(f"field_row: not a form field: {field!r}")
    errors = field.errors
    parts = [
        '<div class="field has-error">\n' if errors else '<div class="field">\n',
        f'  <label for="{escape(field.id_for_label)}">{escape(label or field.label)}</label>\n',
        f"  {field}\n",
    ]
    if field.help_text:
        parts.append(f'  <span class="help">{escape(field.help_text)}</span>\n')
    if errors:
        items = "".join(f"<li>{escape(error)}</li>" for error in errors)
        parts.append(f'  <ul class="errorlist">{items}</ul>\n')
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 — every value is escaped above; the widget is safe markup
