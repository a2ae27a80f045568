"""Activity reports (domain.md §8): produced and sent as a frozen version, validated or contested.

`report_send` freezes the statement of the engagement's entries (`advisory.billing`) into a new
version — the JSON every channel reads and the PDF the customer downloads — and locks the
entries until the approver decides. `report_decide` either contests (a comment; staff correct
the entries and send the next version) or validates: in one transaction the report becomes
`validado`, its billing lines are written (one per session, or one for a fixed price), the
engagement closes and the ticket returns to EM ATENDIMENTO. The report row is locked first, so a
second validation — twice, or by two approvers at once — finds it validated and bills nothing;
the unique constraints (one validated version per engagement, one line per session) are the
last line of defence.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext, gettext_noop

from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import local_date
from servicedesk.advisory import billing, pdf
from servicedesk.advisory.billing import BillingMode, Entry
from servicedesk.advisory.models import ActivityReport, BillingLine, Engagement, ReportStatus, TimeEntry
from servicedesk.advisory.money import decimal_string
from servicedesk.advisory.services.engagements import _lock as _lock_engagement
from servicedesk.advisory.services.engagements import _require_work, ensure_entries_editable
from servicedesk.advisory.services.proposals import _require_decide
from servicedesk.core.errors import Conflict, DomainError
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.tickets.models import EventKind
from servicedesk.tickets.services import ticket_event_record, ticket_transition
from servicedesk.tickets.workflow import Reason

S = TicketStatus

NO_ENTRIES = gettext_noop("Aponte as horas trabalhadas antes de enviar o relatório.")
REPORT_NOT_WAITING = gettext_noop("Este relatório não aguarda validação ({status}).")
REPORT_DECISION_INVALID = gettext_noop("Escolha validar ou contestar o relatório.")
CONTEST_COMMENT_REQUIRED = gettext_noop("Explique o que precisa ser corrigido no relatório.")
REPORT_SUPERSEDED = gettext_noop("Há uma versão mais nova deste relatório.")

REPORT_DECISIONS = {"validado": ReportStatus.VALIDATED, "contestado": ReportStatus.CONTESTED}


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def engagement_entries(engagement: Engagement) -> list[Entry]:
    rows = TimeEntry.objects.filter(engagement=engagement).select_related("analyst").order_by("started_at", "pk")
    return [
        Entry(
            analyst=row.analyst_id,
            analyst_name=_name(row.analyst),
            started_at=row.started_at,
            ended_at=row.ended_at,
            activity=row.activity,
            key=row.pk,
        )
        for row in rows
    ]


def engagement_statement(engagement: Engagement) -> billing.Statement:
    """The statement of the engagement's entries as they stand (billed as its proposal says)."""
    proposal = engagement.proposal
    return billing.statement(
        engagement_entries(engagement),
        billing=proposal.billing,
        modality=proposal.modality,
        unit_price=proposal.unit_price,
    )


def statement_content(
    engagement: Engagement, statement: billing.Statement, *, version: int | None, at: datetime
) -> dict:
    """The frozen, JSON-ready form of a statement: what the report shows on every channel."""
    proposal = engagement.proposal
    ticket = engagement.ticket
    sessions = []
    for session in statement.sessions:
        sessions.append(
            {
                "date": session.day.isoformat(),
                "analyst": session.analyst_name,
                "analyst_id": session.analyst,
                "minutes": session.minutes,
                "billable_minutes": session.billable_minutes,
                "amount": decimal_string(session.amount),
                "entries": [
                    {
                        "id": entry.key,
                        "started_at": entry.started_at.isoformat(),
                        "ended_at": entry.ended_at.isoformat(),
                        "minutes": entry.minutes,
                        "activity": entry.activity,
                    }
                    for entry in session.entries
                ],
            }
        )
    return {
        "version": version,
        "produced_at": at.isoformat(),
        "ticket": {"number": ticket.pk, "title": ticket.title},
        "organization": ticket.organization.name,
        "proposal": {
            "id": proposal.pk,
            "scope": proposal.scope,
            "modality": proposal.modality,
            "billing": proposal.billing,
            "price_code": proposal.price_code,
            "price_description": proposal.price_description,
            "unit_price": decimal_string(proposal.unit_price),
            "estimated_hours": decimal_string(proposal.estimated_hours),
            "estimated_amount": decimal_string(proposal.estimated_amount),
            "accepted_by": _name(proposal.decided_by),
            "accepted_at": proposal.decided_at.isoformat() if proposal.decided_at else None,
        },
        "minimum_minutes": billing.MINIMUM_MINUTES[billing.Modality(proposal.modality)]
        if proposal.billing == BillingMode.HOURLY
        else 0,
        "sessions": sessions,
        "totals": {
            "minutes": statement.minutes,
            "billable_minutes": statement.billable_minutes,
            "amount": decimal_string(statement.amount),
        },
    }


