"""Every write to a ticket. `ticket_transition` is the one place that changes a status.

Each service: keyword-only arguments, the actor explicit, `now` passed in (aware, UTC),
one transaction, the row locked, an append-only history event, the SLA recomputed through
the pure engine, notifications scheduled after commit.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from servicedesk.accounts.models import Role, TeamKind, User
from servicedesk.accounts.selectors import local_date, user_is_trained
from servicedesk.catalog.models import Module, Release
from servicedesk.catalog.selectors import release_is_supported
from servicedesk.core.errors import Conflict, DomainError, NotAllowed
from servicedesk.sla.adapters import default_calendar_row, plan_targets_snapshot
from servicedesk.sla.engine.policy import (
    AUTO_CLOSE_STATUSES,
    UNIFORM_SEVERITY_TYPES,
    Environment,
    Severity,
    TicketStatus,
    TicketType,
)
from servicedesk.sla.services import (
    SLA_FIELDS,
    sla_recompute_for_ticket,
)
from servicedesk.tickets.attachments import check_upload
from servicedesk.tickets.models import (
    Attachment,
    Comment,
    EventKind,
    ReopenRequest,
    ReopenRequestStatus,
    Ticket,
    TicketCategory,
    TicketEvent,
)
from servicedesk.tickets.workflow import FINAL_STATUSES, ActorKind, is_allowed

S = TicketStatus

# Messages (pt-BR), reused by the tests.
TICKET_TRANSITION_NOT_ALLOWED = gettext_noop("Não é possível passar o chamado de {from_status} para {to_status}.")
TICKET_CHANGED = gettext_noop(
    "Este chamado foi alterado por outra pessoa enquanto você o editava. Recarregue a página; nada do que você enviou foi perdido ou aplicado."
)
TICKET_USER_NOT_TRAINED = gettext_noop(
    "Somente usuários treinados pela WeConnect podem abrir chamados. Solicite um treinamento."
)
TICKET_OPEN_CUSTOMERS_ONLY = gettext_noop("Somente usuários de clientes abrem chamados.")
FIELD_REQUIRED = gettext_noop("Campo obrigatório.")
EVIDENCE_REQUIRED = gettext_noop("Anexe pelo menos uma evidência (captura de tela) do problema.")
SEVERITY_FIXED_NORMAL = gettext_noop("Solicitações e dúvidas têm sempre severidade Normal.")
SEVERITY_CHANGE_NOT_ALLOWED = gettext_noop(
    "A severidade de uma Solicitação ou Dúvida não pode ser alterada: é sempre Normal."
)
MODULE_NOT_LICENSED = gettext_noop("Este módulo não faz parte dos produtos contratados pela sua organização.")
RELEASE_OTHER_PRODUCT = gettext_noop("Esta versão não pertence ao produto do módulo escolhido.")
VERSION_NOT_SUPPORTED = gettext_noop(
    "Versão não suportada: o atendimento cobre a última versão do produto ou o patch anterior. O chamado foi aberto, mas pode ser necessário atualizar o sistema."
)
RECLASSIFY_JUSTIFICATION_REQUIRED = gettext_noop("Informe a justificativa da reclassificação.")
RECLASSIFY_NOTHING = gettext_noop("Nada a reclassificar: tipo e severidade são os atuais.")
STAFF_ONLY = gettext_noop("Apenas a equipe WeConnect pode fazer isso.")
CUSTOMER_ONLY = gettext_noop("Apenas usuários do cliente podem fazer isso.")
COMMENT_EMPTY = gettext_noop("Escreva uma mensagem.")
COMMENT_ON_CLOSED = gettext_noop(
    "Este chamado está encerrado. Abra um novo chamado vinculado ou solicite a reabertura."
)
INTERNAL_NOTE_STAFF_ONLY = gettext_noop("Notas internas são exclusivas da equipe WeConnect.")
REOPEN_ONLY_CLOSED = gettext_noop("Só é possível solicitar a reabertura de um chamado encerrado.")
REOPEN_ALREADY_PENDING = gettext_noop("Já existe um pedido de reabertura pendente para este chamado.")
REOPEN_NOT_PENDING = gettext_noop("Este pedido de reabertura já foi decidido.")
REASON_REQUIRED = gettext_noop("Informe o motivo.")
ASSIGNEE_NOT_STAFF = gettext_noop("Só é possível atribuir a um membro da equipe WeConnect.")
CLOSED_REOPEN_THROUGH_REQUEST = gettext_noop(
    "Um chamado encerrado só volta ao atendimento por um pedido de reabertura aprovado."
)
DIAGNOSIS_ALREADY = gettext_noop("O diagnóstico deste chamado já foi registrado.")
STATUS_UNKNOWN = gettext_noop("Status desconhecido: {status}.")
TYPE_UNKNOWN = gettext_noop("Tipo desconhecido.")
SEVERITY_UNKNOWN = gettext_noop("Severidade desconhecida.")
ASK_CUSTOMER_NOTE_REQUIRED = gettext_noop("Escreva o que o cliente precisa informar.")
TYPE_REQUIRED = gettext_noop("Escolha o tipo do chamado.")
SEVERITY_REQUIRED = gettext_noop("Escolha a severidade.")
ENVIRONMENT_REQUIRED = gettext_noop("Informe o ambiente (produção ou homologação).")
DESCRIPTION_REQUIRED = gettext_noop("Descreva o problema em detalhes.")
MODULE_REQUIRED = gettext_noop("Informe o módulo do produto.")
CATEGORY_UNKNOWN = gettext_noop("Categoria desconhecida.")
CATEGORY_REQUESTS_ONLY = gettext_noop("Categorias valem apenas para solicitações.")
RELEASE_REQUIRED = gettext_noop("Informe a versão do produto.")
AFFECTED_PROCESS_UNKNOWN = gettext_noop("Processo desconhecido.")
LINKED_TICKET_NOT_FOUND = gettext_noop("Chamado vinculado não encontrado.")

NOT_TRAINED_ALLOWED_CATEGORY = TicketCategory.TRAINING  # domain.md §3 (decision)


class TicketTransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status_code = 409


# --------------------------------------------------------------------------- helpers


def actor_kind(user: User | None) -> ActorKind:
    if user is None:
        return ActorKind.SYSTEM
    return ActorKind.CUSTOMER if user.role == Role.CUSTOMER else ActorKind.STAFF


def _require_staff(user: User) -> None:
    if not user.is_support_staff:
        raise NotAllowed(STAFF_ONLY)


def _lock(ticket: Ticket, expected_revision: int | None) -> Ticket:
    """Lock the row; refuse if someone changed it since the caller read `expected_revision`."""
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("calendar", "organization").get(pk=ticket.pk)
    if expected_revision is not None and locked.revision != expected_revision:
        raise Conflict(TICKET_CHANGED)
    return locked


def _record(
    ticket: Ticket,
    *,
    kind: str,
    actor: User | None,
    at: datetime,
    public: bool = True,
    data: dict | None = None,
    **sla_keys,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor, at=at, public=public, data=data or {}, **sla_keys
    )


def _save(ticket: Ticket, *, now: datetime, fields: Sequence[str] = ()) -> None:
    """Recompute the clocks from the history and save the row with a new revision."""
    sla_recompute_for_ticket(ticket, now=now)
    ticket.revision += 1
    ticket.save(update_fields=[*fields, *SLA_FIELDS, "revision", "updated_at"])
    from servicedesk.tickets import tasks  # tasks import services: avoid the cycle at import time

    transaction.on_commit(lambda: tasks.schedule_ticket_timers(ticket))


def _notify(event: TicketEvent) -> None:
    from servicedesk.tickets import tasks

    transaction.on_commit(lambda: tasks.enqueue_event_notifications(event.pk))


def _status_change(
    ticket: Ticket,
    *,
    to: TicketStatus,
    actor: User | None,
    now: datetime,
    note: str = "",
    kind: str = EventKind.STATUS_CHANGED,
    at: datetime | None = None,
    customer_interaction: bool = False,
    diagnosis: bool = False,
    data: dict | None = None,
) -> TicketEvent:
    """Apply a status change to a locked ticket (no save). The workflow table is checked here
    too, so no named action can move a ticket in a way `tickets/workflow.py` does not allow."""
    from_status = ticket.status
    if not is_allowed(actor_kind(actor), from_status, to):
        raise TicketTransitionNotAllowed(
            gettext(TICKET_TRANSITION_NOT_ALLOWED).format(from_status=from_status, to_status=to)
        )
    ticket.status = to
    ticket.closed_at = (at or now) if to in FINAL_STATUSES else None
    event = _record(
        ticket,
        kind=kind,
        actor=actor,
        at=at or now,
        from_status=from_status,
        to_status=to,
        customer_interaction=customer_interaction,
        diagnosis=diagnosis,
        data={"note": note, **(data or {})} if note or data else {},
    )
    if customer_interaction:
        ticket.last_customer_interaction_at = at or now
    return event


def _closing_due_first(service):
    """Apply an automatic closing that is already due before a customer acts (§7: "a closing due
    at the moment of evaluation has happened"), so a late sweep can never let a customer comment
    reopen a ticket that closed. The closing commits on its own (`timers.ticket_auto_close` is
    idempotent); the customer's action then sees ENCERRADO and is refused as on any closed ticket.
    """

    @functools.wraps(service)
    def wrapper(*, ticket: Ticket, now: datetime, **kwargs):
        actor = kwargs.get("actor") or kwargs.get("author") or kwargs.get("uploader")
        if (
            actor is not None
            and actor.role == Role.CUSTOMER
            and Ticket.objects.filter(
                pk=ticket.pk, status__in=list(AUTO_CLOSE_STATUSES), auto_close_at__lte=now
            ).exists()
        ):
            from servicedesk.tickets import timers  # timers builds on this module's writers

            timers.ticket_auto_close(ticket_id=ticket.pk, now=now)
        return service(ticket=ticket, now=now, **kwargs)

    return wrapper


# --------------------------------------------------------------------------- transitions


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    to: TicketStatus | str,
    actor: User | None,
    now: datetime,
    note: str = "",
    expected_revision: int | None = None,
    customer_interaction: bool = False,
    _via_reopen_request: bool = False,
) -> Ticket:
    """The single entry point for status changes (domain.md §5, §7). Returns the updated ticket.

    Refused transitions raise `TicketTransitionNotAllowed` and change nothing.
    """
    try:
        target = TicketStatus(to)
    except ValueError as exc:
        raise DomainError(gettext(STATUS_UNKNOWN).format(status=to), field="to") from exc
    locked = _lock(ticket, expected_revision)
    kind = actor_kind(actor)
    if not is_allowed(kind, locked.status, target):
        raise TicketTransitionNotAllowed(
            gettext(TICKET_TRANSITION_NOT_ALLOWED).format(from_status=locked.status, to_status=target)
        )
    if locked.status == S.CLOSED and not _via_reopen_request:
        raise TicketTransitionNotAllowed(CLOSED_REOPEN_THROUGH_REQUEST)
    # A staff note goes to the customer as a public message: the first one meets diagnosis (§5).
    public_staff_message = bool(note.strip()) and kind == ActorKind.STAFF
    event = _status_change(
        locked,
        to=target,
        actor=actor,
        now=now,
        note=note,
        customer_interaction=customer_interaction,
        diagnosis=public_staff_message and locked.diagnosis_met_at is None,
    )
    if public_staff_message:
        Comment.objects.create(ticket=locked, author=actor, body=note, is_internal=False, created_at=now)
    _save(locked, now=now, fields=["status", "closed_at", "last_customer_interaction_at"])
    _notify(event)
    return locked


def ticket_resolve(
    *, ticket: Ticket, actor: User, now: datetime, note: str = "", expected_revision: int | None = None
) -> Ticket:
    _require_staff(actor)
    return ticket_transition(
        ticket=ticket, to=S.RESOLVED, actor=actor, now=now, note=note, expected_revision=expected_revision
    )


def ticket_ask_customer(
    *, ticket: Ticket, actor: User, now: datetime, note: str, expected_revision: int | None = None
) -> Ticket:
    """Staff ask the customer for details: AGUARDANDO CLIENTE, the clock pauses (§5, §7)."""
    _require_staff(actor)
    if not note.strip():
        raise DomainError(ASK_CUSTOMER_NOTE_REQUIRED, field="note")
    return ticket_transition(
        ticket=ticket, to=S.WAITING_CUSTOMER, actor=actor, now=now, note=note, expected_revision=expected_revision
    )


@_closing_due_first
def ticket_confirm_solution(
    *, ticket: Ticket, actor: User, now: datetime, expected_revision: int | None = None
) -> Ticket:
    """The customer confirms the solution: ENCERRADO (§7). The confirmation is a customer interaction."""
    if actor.role != Role.CUSTOMER:
        raise NotAllowed(CUSTOMER_ONLY)
    return ticket_transition(
        ticket=ticket, to=S.CLOSED, actor=actor, now=now, customer_interaction=True, expected_revision=expected_revision
    )


def ticket_cancel(
    *, ticket: Ticket, actor: User, now: datetime, reason: str = "", expected_revision: int | None = None
) -> Ticket:
    if actor.is_support_staff and not reason.strip():
        raise DomainError(REASON_REQUIRED, field="reason")
    return ticket_transition(
        ticket=ticket, to=S.CANCELLED, actor=actor, now=now, note=reason, expected_revision=expected_revision
    )


# --------------------------------------------------------------------------- opening


def _open_errors(
    *,
    requester: User,
    type: str,
    severity: str | None,
    environment: str,
    module: Module | None,
    release: Release | None,
    version_text: str,
    title: str,
    description: str,
    files: Sequence[UploadedFile],
    category: str,
    today,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if type not in set(TicketType):
        errors["type"] = TYPE_REQUIRED
    if type == TicketType.PROBLEM and severity not in set(Severity):
        errors["severity"] = SEVERITY_REQUIRED
    if type in UNIFORM_SEVERITY_TYPES and severity not in (None, "", Severity.NORMAL):
        errors["severity"] = SEVERITY_FIXED_NORMAL
    if environment not in set(Environment):
        errors["environment"] = ENVIRONMENT_REQUIRED
    if not title.strip():
        errors["title"] = FIELD_REQUIRED
    if not description.strip():
        errors["description"] = DESCRIPTION_REQUIRED
    if module is None:
        errors["module"] = MODULE_REQUIRED
    elif not requester.organization.licensed_products.filter(pk=module.product_id).exists():
        errors["module"] = MODULE_NOT_LICENSED
    if category and category not in TicketCategory.values:
        errors["category"] = CATEGORY_UNKNOWN
    if category and type != TicketType.REQUEST:
        errors["category"] = CATEGORY_REQUESTS_ONLY
    if type == TicketType.PROBLEM:
        if release is None and not version_text.strip() and requester.organization.cloud_release_id is None:
            errors["release"] = RELEASE_REQUIRED
        if not files:
            errors["files"] = EVIDENCE_REQUIRED
    if release is not None and module is not None and release.product_id != module.product_id:
        errors["release"] = RELEASE_OTHER_PRODUCT
    if not user_is_trained(requester, on=today) and category != NOT_TRAINED_ALLOWED_CATEGORY:
        errors["__all__"] = TICKET_USER_NOT_TRAINED
    return errors


def _routing_team(requester: User, category: str):
    from servicedesk.accounts.models import Team

    kind = {
        TicketCategory.TRAINING: TeamKind.TRAINING,
        TicketCategory.PROPOSAL: TeamKind.COMMERCIAL,
        TicketCategory.LICENSE_KEY: TeamKind.COMMERCIAL,
    }.get(category)
    if kind is None:
        return requester.organization.support_team or Team.objects.filter(kind=TeamKind.SUPPORT).first()
    return Team.objects.filter(kind=kind).first() or requester.organization.support_team


@transaction.atomic
def ticket_open(
    *,
    requester: User,
    type: str,
    severity: str | None,
    environment: str,
    module: Module | None,
    title: str,
    description: str,
    now: datetime,
    release: Release | None = None,
    version_text: str = "",
    files: Sequence[UploadedFile] = (),
    category: str = "",
    affected_process=None,
    linked_ticket: Ticket | None = None,
) -> Ticket:
    """Open a ticket for a trained customer user (domain.md §3–§4). All field errors at once."""
    if requester.role != Role.CUSTOMER:
        raise NotAllowed(TICKET_OPEN_CUSTOMERS_ONLY)
    organization = requester.organization
    errors = _open_errors(
        requester=requester,
        type=type,
        severity=severity,
        environment=environment,
        module=module,
        release=release,
        version_text=version_text,
        title=title,
        description=description,
        files=files,
        category=category,
        today=local_date(now),
    )
    checked = []
    for upload in files:
        try:
            checked.append((upload, check_upload(upload)))
        except DomainError as exc:
            errors.setdefault("files", exc.message)
    if affected_process is not None and affected_process.organization_id != organization.pk:
        errors["affected_process"] = AFFECTED_PROCESS_UNKNOWN
    if linked_ticket is not None and linked_ticket.organization_id != organization.pk:
        errors["linked_ticket"] = LINKED_TICKET_NOT_FOUND
    if errors:
        first = errors.get("__all__") or next(iter(errors.values()))
        raise DomainError(first, fields=errors)

    severity = Severity.NORMAL if type in UNIFORM_SEVERITY_TYPES else Severity(severity)
    if organization.hosting_mode == "cloud" and organization.cloud_release_id:
        # §4: for cloud customers the vendor keeps them updated; their version is the recorded one.
        release = organization.cloud_release
    version_supported = True
    if release is not None:
        version_text = release.version
        version_supported = release_is_supported(release=release)
    elif version_text.strip():
        match = module.product.releases.filter(version=version_text.strip()).first()
        version_supported = match is not None and release_is_supported(release=match)
        release = match
    calendar = organization.calendar or default_calendar_row()
    ticket = Ticket.objects.create(
        organization=organization,
        requester=requester,
        type=type,
        severity=severity,
        status=S.NEW,
        category=category,
        environment=environment,
        product=module.product,
        module=module,
        release=release,
        version_text=version_text.strip(),
        version_supported=version_supported,
        title=title.strip(),
        description=description.strip(),
        affected_process=affected_process,
        linked_ticket=linked_ticket,
        team=_routing_team(requester, category),
        plan_code=organization.plan.code,
        calendar=calendar,
        sla_targets=plan_targets_snapshot(organization.plan, at=now),
        opened_at=now,
        last_customer_interaction_at=now,
    )
    event = _record(
        ticket,
        kind=EventKind.OPENED,
        actor=requester,
        at=now,
        new_type=type,
        new_severity=severity,
        data={"version_supported": version_supported},
    )
    for upload, info in checked:
        _store_attachment(ticket=ticket, uploader=requester, upload=upload, info=info, now=now)
    _save(ticket, now=now)
    _notify(event)
    return ticket


def _store_attachment(
    *,
    ticket: Ticket,
    uploader: User,
    upload: UploadedFile,
    info,
    now: datetime,
    comment: Comment | None = None,
    internal: bool = False,
) -> Attachment:
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        uploaded_by=uploader,
        original_name=info.name,
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        is_internal=internal,
        created_at=now,
    )
    attachment.file.save(info.sha256, upload, save=False)
    attachment.save()
    return attachment


# --------------------------------------------------------------------------- conversation


@_closing_due_first
@transaction.atomic
def ticket_comment_add(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    now: datetime,
    internal: bool = False,
    files: Sequence[UploadedFile] = (),
    expected_revision: int | None = None,
) -> Comment:
    """A public message or an internal note, with optional attachments.

    Customer messages are customer interactions: on AGUARDANDO CLIENTE and on RESOLVIDO they
    return the ticket to EM ATENDIMENTO (§7). The first public staff reply meets the diagnosis
    clock (§5) and picks a NOVO ticket up.
    """
    body = body.strip()
    if not body and not files:
        raise DomainError(COMMENT_EMPTY, field="body")
    is_customer = author.role == Role.CUSTOMER
    if internal and is_customer:
        raise NotAllowed(INTERNAL_NOTE_STAFF_ONLY)
    checked = [(upload, check_upload(upload)) for upload in files]
    locked = _lock(ticket, expected_revision)
    if is_customer and locked.status in FINAL_STATUSES:
        raise DomainError(COMMENT_ON_CLOSED, code="ticket_closed")

    comment = Comment.objects.create(ticket=locked, author=author, body=body, is_internal=internal, created_at=now)
    for upload, info in checked:
        _store_attachment(
            ticket=locked, uploader=author, upload=upload, info=info, now=now, comment=comment, internal=internal
        )
    data = {"comment_id": comment.pk}
    fields = ["last_customer_interaction_at"]
    if is_customer:
        locked.last_customer_interaction_at = now
        if locked.status in (S.WAITING_CUSTOMER, S.RESOLVED):
            event = _status_change(
                locked,
                to=S.IN_PROGRESS,
                actor=author,
                now=now,
                kind=EventKind.CUSTOMER_REPLY,
                customer_interaction=True,
                data=data,
            )
            fields += ["status", "closed_at"]
        else:
            event = _record(
                locked, kind=EventKind.CUSTOMER_REPLY, actor=author, at=now, customer_interaction=True, data=data
            )
    elif internal:
        event = _record(locked, kind=EventKind.INTERNAL_NOTE, actor=author, at=now, public=False, data=data)
    else:
        first_reply = locked.diagnosis_met_at is None
        if locked.status == S.NEW:
            # The first public reply picks a new ticket up.
            event = _status_change(
                locked,
                to=S.IN_PROGRESS,
                actor=author,
                now=now,
                kind=EventKind.PUBLIC_REPLY,
                diagnosis=first_reply,
                data=data,
            )
            fields += ["status", "closed_at"]
        else:
            event = _record(locked, kind=EventKind.PUBLIC_REPLY, actor=author, at=now, diagnosis=first_reply, data=data)
    _save(locked, now=now, fields=fields)
    _notify(event)
    return comment


@_closing_due_first
@transaction.atomic
def ticket_attachment_add(
    *, ticket: Ticket, uploader: User, upload: UploadedFile, now: datetime, internal: bool = False
) -> Attachment:
    """Evidence added outside a message. From a customer it is a customer interaction (§7)."""
    is_customer = uploader.role == Role.CUSTOMER
    if internal and is_customer:
        raise NotAllowed(INTERNAL_NOTE_STAFF_ONLY)
    info = check_upload(upload)
    locked = _lock(ticket, None)
    if is_customer and locked.status in FINAL_STATUSES:
        raise DomainError(COMMENT_ON_CLOSED, code="ticket_closed")
    attachment = _store_attachment(
        ticket=locked, uploader=uploader, upload=upload, info=info, now=now, internal=internal
    )
    data = {"attachment_id": attachment.pk, "name": info.name}
    if is_customer:
        locked.last_customer_interaction_at = now
        if locked.status in (S.WAITING_CUSTOMER, S.RESOLVED):
            event = _status_change(
                locked,
                to=S.IN_PROGRESS,
                actor=uploader,
                now=now,
                kind=EventKind.ATTACHMENT,
                customer_interaction=True,
                data=data,
            )
        else:
            event = _record(
                locked, kind=EventKind.ATTACHMENT, actor=uploader, at=now, customer_interaction=True, data=data
            )
    else:
        event = _record(locked, kind=EventKind.ATTACHMENT, actor=uploader, at=now, public=not internal, data=data)
    _save(locked, now=now, fields=["status", "closed_at", "last_customer_interaction_at"])
    _notify(event)
    return attachment


@transaction.atomic
def ticket_diagnosis_register(
    *, ticket: Ticket, actor: User, now: datetime, note: str = "", expected_revision: int | None = None
) -> Ticket:
    """Explicit "diagnóstico registrado": meets the diagnosis clock (§5)."""
    _require_staff(actor)
    locked = _lock(ticket, expected_revision)
    if locked.diagnosis_met_at is not None:
        raise DomainError(DIAGNOSIS_ALREADY)
    event = _record(
        locked, kind=EventKind.DIAGNOSIS, actor=actor, at=now, diagnosis=True, data={"note": note} if note else {}
    )
    _save(locked, now=now)
    _notify(event)
    return locked


# --------------------------------------------------------------------------- reclassification, assignment


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
    _require_staff(actor)
    if not justification.strip():
        raise DomainError(RECLASSIFY_JUSTIFICATION_REQUIRED, field="justification")
    if type is not None and type not in set(TicketType):
        raise DomainError(TYPE_UNKNOWN, field="type")
    if severity is not None and severity not in set(Severity):
        raise DomainError(SEVERITY_UNKNOWN, field="severity")
    locked = _lock(ticket, expected_revision)
    new_type = type or locked.type
    new_severity = severity or locked.severity
    if severity is not None and new_type in UNIFORM_SEVERITY_TYPES and severity != Severity.NORMAL:
        raise DomainError(SEVERITY_CHANGE_NOT_ALLOWED, field="severity")
    if new_type in UNIFORM_SEVERITY_TYPES:
        new_severity = Severity.NORMAL
    if (new_type, new_severity) == (locked.type, locked.severity):
        raise DomainError(RECLASSIFY_NOTHING)
    event = _record(
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
    _save(locked, now=now, fields=["type", "severity"])
    _notify(event)
    return locked


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    actor: User,
    now: datetime,
    assignee: User | None,
    team=None,
    expected_revision: int | None = None,
) -> Ticket:
    _require_staff(actor)
    if assignee is not None and not assignee.is_support_staff:
        raise DomainError(ASSIGNEE_NOT_STAFF, field="assignee")
    locked = _lock(ticket, expected_revision)
    new_team = team or locked.team
    if (locked.assignee_id, locked.team_id) == (getattr(assignee, "pk", None), getattr(new_team, "pk", None)):
        return locked
    event = _record(
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
    locked.save(update_fields=["assignee", "team", "revision", "updated_at"])
    _notify(event)
    return locked


# --------------------------------------------------------------------------- reopening (§7)


@transaction.atomic
def reopen_request_create(*, ticket: Ticket, actor: User, reason: str, now: datetime) -> ReopenRequest:
    if actor.role != Role.CUSTOMER:
        raise NotAllowed(CUSTOMER_ONLY)
    if not reason.strip():
        raise DomainError(REASON_REQUIRED, field="reason")
    locked = _lock(ticket, None)
    if locked.status != S.CLOSED:
        raise DomainError(REOPEN_ONLY_CLOSED)
    try:
        with transaction.atomic():
            request = ReopenRequest.objects.create(
                ticket=locked, requested_by=actor, reason=reason.strip(), requested_at=now
            )
    except IntegrityError as exc:
        raise DomainError(REOPEN_ALREADY_PENDING) from exc
    event = _record(
        locked,
        kind=EventKind.REOPEN_REQUESTED,
        actor=actor,
        at=now,
        data={"request_id": request.pk, "reason": reason.strip()},
    )
    _notify(event)
    return request


@transaction.atomic
def reopen_request_approve(*, request: ReopenRequest, actor: User, now: datetime) -> Ticket:
    _require_staff(actor)
    request = ReopenRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ReopenRequestStatus.PENDING:
        raise DomainError(REOPEN_NOT_PENDING)
    ticket = ticket_transition(ticket=request.ticket, to=S.IN_PROGRESS, actor=actor, now=now, _via_reopen_request=True)
    request.status, request.decided_by, request.decided_at = ReopenRequestStatus.APPROVED, actor, now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return ticket


@transaction.atomic
def reopen_request_refuse(*, request: ReopenRequest, actor: User, reason: str, now: datetime) -> ReopenRequest:
    _require_staff(actor)
    if not reason.strip():
        raise DomainError(REASON_REQUIRED, field="reason")
    request = ReopenRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ReopenRequestStatus.PENDING:
        raise DomainError(REOPEN_NOT_PENDING)
    request.status, request.decided_by, request.decided_at, request.decision_reason = (
        ReopenRequestStatus.REFUSED,
        actor,
        now,
        reason.strip(),
    )
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    event = _record(
        request.ticket,
        kind=EventKind.REOPEN_REFUSED,
        actor=actor,
        at=now,
        data={"request_id": request.pk, "reason": reason.strip()},
    )
    _notify(event)
    return request


# --------------------------------------------------------------------------- events without a status change


@transaction.atomic
def ticket_event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User,
    now: datetime,
    public: bool = False,
    data: dict | None = None,
    expected_revision: int | None = None,
) -> TicketEvent:
    """Record a staff activity in the history (a phone call, a video-call invitation…).

    No status or SLA change; the revision moves so forms opened before it see the change.
    """
    _require_staff(actor)
    locked = _lock(ticket, expected_revision)
    event = _record(locked, kind=kind, actor=actor, at=now, public=public, data=data)
    locked.revision += 1
    locked.save(update_fields=["revision", "updated_at"])
    ticket.revision = locked.revision
    _notify(event)
    return event
