"""Read-only queries of the customer portal. Every one starts from tickets.access, so a
customer never reaches another organization's rows."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from servicedesk.accounts.models import Organization, Role, User
from servicedesk.advisory.access import engagement_queryset_for, proposal_queryset_for, report_queryset_for
from servicedesk.advisory.models import ActivityReport, Appointment, ProposalStatus, ReportStatus
from servicedesk.advisory.selectors import proposals_waiting_for, reports_waiting_for
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES, TicketStatus
from servicedesk.sla.services import SLA_FIELDS, SlaView, ticket_sla_view
from servicedesk.tickets.access import comment_queryset_for, ticket_queryset_for
from servicedesk.tickets.counters import counters_get
from servicedesk.tickets.models import Attachment, Comment, EventKind, Ticket, TicketEvent
from servicedesk.tickets.search import ticket_search
from servicedesk.tickets.workflow import FINAL_STATUSES

S = TicketStatus
LIST_COLUMNS = (
    "id",
    "title",
    "type",
    "severity",
    "status",
    "category",
    "opened_at",
    "calendar_id",
    "organization_id",
    "requester_id",
    "module_id",
    "updated_at",
    *SLA_FIELDS,
)
TIMELINE_KINDS = (
    EventKind.OPENED,
    EventKind.STATUS_CHANGED,
    EventKind.RECLASSIFIED,
    EventKind.AUTO_CLOSED,
    EventKind.REOPEN_REQUESTED,
    EventKind.REOPEN_REFUSED,
    EventKind.DIAGNOSIS,
    # The advisory steps that do not move the ticket (domain.md §8: every decision with who and when).
    EventKind.PROPOSAL_SENT,
    EventKind.ADVISORY_SCHEDULED,
    EventKind.REPORT_SENT,
    EventKind.REPORT_CONTESTED,
)


# What the customer's organization owes the next step on (domain.md §7): an answer to a ticket
# AGUARDANDO CLIENTE, or the confirmation of a RESOLVIDO one. Both close automatically without it.
WAITING_FOR_CUSTOMER = (S.WAITING_CUSTOMER, S.RESOLVED)


def portal_open_tickets(*, user: User) -> QuerySet[Ticket]:
    """The organization's open tickets (one query): first those that wait for the customer
    (`WAITING_FOR_CUSTOMER`, the automatic closing nearest first), then the others by the
    nearest SLA deadline. Each row carries `needs_customer` (0: waits for the customer)."""
    return (
        ticket_queryset_for(user)
        .exclude(status__in=FINAL_STATUSES)
        .select_related("module__product", "requester")
        .only(
            *LIST_COLUMNS,
            "module__name",
            "module__product__name",
            "requester__first_name",
            "requester__last_name",
            "requester__username",
        )
        .annotate(
            needs_customer=Case(
                When(status__in=WAITING_FOR_CUSTOMER, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        # Then, as the console: nearest running deadline first, then paused tickets by the
        # business time left on them, then those without a clock to count.
        .order_by(
            "needs_customer",
            F("auto_close_at").asc(nulls_last=True),
            F("next_due_at").asc(nulls_last=True),
            F("sla_paused_left").asc(nulls_last=True),
            "id",
        )
    )


def portal_ticket_list(*, user: User, state: str = "abertos", status: str = "", query: str = "") -> QuerySet[Ticket]:
    tickets = ticket_queryset_for(user).select_related("module__product", "requester")
    if state == "abertos":
        tickets = tickets.exclude(status__in=FINAL_STATUSES)
    elif state == "fechados":
        tickets = tickets.filter(status__in=FINAL_STATUSES)
    if status in set(S):
        tickets = tickets.filter(status=status)
    tickets = ticket_search(tickets, query=query[:200], staff=False)
    if "search_rank" in tickets.query.annotations:
        return tickets.order_by("search_rank", "-opened_at", "-id")
    return tickets.order_by("-opened_at", "-id")


def portal_ticket_counts(*, user: User) -> dict[str, int]:
    """Open, waiting for the customer, resolved awaiting confirmation and paused: the exact
    counters of the organization (tickets.counters), one indexed query."""
    org = f"org:{user.organization_id}"
    values = counters_get([f"{org}:open", f"{org}:waiting", f"{org}:resolved", f"{org}:paused"])
    return {
        "open": values[f"{org}:open"],
        "waiting": values[f"{org}:waiting"],
        "resolved": values[f"{org}:resolved"],
        "paused": values[f"{org}:paused"],
    }


def portal_ticket_conversation(*, user: User, ticket: Ticket) -> list:
    """Public messages (never internal notes) with their public attachments."""
    return list(comment_queryset_for(user, ticket).filter(is_internal=False))


def portal_ticket_loose_attachments(*, ticket: Ticket) -> list[Attachment]:
    """Evidence not attached to a message (opening and "add evidence"): public ones only."""
    return list(ticket.attachments.filter(comment__isnull=True, is_internal=False).select_related("uploaded_by"))


def portal_ticket_timeline(*, ticket: Ticket) -> list[TicketEvent]:
    """Public status and severity history with justifications."""
    return list(
        ticket.events.filter(public=True)
        .filter(Q(kind__in=TIMELINE_KINDS) | ~Q(to_status=""))
        .select_related("actor")
        .order_by("at", "id")
    )


def clock_lines(ticket: Ticket, *, now: datetime, view: SlaView | None = None) -> list[dict]:
    """Diagnosis and solution deadlines and their state for the ticket page, as of `now`
    (`sla.services.ticket_sla_view`: a paused clock shows the deadline if it resumed now)."""
    if view is None:
        view = ticket_sla_view(ticket, now=now)
    final = ticket.status in FINAL_STATUSES
    lines = []
    for clock, label in zip(view.clocks, (_("Diagnóstico"), _("Solução")), strict=True):
        state = clock.state
        if clock.met_at is None and final and state != "breached":
            state = "stopped"
        elif state == "running" and view.at_risk:
            state = "at_risk"
        lines.append({"name": clock.name, "label": label, "due": clock.due_at, "met": clock.met_at, "state": state})
    return lines


def portal_ticket_deadlines(ticket: Ticket, *, now: datetime) -> dict:
    """The ticket page's deadlines as of `now`, from one `ticket_sla_view`: the clock lines and,
    on AGUARDANDO CLIENTE and RESOLVIDO, the automatic-closing instant (`auto_close_at`) and
    whether it is already due (the sweep has not recorded it yet)."""
    view = ticket_sla_view(ticket, now=now)
    auto_close_at = view.auto_close_at if ticket.status in AUTO_CLOSE_STATUSES else None
    return {
        "clocks": clock_lines(ticket, now=now, view=view),
        "auto_close_at": auto_close_at,
        "auto_close_due": auto_close_at is not None and auto_close_at <= now,
    }


def portal_team_message(*, ticket: Ticket, comments: list) -> Comment | None:
    """What the team last told the customer on a ticket that waits for the customer: the
    question of AGUARDANDO CLIENTE or the solution of RESOLVIDO (both moves post their note as a
    public message, tickets.services.transitions). None on the other statuses."""
    if ticket.status not in WAITING_FOR_CUSTOMER:
        return None
    staff = [c for c in comments if c.author.role != "customer" and c.body]
    return staff[-1] if staff else None


def organization_people(*, organization: Organization, today: date) -> list[dict]:
    """The organization's users with their training status (two queries)."""
    users = organization.users.filter(is_active=True).prefetch_related("trainings").order_by("first_name", "username")
    people = []
    for person in users:
        trainings = list(person.trainings.all())
        valid = [t for t in trainings if t.is_valid_on(today)]
        expired = [t for t in trainings if t.expires_on and t.expires_on < today]
        people.append(
            {
                "user": person,
                "trained": bool(valid),
                "valid": valid,
                "expired": not valid and bool(expired),
                # Invited and not yet through the set-password link (accounts.services.colleague_invite).
                "invited": not person.has_usable_password(),
                "trainings": trainings,
            }
        )
    return people


