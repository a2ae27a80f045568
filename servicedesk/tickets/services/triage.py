"""Triage and bookkeeping without a status change: reclassification (§3, §5), assignment (with
the manager's team rule, §10) and staff activities recorded in the history (calls, invitations)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import Team, User
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.sla.engine.policy import UNIFORM_SEVERITY_TYPES, Severity, TicketType
from servicedesk.tickets.access import ensure_ticket_capability
from servicedesk.tickets.counters import counters_track
from servicedesk.tickets.history import event_notify_on_commit, event_record
from servicedesk.tickets.models import EventKind, Ticket, TicketEvent
from servicedesk.tickets.services.state import ticket_lock, ticket_save

RECLASSIFY_JUSTIFICATION_REQUIRED = gettext_noop("Informe a justificativa da reclassificação.")
RECLASSIFY_NOTHING = gettext_noop("Nada a reclassificar: tipo e severidade são os atuais.")
SEVERITY_CHANGE_NOT_ALLOWED = gettext_noop(
    "A severidade de uma Solicitação ou Dúvida não pode ser alterada: é sempre Normal."
)
TYPE_UNKNOWN = gettext_noop("Tipo desconhecido.")
SEVERITY_UNKNOWN = gettext_noop("Severidade desconhecida.")
ASSIGNEE_NOT_STAFF = gettext_noop("Só é possível atribuir a um membro da equipe WeConnect.")
TICKET_NOT_IN_MANAGED_TEAM = gettext_noop("Este chamado é de uma equipe que você não gerencia.")
TEAM_NOT_MANAGED = gettext_noop("Você só pode encaminhar chamados para equipes que gerencia.")


@transaction.atomic
def ticket_reclassify(
    *,
    ticket: Ticket,
    actor: User,
    now: datetime,
    justification: str,
    severity: str | None = None,
    type: str | None = None,
    triggering_fact: str = "",
    expected_revision: int | None = None,
) -> Ticket:
    """Change severity and/or type after analysis, with a mandatory justification (§3, §5)."""
    if not justification.strip():
        raise DomainError(RECLASSIFY_JUSTIFICATION_REQUIRED, field="justification")
    if type is not None and type not in set(TicketType):
        raise DomainError(TYPE_UNKNOWN, field="type")
    if severity is not None and severity not in set(Severity):
        raise DomainError(SEVERITY_UNKNOWN, field="severity")
    locked = ticket_lock(ticket, expected_revision)
    ensure_ticket_capability(actor, "ticket.reclassify", locked, now=now)
    new_type = type or locked.type
    new_severity = severity or locked.severity
    if severity is not None and new_type in UNIFORM_SEVERITY_TYPES and severity != Severity.NORMAL:
        raise DomainError(SEVERITY_CHANGE_NOT_ALLOWED, field="severity")
    if new_type in UNIFORM_SEVERITY_TYPES:
        new_severity = Severity.NORMAL
    if (new_type, new_severity) == (locked.type, locked.severity):
        raise DomainError(RECLASSIFY_NOTHING)
    event = event_record(
        locked,
        kind=EventKind.RECLASSIFIED,
        actor=actor,
        at=now,
        new_type=new_type if new_type != locked.type else "",
        new_severity=new_severity if new_severity != locked.severity else "",
        data={
            "from_type": locked.type,
            "to_type": new_type,
            "from_severity": locked.severity,
            "to_severity": new_severity,
            "justification": justification.strip(),
            "triggering_fact": triggering_fact.strip(),
        },
    )
    locked.type, locked.severity = new_type, new_severity
    ticket_save(locked, now=now, fields=["type", "severity"])
    event_notify_on_commit(event)
    return locked


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    actor: User,
    now: datetime,
    assignee: User | None,
    team: Team | None = None,
    expected_revision: int | None = None,
) -> Ticket:
    """Give the ticket to `assignee` (None: nobody) and, when `team` is given, to that team.

    A support manager (not an administrator) acts on the tickets of the teams she manages and
    moves them only into those teams (domain.md §10: managers supervise their own teams)."""
    if assignee is not None and not permissions.is_staff_user(assignee):
        raise DomainError(ASSIGNEE_NOT_STAFF, field="assignee")
    locked = ticket_lock(ticket, expected_revision)
    ensure_ticket_capability(actor, "ticket.assign", locked, now=now)
    new_team = team or locked.team
    if permissions.effective_role(actor) == permissions.MANAGER:
        managed = set(actor.managed_teams.values_list("pk", flat=True))
        if locked.team_id is not None and locked.team_id not in managed:
            raise NotAllowed(TICKET_NOT_IN_MANAGED_TEAM)
        if new_team is not None and new_team.pk not in managed:
            raise NotAllowed(TEAM_NOT_MANAGED, field="team")
    if (locked.assignee_id, locked.team_id) == (getattr(assignee, "pk", None), getattr(new_team, "pk", None)):
        return locked
    event = event_record(
        locked,
        kind=EventKind.ASSIGNED,
        actor=actor,
        at=now,
        public=False,
        data={
            "from_assignee": locked.assignee_id,
            "to_assignee": getattr(assignee, "pk", None),
            "from_team": locked.team_id,
            "to_team": getattr(new_team, "pk", None),
        },
    )
    locked.assignee, locked.team = assignee, new_team
    locked.revision += 1
    counters_track(locked)
    locked.save(update_fields=["assignee", "team", "revision", "updated_at"])
    event_notify_on_commit(event)
    return locked


@transaction.atomic
def ticket_event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User,
    capability: str,
    now: datetime,
    public: bool = False,
    data: dict | None = None,
    expected_revision: int | None = None,
) -> TicketEvent:
    """Record a staff activity that needs `capability` in the history (a phone call, a video-call
    invitation…). No status or SLA change; the revision moves so forms opened before see it."""
    locked = ticket_lock(ticket, expected_revision)
    ensure_ticket_capability(actor, capability, locked, now=now)
    event = event_record(locked, kind=kind, actor=actor, at=now, public=public, data=data)
    locked.revision += 1
    locked.save(update_fields=["revision", "updated_at"])
    ticket.revision = locked.revision
    event_notify_on_commit(event)
    return event