def report_preview_pdf(*, engagement: Engagement, actor: User, now: datetime) -> bytes:
    """The PDF the next version would be, from the entries as they stand (staff, nothing saved)."""
    _require_work(actor, engagement, now)
    statement = engagement_statement(engagement)
    return pdf.report_pdf(statement_content(engagement, statement, version=None, at=now))


@transaction.atomic
def report_send(*, engagement: Engagement, actor: User, now: datetime) -> ActivityReport:
    """Produce the next version of the report and send it to the approvers for validation."""
    _require_work(actor, engagement, now)
    locked = _lock_engagement(engagement)
    ensure_entries_editable(locked)
    statement = engagement_statement(locked)
    if not statement.sessions:
        raise DomainError(NO_ENTRIES)
    version = (ActivityReport.objects.filter(engagement=locked).aggregate(v=Max("version"))["v"] or 0) + 1
    content = statement_content(locked, statement, version=version, at=now)
    document = pdf.report_pdf(content)
    report = ActivityReport.objects.create(
        engagement=locked,
        organization_id=locked.organization_id,
        version=version,
        status=ReportStatus.SENT,
        content=content,
        minutes=statement.minutes,
        billable_minutes=statement.billable_minutes,
        amount=statement.amount,
        pdf=document,
        pdf_sha256=hashlib.sha256(document).hexdigest(),
        sent_by=actor,
        sent_at=now,
    )
    ticket_event_record(
        ticket=locked.ticket,
        kind=EventKind.REPORT_SENT,
        actor=actor,
        capability="advisory.work",
        now=now,
        public=True,
        data={"report_id": report.pk, "version": version, "amount": decimal_string(statement.amount)},
    )
    return report


def billing_lines_for(report: ActivityReport, *, now: datetime) -> list[BillingLine]:
    """The lines a validated report bills (domain.md §8), from its frozen content."""
    content = report.content
    proposal = content["proposal"]
    ticket_id = report.engagement.ticket_id
    common = {
        "report": report,
        "ticket_id": ticket_id,
        "organization_id": report.organization_id,
        "unit_price": proposal["unit_price"],
        "created_at": now,
    }
    if proposal["billing"] == BillingMode.FIXED:
        return [
            BillingLine(
                date=local_date(now),
                analyst=None,
                analyst_name="",
                description=f"{proposal['price_description']} — chamado #{ticket_id} (preço fechado)"[:300],
                minutes=content["totals"]["minutes"],
                billable_minutes=0,
                amount=content["totals"]["amount"],
                **common,
            )
        ]
    return [
        BillingLine(
            date=session["date"],
            analyst_id=session["analyst_id"],
            analyst_name=session["analyst"][:150],
            description=f"{proposal['price_description']} — chamado #{ticket_id}"[:300],
            minutes=session["minutes"],
            billable_minutes=session["billable_minutes"],
            amount=session["amount"],
            **common,
        )
        for session in content["sessions"]
    ]


@transaction.atomic
def report_decide(
    *, report: ActivityReport, actor: User, now: datetime, decision: str, comment: str = ""
) -> ActivityReport:
    """An approver validates the report (it becomes billing lines, the ticket returns to EM
    ATENDIMENTO) or contests it with a comment (staff correct it and send a new version)."""
    status = REPORT_DECISIONS.get(str(decision or "").strip().lower())
    if status is None:
        raise DomainError(REPORT_DECISION_INVALID, field="decision")
    comment = (comment or "").strip()
    engagement = report.engagement
    _require_decide(actor, engagement.ticket, now)
    locked = (
        ActivityReport.objects.select_for_update(of=("self",)).select_related("engagement__ticket").get(pk=report.pk)
    )
    if locked.status != ReportStatus.SENT:
        raise Conflict(gettext(REPORT_NOT_WAITING).format(status=locked.get_status_display().lower()))
    if status == ReportStatus.CONTESTED and not comment:
        raise DomainError(CONTEST_COMMENT_REQUIRED, field="comment")
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = now
    locked.decision_comment = comment[:4000]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    engagement = locked.engagement
    if status == ReportStatus.CONTESTED:
        ticket_event_record(
            ticket=engagement.ticket,
            kind=EventKind.REPORT_CONTESTED,
            actor=actor,
            capability="advisory.decide",
            now=now,
            public=True,
            data={"report_id": locked.pk, "version": locked.version, "comment": locked.decision_comment},
        )
        return locked
    BillingLine.objects.bulk_create(billing_lines_for(locked, now=now))
    Engagement.objects.filter(pk=engagement.pk).update(validated_at=now)
    ticket_transition(
        ticket=engagement.ticket,
        to=S.IN_PROGRESS,
        actor=actor,
        now=now,
        reason=Reason.REPORT_VALIDATED,
        event_kind=EventKind.REPORT_VALIDATED,
        data={"report_id": locked.pk, "version": locked.version, "amount": decimal_string(locked.amount)},
    )
    return locked