# --------------------------------------------------------------------------- technical advisory


def organization_approvers(*, organization_id: int) -> list[User]:
    """Who of the organization accepts proposals and validates reports (domain.md §1, §8)."""
    return list(
        User.objects.filter(organization_id=organization_id, role=Role.CUSTOMER, is_approver=True, is_active=True)
        .only("id", "username", "first_name", "last_name")
        .order_by("first_name", "username")
    )


def portal_awaiting_approval(*, user: User) -> dict:
    """The home's "Aguardando sua aprovação": for an approver, the sent proposals and the reports
    waiting for validation of the organization, oldest first (two queries); for anyone else only
    how many wait for an approver, and who the approvers are (two or three queries)."""
    if user.is_approver:
        proposals = list(proposals_waiting_for(user).order_by("sent_at", "pk"))
        reports = list(
            reports_waiting_for(user)
            .select_related("engagement__proposal")
            .defer("pdf", "content")
            .order_by("sent_at", "pk")
        )
        return {"approver": True, "proposals": proposals, "reports": reports, "count": len(proposals) + len(reports)}
    proposals = proposal_queryset_for(user).filter(status=ProposalStatus.SENT).count()
    reports = report_queryset_for(user).filter(status=ReportStatus.SENT).count()
    approvers = organization_approvers(organization_id=user.organization_id) if proposals or reports else []
    return {
        "approver": False,
        "proposals": proposals,
        "reports": reports,
        "count": proposals + reports,
        "approvers": approvers,
    }


