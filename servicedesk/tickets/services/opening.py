"""Opening a ticket (domain.md §3–§4): the portal's guided form, the API and the training request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_noop

from servicedesk.accounts.models import Team, TeamKind, User
from servicedesk.accounts.permissions import can
from servicedesk.accounts.selectors import local_date, user_is_trained
from servicedesk.catalog.models import Module, Release
from servicedesk.catalog.selectors import release_is_supported
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.sla.adapters import default_calendar_row, plan_targets_snapshot
from servicedesk.sla.engine.policy import (
    UNIFORM_SEVERITY_TYPES,
    Environment,
    Severity,
    TicketStatus,
    TicketType,
)
from servicedesk.tickets.access import is_customer
from servicedesk.tickets.counters import counter_keys, counters_move
from servicedesk.tickets.history import event_notify_on_commit, event_record
from servicedesk.tickets.models import EventKind, Ticket, TicketCategory
from servicedesk.tickets.services.files import check_uploads, store_attachment
from servicedesk.tickets.services.state import ticket_save

S = TicketStatus

TICKET_USER_NOT_TRAINED = gettext_noop(
    "Somente usuários treinados pela WeConnect podem abrir chamados. Solicite um treinamento."
)
TICKET_OPEN_CUSTOMERS_ONLY = gettext_noop("Somente usuários de clientes abrem chamados.")
FIELD_REQUIRED = gettext_noop("Campo obrigatório.")
EVIDENCE_REQUIRED = gettext_noop("Anexe pelo menos uma evidência (captura de tela) do problema.")
SEVERITY_FIXED_NORMAL = gettext_noop("Solicitações e dúvidas têm sempre severidade Normal.")
MODULE_NOT_LICENSED = gettext_noop("Este módulo não faz parte dos produtos contratados pela sua organização.")
RELEASE_OTHER_PRODUCT = gettext_noop("Esta versão não pertence ao produto do módulo escolhido.")
VERSION_NOT_SUPPORTED = gettext_noop(
    "Versão não suportada: o atendimento cobre a última versão do produto ou o patch anterior. O chamado foi aberto, mas pode ser necessário atualizar o sistema."
)
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
TRAINING_MODULE_REQUIRED = gettext_noop("Escolha o módulo em que deseja ser treinado.")
TRAINING_DEFAULT_DESCRIPTION = "Solicito treinamento para poder abrir chamados de suporte."

TITLE_TOO_LONG = gettext_noop("Título longo demais: no máximo 200 caracteres.")
ON_BEHALF_APPROVERS_ONLY = gettext_noop("Somente um aprovador da organização abre chamados em nome de um colega.")
TITLE_MAX_LENGTH = 200

NOT_TRAINED_ALLOWED_CATEGORY = TicketCategory.TRAINING  # domain.md §3 (decision)


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
    if not title:
        errors["title"] = FIELD_REQUIRED
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = TITLE_TOO_LONG
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


def _routing_team(requester: User, category: str) -> Team | None:
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
    opened_by: User | None = None,
) -> Ticket:
    """Open a ticket for a trained customer user (domain.md §3–§4). All field errors at once.

    The title is one line (line breaks and runs of spaces become one space): it becomes the
    subject of e-mails, where a line break would be a header injection. `opened_by`: an approver
    of the requester's organization who opens it on the requester's behalf (a training request
    for a colleague); the history names them as the author."""
    if not is_customer(requester) or not can(requester, "ticket.open"):
        raise NotAllowed(TICKET_OPEN_CUSTOMERS_ONLY)
    if (
        opened_by is not None
        and opened_by.pk != requester.pk
        and not can(opened_by, "org.manage", requester.organization)
    ):
        raise NotAllowed(ON_BEHALF_APPROVERS_ONLY)
    organization = requester.organization
    title = one_line(title)
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
    try:
        checked = check_uploads(files)
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
        title=title,
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
    counters_move((), counter_keys(ticket))  # a new ticket: it counts from now on
    on_behalf = opened_by is not None and opened_by.pk != requester.pk
    event = event_record(
        ticket,
        kind=EventKind.OPENED,
        actor=opened_by if on_behalf else requester,
        at=now,
        new_type=type,
        new_severity=severity,
        data={"version_supported": version_supported, **({"on_behalf_of": requester.pk} if on_behalf else {})},
    )
    for upload, info in checked:
        store_attachment(ticket=ticket, uploader=requester, upload=upload, info=info, now=now)
    ticket_save(ticket, now=now)
    event_notify_on_commit(event)
    return ticket


def one_line(text: str) -> str:
    """Collapse every run of whitespace (line breaks included) into one space."""
    return " ".join(text.split())


def ticket_training_request(
    *, requester: User, module: Module | None, description: str, now: datetime, opened_by: User | None = None
) -> Ticket:
    """A Solicitação of category treinamento: the one ticket an untrained user may open (§3);
    an approver may open it for a colleague (`opened_by`), the colleague being the requester."""
    if module is None:
        raise DomainError(TRAINING_MODULE_REQUIRED, field="module")
    return ticket_open(
        requester=requester,
        type=TicketType.REQUEST,
        severity=None,
        environment=Environment.PRODUCTION,
        module=module,
        title=f"Solicitação de treinamento — {module.product.name} › {module.name}",
        description=description.strip() or TRAINING_DEFAULT_DESCRIPTION,
        category=TicketCategory.TRAINING,
        now=now,
        opened_by=opened_by,
    )
