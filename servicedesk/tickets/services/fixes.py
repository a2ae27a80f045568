"""Release awareness (issue 11): maintenance links a Problema to the release that fixes it; when
that release is published the ticket's requester and the organization's approvers are told, once.

- `ticket_fix_link` records the link (an internal FIX_LINKED event; no status move: the fix is
  not a step of the ticket's workflow, and the transition table stays as it is).
- `release_publish` stamps the release as published and announces every ticket it fixes.
- `ticket_fix_announce` writes the public FIX_RELEASED event (its e-mails go through the outbox,
  like every ticket event) and a `FixAnnouncement` row, unique per ticket and release: a second
  publish, a relink to the same release, or two workers at once announce nothing more.

Lock order, everywhere: the release row first, then the ticket rows (in id order), so a link and
a publish racing serialize on the release: either the publish sees the link, or the link sees the
release published — the announcement is never missed and never doubled.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import User
from servicedesk.catalog.models import Release
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.sla.engine.policy import TicketType
from servicedesk.tickets.access import ensure_ticket_capability
from servicedesk.tickets.history import event_notify_on_commit, event_record
from servicedesk.tickets.models import EventKind, FixAnnouncement, Ticket, TicketEvent
from servicedesk.tickets.services.state import ticket_lock

FIX_PROBLEMS_ONLY = gettext_noop("Só um chamado do tipo Problema é corrigido em uma versão.")
FIX_RELEASE_UNKNOWN = gettext_noop("Versão não encontrada.")
FIX_RELEASE_OTHER_PRODUCT = gettext_noop("A versão escolhida é de outro produto, não do produto deste chamado.")
FIX_TICKET_WITHOUT_PRODUCT = gettext_noop("Este chamado não indica o produto: não é possível vincular uma versão.")
RELEASE_PUBLISH_NOT_ALLOWED = gettext_noop("Somente a equipe de manutenção ou um administrador publica versões.")


def _ticket_product_id(ticket: Ticket) -> int | None:
    if ticket.product_id:
        return ticket.product_id
    return ticket.module.product_id if ticket.module_id else None


def _release_locked(release_id: int) -> Release:
    release = Release.objects.select_for_update().select_related("product").filter(pk=release_id).first()
    if release is None:
        raise DomainError(FIX_RELEASE_UNKNOWN, field="release")
    return release


@transaction.atomic
def ticket_fix_link(
    *,
    ticket: Ticket,
    release_id: int,
    actor: User,
    now: datetime,
    expected_revision: int | None = None,
) -> Ticket:
    """Record that release `release_id` fixes the Problema `ticket` (maintenance, managers,
    administrators). Linking to the release already linked changes nothing; linking to a
    published release announces the fix at once."""
    release = _release_locked(release_id)
    locked = ticket_lock(ticket, expected_revision)
    ensure_ticket_capability(actor, "ticket.fix_link", locked, now=now)
    if locked.type != TicketType.PROBLEM:
        raise DomainError(FIX_PROBLEMS_ONLY)
    product_id = _ticket_product_id(locked)
    if product_id is None:
        raise DomainError(FIX_TICKET_WITHOUT_PRODUCT, field="release")
    if release.product_id != product_id:
        raise DomainError(FIX_RELEASE_OTHER_PRODUCT, field="release")
    if locked.fixed_in_id == release.pk:
        return locked
    event = event_record(
        locked,
        kind=EventKind.FIX_LINKED,
        actor=actor,
        at=now,
        public=False,
        data={
            "release_id": release.pk,
            "version": release.version,
            "product": release.product.name,
            "from_release_id": locked.fixed_in_id,
        },
    )
    locked.fixed_in = release
    locked.revision += 1
    locked.save(update_fields=["fixed_in", "revision", "updated_at"])
    ticket.revision, ticket.fixed_in = locked.revision, release
    event_notify_on_commit(event)
    if release.is_published:
        ticket_fix_announce(ticket=locked, release=release, actor=actor, now=now)
    return locked


def ticket_fix_announce(*, ticket: Ticket, release: Release, actor: User | None, now: datetime) -> TicketEvent | None:
    """Tell the customer that the published `release` fixes `ticket` (locked by the caller):
    the public FIX_RELEASED event, whose e-mails go to the requester and the organization's
    approvers. At most once per ticket and release (None when already told, or not applicable)."""
    if ticket.fixed_in_id != release.pk or not release.is_published:
        return None
    if FixAnnouncement.objects.filter(ticket=ticket, release=release).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves neither the event nor the row
            event = event_record(
                ticket,
                kind=EventKind.FIX_RELEASED,
                actor=actor,
                at=now,
                data={
                    "release_id": release.pk,
                    "version": release.version,
                    "product": release.product.name,
                    "published_at": release.published_at.isoformat(),
                },
            )
            FixAnnouncement.objects.create(ticket=ticket, release=release, event=event, announced_at=now)
    except IntegrityError:
        return None
    event_notify_on_commit(event)
    return event


@transaction.atomic
def release_publish(*, release: Release, actor: User, now: datetime) -> Release:
    """Publish `release` (maintenance, administrators) and announce every ticket it fixes.
    Idempotent: publishing again keeps the first instant and announces nothing twice."""
    if not permissions.can(actor, "release.publish"):
        raise NotAllowed(RELEASE_PUBLISH_NOT_ALLOWED)
    locked = _release_locked(release.pk)
    if locked.published_at is None:
        locked.published_at, locked.published_by = now, actor
        locked.save(update_fields=["published_at", "published_by"])
    for ticket_id in Ticket.objects.filter(fixed_in=locked).order_by("pk").values_list("pk", flat=True):
        ticket_fix_announce(ticket=ticket_lock(Ticket(pk=ticket_id)), release=locked, actor=actor, now=now)
    release.published_at, release.published_by = locked.published_at, locked.published_by
    return locked
