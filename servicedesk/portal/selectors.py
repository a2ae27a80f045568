"""Read-only queries of the customer portal. Every one starts from tickets.access, so a
customer never reaches another organization's rows."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from servicedesk.accounts.models import Organization, Role, User
from servicedesk.advisory.access import engagement_queryset_for, proposal_queryset_for, report_queryset_for
from servicedesk.advisory.models import ActivityReport, Appointment, ProposalStatus, ReportStatus
from servicedesk.advisory.selectors import proposals_waiting_for, reports_waiting_for
from servicedesk.core.ordering import nulls_last
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES, TicketStatus
from servicedesk.sla.services import SLA_FIELDS, SlaView, ticket_sla_view
from servicedesk.tickets.access import comment_queryset_for, ticket_queryset_for
from servicedesk.tickets.counters import counters_get
from servicedesk.tickets.models import Attachment, Comment, EventKind, Ticket, TicketEvent
from servicedesk.tickets.search import query_words, search_count, ticket_search
from servicedesk.tickets.workflow import FINAL_STATUSES
from servicedesk.ui.paging import COUNT_CAP, CappedPage

S = TicketStatus
PAGE_SIZE = 25  # the list page
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
    EventKind.FIX_RELEASED,  # "corrigido na versão X" (issue 11; the internal FIX_LINKED never)
)


# What the customer's organization owes the next step on (domain.md §7): an answer to a ticket
# AGUARDANDO CLIENTE, or the confirmation of a RESOLVIDO one. Both close automatically without it.
WAITING_FOR_CUSTOMER = (S.WAITING_CUSTOMER, S.RESOLVED)


def portal_open_tickets(*, user: User, limit: int) -> list[Ticket]:
    """The organization's first `limit` open tickets: first those that wait for the customer
    (`WAITING_FOR_CUSTOMER`, the automatic closing nearest first), then the others as the console
    orders them (nearest running deadline, then paused tickets by the business time left, then
    those without a clock to count). Each row carries `needs_customer` (0: waits for the customer).

    Two reads, each in an index's order with a LIMIT (one ORDER BY over both groups sorted every
    open ticket of the organization: 25,000 at the 100,000 scale): the waiting tickets by
    (organization, auto_close_at) — only they have a closing instant — and, when they leave room,
    the others by the queue's index."""
    tickets = (
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
    )
    waiting = Q(status__in=WAITING_FOR_CUSTOMER, auto_close_at__isnull=False)
    first = list(tickets.filter(waiting).order_by("auto_close_at", "id")[:limit])
    rest = (
        list(
            tickets.exclude(waiting).order_by(*nulls_last("next_due_at", "sla_paused_left"), "opened_at", "id")[
                : limit - len(first)
            ]
        )
        if len(first) < limit
        else []
    )
    for ticket in first:
        ticket.needs_customer = 0
    for ticket in rest:
        # A ticket waiting for the customer without a closing instant cannot happen (the clocks
        # give every open AGUARDANDO CLIENTE / RESOLVIDO ticket one); it would still be marked.
        ticket.needs_customer = 0 if ticket.status in WAITING_FOR_CUSTOMER else 1
    return first + rest


def portal_ticket_list(
    *,
    user: User,
    state: str = "abertos",
    status: str = "",
    query: str = "",
    many: bool = False,
    for_count: bool = False,
    among: list[int] | None = None,
) -> QuerySet[Ticket]:
    """The organization's tickets of the list page, newest first (a typed ticket number first).
    `many`: the search is known to match many tickets; `for_count`: only counted; `among`: the
    ids the search already found (tickets.search)."""
    tickets = ticket_queryset_for(user).select_related("module__product", "requester")
    if state == "abertos":
        tickets = tickets.exclude(status__in=FINAL_STATUSES)
    elif state == "fechados":
        tickets = tickets.filter(status__in=FINAL_STATUSES)
    if status in set(S):
        tickets = tickets.filter(status=status)
    tickets = ticket_search(tickets, query=query[:200], staff=False, in_order=many, for_count=for_count, among=among)
    if "search_rank" in tickets.query.annotations:
        return tickets.order_by("search_rank", "-opened_at", "-id")
    return tickets.order_by("-opened_at", "-id")


def portal_ticket_total(*, user: User, state: str = "abertos", status: str = "", query: str = "") -> int:
    """How many tickets the list holds: the organization's exact counter for its open tickets,
    else the matches counted up to COUNT_CAP + 1 (the page then says "mais de 1.000")."""
    if state == "abertos" and not query and status not in set(S):
        return counters_get([f"org:{user.organization_id}:open"])[f"org:{user.organization_id}:open"]
    tickets = portal_ticket_list(user=user, state=state, status=status, query=query, for_count=True)
    return tickets.order_by().values("pk")[: COUNT_CAP + 1].count()


def portal_ticket_page(
    *, user: User, state: str = "abertos", status: str = "", query: str = "", page: int = 1
) -> CappedPage:
    """One page of the list: the rows read with a LIMIT in the order's index, the total from
    `portal_ticket_total` (never a count of every match)."""
    among, many = None, False
    if query_words(query[:200]):  # the words are looked up once per page (tickets.search.search_count)
        counted = portal_ticket_list(user=user, state=state, status=status, query=query, for_count=True)
        found = search_count(counted, cap=COUNT_CAP)
        total, among, many = found.total, found.among, found.many
    else:
        total = portal_ticket_total(user=user, state=state, status=status, query=query)
    tickets = portal_ticket_list(user=user, state=state, status=status, query=query, many=many, among=among)
    rows = list(tickets[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    if not rows and page > 1:
        return portal_ticket_page(user=user, state=state, status=status, query=query, page=1)
    return CappedPage(object_list=rows, number=page, total=total, page_size=PAGE_SIZE, cap=COUNT_CAP)


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
