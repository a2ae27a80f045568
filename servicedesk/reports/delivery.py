"""E-mailing the monthly SLA statement to each organization's approvers on the first business
day of the month (issue 11): the previous month's statement, PDF attached, once per organization
and month — the `StatementDelivery` row (unique per organization and month) is claimed in its
own transaction before anything is sent, so a second worker, or the next run, finds it taken.
Delivery is at most once: a worker that dies between the claim and the sending leaves the row
unsent (`sent_at` empty) for an administrator to see, rather than mailing twice."""

from __future__ import annotations

import logging
from datetime import date, datetime, time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse

from servicedesk.accounts.models import Organization, Role
from servicedesk.reports.models import StatementDelivery
from servicedesk.reports.pdf import month_name, statement_pdf
from servicedesk.reports.selectors import BRASILIA
from servicedesk.reports.statements import statement
from servicedesk.sla.adapters import default_calendar_row, engine_calendar

logger = logging.getLogger(__name__)


def first_business_opening(year: int, month: int) -> datetime:
    """The first business instant of a month in the default calendar (holidays and closed days
    skipped): the statement of the month before goes out from then on."""
    calendar = engine_calendar(default_calendar_row())
    return calendar.next_opening(datetime.combine(date(year, month, 1), time(0), tzinfo=BRASILIA))


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def statements_send_due(*, now: datetime) -> int:
    """Send the previous month's statement to the approvers of every active organization that
    has not received it yet, once the month's first business day has begun. Returns how many
    organizations were sent to now."""
    local = now.astimezone(BRASILIA)
    if now < first_business_opening(local.year, local.month):
        return 0
    year, month = _previous(local.year, local.month)
    first = date(year, month, 1)
    done = StatementDelivery.objects.filter(month=first).values("organization_id")
    sent = 0
    for organization in (
        Organization.objects.filter(is_active=True).exclude(pk__in=done).select_related("plan").order_by("pk")
    ):
        approvers = [
            user
            for user in organization.users.filter(role=Role.CUSTOMER, is_active=True, is_approver=True)
            if user.email
        ]
        if not approvers:
            continue
        try:
            # The claim, the e-mails (outbox rows: the relay sends them, with retries) and the
            # mark are one transaction: a worker that dies half-way leaves nothing claimed, so
            # the next sweep sends the statement; a second worker's claim waits and fails.
            with transaction.atomic():
                StatementDelivery.objects.create(
                    organization=organization, month=first, claimed_at=now, sent_at=now, recipients=len(approvers)
                )
                _send(organization, approvers, year=year, month=month, now=now)
        except IntegrityError:
            continue  # another worker claimed it
        except Exception:  # this organization's statement failed: the others still go out
            logger.exception("extrato de SLA de %s/%s não enviado para a organização %s", month, year, organization.pk)
            continue
        sent += 1
    return sent


def _send(organization, approvers, *, year: int, month: int, now: datetime) -> None:
    """The statement e-mail, with its PDF, to each approver (through the outbox backend)."""
    content = statement(organization, year=year, month=month, now=now)
    pdf = statement_pdf(content)
    url = settings.SITE_URL + reverse("portal:sla_statement", args=[content["month"]])
    name = month_name(content["month"])
    total = content["compliance"]["total"]

    def pct(value):
        return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"

    body = (
        f"Olá,\n\nSegue o extrato de SLA de {name} da {organization.name} "
        f"(plano {organization.plan.code}).\n\n"
        f"Diagnóstico no prazo: {pct(total['diagnosis']['compliance'])} "
        f"({total['diagnosis']['met']} no prazo, {total['diagnosis']['breached']} violados)\n"
        f"Solução no prazo: {pct(total['solution']['compliance'])} "
        f"({total['solution']['met']} no prazo, {total['solution']['breached']} violados)\n"
        f"Chamados no extrato: {len(content['tickets'])}\n\n"
        f"O extrato completo está no portal: {url}\n"
        "O PDF segue anexo.\n\n"
        f"Suporte WeConnect · {settings.SUPPORT_PHONE} · segunda a sexta, 09h–13h e 14h–18h (horário de Brasília)\n"
    )
    for approver in approvers:
        message = EmailMultiAlternatives(
            f"Extrato de SLA — {name} — {organization.name}", body, settings.DEFAULT_FROM_EMAIL, [approver.email]
        )
        message.attach(f"extrato-sla-{content['month']}.pdf", pdf, "application/pdf")
        message.send()
