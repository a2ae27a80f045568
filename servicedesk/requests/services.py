"""The service catalog's requests (domain.md §3, issue 10): a license key and a commercial
proposal, each a Solicitação with its category, opened through `tickets.services.ticket_open` —
so the training rule, the routing to the category's team, the history and the e-mails are the
ones of every ticket. Training requests are `tickets.services.ticket_training_request`.

What a request asks beyond a ticket's fields (the server of a license key, what is to be
proposed) is written into the ticket's description as labelled lines: the team reads it where it
reads every request, and no column is added to the tickets app. Every field error is reported at
once and a refused request writes nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_noop

from servicedesk.accounts.models import User
from servicedesk.accounts.permissions import can
from servicedesk.accounts.selectors import local_date, user_is_trained
from servicedesk.catalog.models import Module, Product
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.sla.engine.policy import Environment, TicketType
from servicedesk.tickets.access import is_customer
from servicedesk.tickets.models import Ticket, TicketCategory
from servicedesk.tickets.services import ticket_open
from servicedesk.tickets.services.opening import TICKET_OPEN_CUSTOMERS_ONLY, TICKET_USER_NOT_TRAINED, one_line

PRODUCT_REQUIRED = gettext_noop("Escolha o produto da licença.")
PRODUCT_NOT_LICENSED = gettext_noop("Este produto não faz parte dos contratos da sua organização.")
ENVIRONMENT_REQUIRED = gettext_noop("Informe o ambiente (produção ou homologação).")
SERVER_REQUIRED = gettext_noop("Informe a identificação do servidor (nome, ID de hardware ou endereço).")
SERVER_TOO_LONG = gettext_noop("Identificação do servidor longa demais: no máximo 200 caracteres.")
PROPOSAL_SUBJECT_REQUIRED = gettext_noop("Diga o que deve ser proposto.")
PROPOSAL_SUBJECT_TOO_LONG = gettext_noop("Assunto longo demais: no máximo 150 caracteres.")
PROPOSAL_DETAILS_REQUIRED = gettext_noop("Descreva a necessidade: escopo, prazos, quantidade de pessoas.")
MODULE_REQUIRED = gettext_noop("Informe o módulo do produto.")
NOTES_TOO_LONG = gettext_noop("Observações longas demais: no máximo 4.000 caracteres.")

SERVER_MAX = 200
SUBJECT_MAX = 150
NOTES_MAX = 4000


def _clean(text: str) -> str:
    return str(text or "").replace("\x00", "").strip()


def _refuse(errors: dict[str, str], requester: User, now: datetime) -> None:
    """Raise every field error at once; an untrained user is told that first (§3–§4: an
    untrained user opens only a training request)."""
    if not is_customer(requester) or not can(requester, "ticket.open"):
        raise NotAllowed(TICKET_OPEN_CUSTOMERS_ONLY)
    if not user_is_trained(requester, on=local_date(now)):
        errors = {"__all__": TICKET_USER_NOT_TRAINED, **errors}
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)


def license_key_request(
    *,
    requester: User,
    product: Product | None,
    environment: str,
    server_identification: str,
    notes: str = "",
    now: datetime,
) -> Ticket:
    """A Solicitação "chave" for `product` on one server. A license belongs to a product, not
    to a module; the ticket needs a module, so it names the product's first module (by id)."""
    server = one_line(_clean(server_identification))
    notes = _clean(notes)
    errors: dict[str, str] = {}
    if product is None:
        errors["product"] = PRODUCT_REQUIRED
    elif not requester.organization or not requester.organization.licensed_products.filter(pk=product.pk).exists():
        errors["product"] = PRODUCT_NOT_LICENSED
    if environment not in set(Environment):
        errors["environment"] = ENVIRONMENT_REQUIRED
    if not server:
        errors["server_identification"] = SERVER_REQUIRED
    elif len(server) > SERVER_MAX:
        errors["server_identification"] = SERVER_TOO_LONG
    if len(notes) > NOTES_MAX:
        errors["notes"] = NOTES_TOO_LONG
    module = Module.objects.filter(product=product).order_by("pk").first() if product and not errors else None
    if product is not None and not errors and module is None:
        errors["product"] = PRODUCT_NOT_LICENSED
    _refuse(errors, requester, now)
    lines = [
        f"Produto: {product.name}",
        f"Ambiente: {environment}",
        f"Identificação do servidor: {server}",
    ]
    if notes:
        lines += ["", f"Observações: {notes}"]
    return ticket_open(
        requester=requester,
        type=TicketType.REQUEST,
        severity=None,
        environment=environment,
        module=module,
        title=f"Chave de licença — {product.name} ({environment})",
        description="\n".join(lines),
        category=TicketCategory.LICENSE_KEY,
        now=now,
    )


def proposal_request(*, requester: User, module: Module | None, subject: str, details: str, now: datetime) -> Ticket:
    """A Solicitação "proposta": what the customer wants proposed (a subject line and the
    need), for a module of a licensed product (ticket_open checks the licence)."""
    subject = one_line(_clean(subject))
    details = _clean(details)
    errors: dict[str, str] = {}
    if module is None:
        errors["module"] = MODULE_REQUIRED
    if not subject:
        errors["subject"] = PROPOSAL_SUBJECT_REQUIRED
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = PROPOSAL_SUBJECT_TOO_LONG
    if not details:
        errors["details"] = PROPOSAL_DETAILS_REQUIRED
    elif len(details) > NOTES_MAX:
        errors["details"] = NOTES_TOO_LONG
    _refuse(errors, requester, now)
    return ticket_open(
        requester=requester,
        type=TicketType.REQUEST,
        severity=None,
        environment=Environment.PRODUCTION,
        module=module,
        title=f"Proposta comercial — {subject}",
        description=f"O que deve ser proposto: {subject}\n\n{details}",
        category=TicketCategory.PROPOSAL,
        now=now,
    )