def _report_sessions(report: ActivityReport) -> list[dict]:
    """The frozen sessions of a report (its `content`, as sent) with dates and instants parsed."""
    sessions = []
    for session in report.content.get("sessions", []):
        entries = [
            {
                "started_at": datetime.fromisoformat(entry["started_at"]),
                "ended_at": datetime.fromisoformat(entry["ended_at"]),
                "minutes": entry["minutes"],
                "activity": entry["activity"],
            }
            for entry in session.get("entries", [])
        ]
        sessions.append(
            {
                "date": date.fromisoformat(session["date"]),
                "analyst": session["analyst"],
                "minutes": session["minutes"],
                "billable_minutes": session["billable_minutes"],
                "amount": session["amount"],
                "entries": entries,
            }
        )
    return sessions


def portal_ticket_advisory(*, user: User, ticket: Ticket) -> dict:
    """The advisory of a ticket as its organization sees it (advisory.access: never a proposal
    that was not sent): the proposals newest first, each accepted one with its engagement — the
    appointments and every report version, newest first, with its sessions. Four queries."""
    proposals = list(
        proposal_queryset_for(user)
        .filter(ticket=ticket)
        .select_related("sent_by", "decided_by")
        .order_by("-sent_at", "-pk")
    )
    engagements = (
        engagement_queryset_for(user)
        .filter(ticket=ticket)
        .prefetch_related(
            Prefetch(
                "appointments", queryset=Appointment.objects.select_related("analyst").order_by("starts_at", "pk")
            ),
            Prefetch(
                "reports",
                queryset=report_queryset_for(user).select_related("decided_by").defer("pdf").order_by("-version"),
            ),
        )
        if proposals
        else []
    )
    by_proposal = {engagement.proposal_id: engagement for engagement in engagements}
    waiting_reports = []
    for proposal in proposals:
        proposal.portal_engagement = engagement = by_proposal.get(proposal.pk)
        if engagement is None:
            continue
        for report in engagement.reports.all():
            report.sessions = _report_sessions(report)
            # Beside the accepted estimate (domain.md §8): how far the amount is from it.
            gap = report.amount - proposal.estimated_amount
            report.estimate_gap, report.estimate_side = (
                abs(gap),
                "above" if gap > 0 else "below" if gap < 0 else "equal",
            )
            if report.status == ReportStatus.SENT:
                waiting_reports.append(report)
    waiting_proposal = next((p for p in proposals if p.status == ProposalStatus.SENT), None)
    return {
        "proposals": proposals,
        "waiting_proposal": waiting_proposal,
        "waiting_reports": waiting_reports,
        "waiting": waiting_proposal is not None or bool(waiting_reports),
    }
