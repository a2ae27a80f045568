"""Console template helpers. `queue_sla_badge` draws the shared SLA badge (desk.render_sla_badge)
from the ticket's stored clock columns and its select_related calendar row, so a queue page
costs at most one query per distinct calendar whatever the number of rows."""

from __future__ import annotations

from django import template

from servicedesk.core import clock
from servicedesk.sla.adapters import engine_calendar
from servicedesk.sla.services import ticket_sla_view
from servicedesk.ui.templatetags.desk import brasilia, render_sla_badge, sla_summary

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


@register.simple_tag
def field_errors(form, name):
    return form.errors.get(name, [])


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
