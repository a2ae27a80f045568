"""Reading canned replies: the ones a staff member may use, and their text filled for a ticket."""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Q, QuerySet

from servicedesk.accounts import permissions
from servicedesk.accounts.models import Team, User
from servicedesk.core.timefmt import brasilia
from servicedesk.replies.models import CannedReply
from servicedesk.sla.services import ticket_sla_view

_VARIABLE = re.compile(r"\{(\w+)\}")
# The variables a reply may use, with what they become (listed on the management page).
VARIABLES = {
    "cliente": "nome de quem abriu o chamado",
    "numero": "número do chamado",
    "titulo": "título do chamado",
    "organizacao": "organização do cliente",
    "analista": "seu nome",
    "prazo_diagnostico": "prazo de diagnóstico (horário de Brasília)",
    "prazo_solucao": "prazo de solução (horário de Brasília)",
}


def canned_replies_for(user: User, *, query: str = "") -> QuerySet[CannedReply]:
    """The user's personal replies and those of the teams they belong to or manage."""
    if not permissions.is_staff_user(user):
        return CannedReply.objects.none()
    replies = CannedReply.objects.filter(Q(owner=user) | Q(team__members=user) | Q(team__managers=user)).select_related(
        "team"
    )
    words = query.replace("\x00", "").split()[:8]
    for word in words:
        replies = replies.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return replies.distinct().order_by("title", "pk")


def managed_reply_teams(user: User):
    """The teams whose replies `user` maintains: all for administrators, a manager's own."""
    role = permissions.effective_role(user)
    if role == permissions.ADMIN:
        return Team.objects.order_by("name")
    if role == permissions.MANAGER:
        return user.managed_teams.order_by("name")
    return Team.objects.none()


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def canned_reply_fill(reply: CannedReply, *, ticket, user: User, now: datetime) -> str:
    """The reply's text with its variables filled from `ticket` (unknown ones stay as typed)."""
    sla = ticket_sla_view(ticket, now=now)
    values = {
        "cliente": _name(ticket.requester),
        "numero": str(ticket.pk),
        "titulo": ticket.title,
        "organizacao": ticket.organization.name,
        "analista": _name(user),
        "prazo_diagnostico": brasilia(sla.diagnosis.due_at, "%d/%m/%Y às %H:%M"),
        "prazo_solucao": brasilia(sla.solution.due_at, "%d/%m/%Y às %H:%M"),
    }
    return _VARIABLE.sub(lambda match: values.get(match.group(1), match.group(0)), reply.body)
