"""Writing canned replies. Staff keep personal ones; a team's are managed by its managers (and
administrators). Keyword-only, the actor explicit, pt-BR errors; refusals change nothing."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import Team, User
from servicedesk.core.errors import DomainError, NotAllowed, NotFound
from servicedesk.replies.models import CannedReply

TITLE_REQUIRED = gettext_noop("Dê um título à resposta pronta.")
BODY_REQUIRED = gettext_noop("Escreva o texto da resposta pronta.")
TITLE_TOO_LONG = gettext_noop("Título longo demais: no máximo 120 caracteres.")
BODY_TOO_LONG = gettext_noop("Texto longo demais: no máximo 10.000 caracteres.")
STAFF_ONLY = gettext_noop("Respostas prontas são da equipe WeConnect.")
TEAM_NOT_MANAGED = gettext_noop("Só os gestores da equipe mantêm as respostas prontas dela.")
REPLY_NOT_FOUND = gettext_noop("Resposta pronta não encontrada.")
MAX_BODY = 10_000


def may_manage_team_replies(user: User, team: Team) -> bool:
    """Administrators, and the managers of `team`."""
    role = permissions.effective_role(user)
    if role == permissions.ADMIN:
        return True
    return role == permissions.MANAGER and team.managers.filter(pk=user.pk).exists()


def _check(*, actor: User, title: str, body: str, team: Team | None) -> tuple[str, str]:
    if not permissions.is_staff_user(actor):
        raise NotAllowed(STAFF_ONLY)
    title, body = " ".join(title.split()), body.strip()
    errors = {}
    if not title:
        errors["title"] = TITLE_REQUIRED
    elif len(title) > 120:
        errors["title"] = TITLE_TOO_LONG
    if not body:
        errors["body"] = BODY_REQUIRED
    elif len(body) > MAX_BODY:
        errors["body"] = BODY_TOO_LONG
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)
    if team is not None and not may_manage_team_replies(actor, team):
        raise NotAllowed(TEAM_NOT_MANAGED, field="team")
    return title, body


def canned_reply_create(*, actor: User, title: str, body: str, team: Team | None, now: datetime) -> CannedReply:
    """A personal reply (`team` None) or one of `team` (its managers only)."""
    title, body = _check(actor=actor, title=title, body=body, team=team)
    return CannedReply.objects.create(
        title=title,
        body=body,
        owner=None if team is not None else actor,
        team=team,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )


def _editable(actor: User, reply_id: int) -> CannedReply:
    reply = CannedReply.objects.select_for_update(of=("self",)).select_related("team").filter(pk=reply_id).first()
    if reply is None:
        raise NotFound(REPLY_NOT_FOUND)
    if reply.owner_id is not None:
        if reply.owner_id != actor.pk:
            raise NotFound(REPLY_NOT_FOUND)  # someone else's personal reply does not exist for you
    elif not may_manage_team_replies(actor, reply.team):
        raise NotAllowed(TEAM_NOT_MANAGED)
    return reply


@transaction.atomic
def canned_reply_update(*, actor: User, reply_id: int, title: str, body: str, now: datetime) -> CannedReply:
    reply = _editable(actor, reply_id)
    reply.title, reply.body = _check(actor=actor, title=title, body=body, team=reply.team)
    reply.updated_at = now
    reply.save(update_fields=["title", "body", "updated_at"])
    return reply


@transaction.atomic
def canned_reply_delete(*, actor: User, reply_id: int) -> None:
    _editable(actor, reply_id).delete()
