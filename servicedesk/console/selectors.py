"""Read-only queries of the staff console: the queues, their filters, the workspace and the manager view.

Every function returns data in a constant number of queries, whatever the number of tickets
(select_related for the row's foreign keys, one aggregate for the counters, a LIMIT read of
the rows in index order, and totals cached for a few seconds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext, gettext_noop

from servicedesk.accounts.models import OperationalDeadline, Organization, Role, Team, User
from servicedesk.accounts.permissions import ROLE_CAPABILITIES, can
from servicedesk.advisory.access import batch_queryset_for, billing_line_queryset_for, proposal_queryset_for
from servicedesk.advisory.billing import MINIMUM_MINUTES, Modality, Statement
from servicedesk.advisory.models import (
    LIVE_PROPOSAL_STATUSES,
    ActivityReport,
    Appointment,
    BillingBatch,
    BillingLine,
    Engagement,
    Proposal,
    ProposalStatus,
    ReportStatus,
)
from servicedesk.advisory.services import engagement_statement
from servicedesk.catalog.models import Module, Release
from servicedesk.core import clock
from servicedesk.core.ordering import nulls_last
from servicedesk.reports import selectors as reports
from servicedesk.sla.engine.policy import Environment, Plan, Severity, TicketStatus, TicketType
from servicedesk.tickets.access import ticket_queryset_for
from servicedesk.tickets.models import (
    EventKind,
    QueueCounter,
    ReopenRequest,
    ReopenRequestStatus,
    Ticket,
    TicketEvent,
    TicketView,
)
from servicedesk.tickets.search import search_count, ticket_search
from servicedesk.tickets.workflow import FINAL_STATUSES
from servicedesk.ui.paging import COUNT_CAP, CappedPage, page_number

S = TicketStatus
PAGE_SIZE = 25

# key → label, in the order of the tabs.
QUEUES: dict[str, str] = {
    "mine": gettext_noop("Meus chamados"),
    "team": gettext_noop("Da minha equipe"),
    "unassigned": gettext_noop("Sem responsável"),
    "at_risk": gettext_noop("Em risco"),
    "breached": gettext_noop("Violados"),
    "waiting": gettext_noop("Aguardando cliente"),
    "open": gettext_noop("Todos os abertos"),
    "all": gettext_noop("Todos (inclusive encerrados)"),
}
DEFAULT_QUEUE = "open"
SORTS: dict[str, str] = {
    "due": gettext_noop("Prazo de SLA mais próximo"),
    "-opened": gettext_noop("Mais recentes"),
    "opened": gettext_noop("Mais antigos"),
}
UNASSIGNED = "none"
# Ids and page numbers beyond these are nonsense, never a database error (a bigint has 19 digits).
MAX_ID_DIGITS = 18


@dataclass(frozen=True)
class QueueFilters:
    """What the person chose in the queue's filter bar. Unknown values are dropped, never trusted."""

    queue: str = DEFAULT_QUEUE
    q: str = ""
    organization: int | None = None
    plan: str = ""
    severity: str = ""
    type: str = ""
    status: str = ""
    module: int | None = None
    environment: str = ""
    assignee: str = ""  # a user id, or "none" for unassigned
    sort: str = "due"
    # The reports' drill-down (servicedesk.reports): a team, a clock's outcome counted between
    # two Brasília dates, and the report's scope (a manager's teams, an analyst's tickets).
    team: int | None = None
    outcome: str = ""  # "diagnosis:met", "solution:breached", ...
    counted_from: str = ""  # YYYY-MM-DD
    counted_to: str = ""
    scope: str = ""  # "reports"

    @classmethod
    def from_data(cls, data: Mapping) -> QueueFilters:
        def pick(name: str, allowed) -> str:
            value = str(data.get(name) or "").strip()
            return value if value in allowed else ""

        def number(name: str) -> int | None:
            value = str(data.get(name) or "").strip()
            return int(value) if value.isdigit() and len(value) <= MAX_ID_DIGITS else None

        assignee = str(data.get("assignee") or "").strip()
        return cls(
            queue=pick("queue", QUEUES) or DEFAULT_QUEUE,
            q=str(data.get("q") or "").replace("\x00", "").strip()[:200],
            organization=number("organization"),
            plan=pick("plan", set(Plan)),
            severity=pick("severity", set(Severity)),
            type=pick("type", set(TicketType)),
            status=pick("status", set(TicketStatus)),
            module=number("module"),
            environment=pick("environment", set(Environment)),
            assignee=assignee
            if assignee == UNASSIGNED or (assignee.isdigit() and len(assignee) <= MAX_ID_DIGITS)
            else "",
            sort=pick("sort", SORTS) or "due",
            team=number("team"),
            outcome=pick("outcome", set(reports.OUTCOME_CHOICES)),
            counted_from=_iso_date(data.get("counted_from")),
            counted_to=_iso_date(data.get("counted_to")),
            scope=pick("scope", {"reports"}),
        )

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def active_count(self) -> int:
        """How many narrowing filters are set (the queue and the sort are not filters)."""
        return sum(
            1 for name, value in self.as_dict().items() if name not in ("queue", "sort") and value not in ("", None)
        )


def _iso_date(value) -> str:
    """A YYYY-MM-DD date within the reports' years, else "" (never trusted as given)."""
    value = str(value or "").strip()[:10]
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return ""
    return value if reports.YEARS[0] <= parsed.year <= reports.YEARS[1] and len(value) == 10 else ""


def _report_drilldown(tickets: QuerySet[Ticket], *, user: User, filters: QueueFilters) -> QuerySet[Ticket]:
    """The reports' drill-down filters: the same conditions as the figures (reports.selectors)."""
    if filters.team:
        tickets = tickets.filter(team_id=filters.team)
    if filters.scope == "reports":
        tickets = tickets.filter(reports.report_scope(user))
    if filters.outcome:
        clock_name, outcome = filters.outcome.split(":")
        tickets = tickets.filter(reports.outcome_condition(clock_name, outcome, now=clock.now()))
        first = date.fromisoformat(filters.counted_from) if filters.counted_from else date(reports.YEARS[0], 1, 1)
        last = date.fromisoformat(filters.counted_to) if filters.counted_to else date(reports.YEARS[1], 12, 31)
        tickets = tickets.filter(reports.counted_in(clock_name, reports.Period(first, last)))
    return tickets


def _my_team_ids(user: User):
    return Team.objects.filter(Q(members=user) | Q(managers=user)).values("pk")


def _queue_condition(user: User, queue: str) -> Q:
    open_ = ~Q(status__in=list(FINAL_STATUSES))
    return {
        "mine": open_ & Q(assignee=user),
        "team": open_ & Q(team_id__in=_my_team_ids(user)),
        "unassigned": open_ & Q(assignee__isnull=True),
        "at_risk": open_ & Q(at_risk=True, breached=False),
        "breached": open_ & Q(breached=True),
        "waiting": Q(status=S.WAITING_CUSTOMER),
        "open": open_,
        "all": Q(),
    }[queue]


def queue_tickets(
    *,
    user: User,
    filters: QueueFilters,
    many: bool = False,
    for_count: bool = False,
    among: list[int] | None = None,
) -> QuerySet[Ticket]:
    """The rows of a queue with its filters applied, sorted (default: nearest SLA deadline first).
    `many`: the search is known to match many tickets; `for_count`: only counted; `among`: the
    ids the search already found (tickets.search)."""
    tickets = ticket_queryset_for(user).filter(_queue_condition(user, filters.queue))
    if filters.q:
        tickets = ticket_search(tickets, query=filters.q, staff=True, in_order=many, for_count=for_count, among=among)
    exact = {
        "organization_id": filters.organization,
        "plan_code": filters.plan,
        "severity": filters.severity,
        "type": filters.type,
        "status": filters.status,
        "module_id": filters.module,
        "environment": filters.environment,
    }
    tickets = tickets.filter(**{field: value for field, value in exact.items() if value not in ("", None)})
    tickets = _report_drilldown(tickets, user=user, filters=filters)
    if filters.assignee == UNASSIGNED:
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee:
        tickets = tickets.filter(assignee_id=int(filters.assignee))
    ordering = {
        # Running (and breached) clocks by their deadline, then paused tickets by the business
        # time left on them, then tickets with no clock to count (docs/architecture.md).
        # (core.ordering: NULLs last in the form the ticket_due_nulls_idx index serves.)
        "due": [*nulls_last("next_due_at", "sla_paused_left"), "opened_at", "pk"],
        "-opened": ["-opened_at", "-pk"],
        "opened": ["opened_at", "pk"],
    }[filters.sort]
    if "search_rank" in tickets.query.annotations:
        ordering = ["search_rank", *ordering]  # the ticket whose number was typed comes first
    return tickets.select_related(
        # Only what a queue row shows: every extra join multiplies PostgreSQL's planning time
        # (7 joins cost 12 ms of planning for a 0.4 ms query). The calendar row is fetched once
        # per request by the SLA badge.
        "organization",
        "module__product",
        "assignee",
        "team",
    ).order_by(*ordering)


class QueuePage(CappedPage):
    @property
    def tickets(self) -> list[Ticket]:
        return self.object_list


def with_customer_replied(tickets: QuerySet[Ticket], *, user: User) -> QuerySet[Ticket]:
    """Annotate `customer_replied`: an open ticket the customer wrote on (after the opening)
    since its assignee — or, unassigned, the viewer — last opened it."""
    seen = TicketView.objects.filter(
        ticket=OuterRef("pk"), user_id=Coalesce(OuterRef("assignee_id"), Value(user.pk))
    ).values("seen_at")[:1]
    replied = (
        ~Q(status__in=list(FINAL_STATUSES))
        & Q(last_customer_interaction_at__gt=F("opened_at"))
        & (Q(last_seen__isnull=True) | Q(last_customer_interaction_at__gt=F("last_seen")))
    )
    return tickets.annotate(last_seen=Subquery(seen)).annotate(
        customer_replied=Case(When(replied, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def queue_page(*, user: User, filters: QueueFilters, page: int = 1, page_size: int = PAGE_SIZE) -> QueuePage:
    """One page of a queue: the rows come live, in index order (LIMIT without counting every
    matching row); the total comes from `queue_total`, cached for a few seconds."""
    page = max(1, page)
    among, many = None, False
    if filters.q:  # the words are looked up once per page (tickets.search.search_count)
        found = search_count(queue_tickets(user=user, filters=filters, for_count=True), cap=COUNT_CAP)
        total, among, many = found.total, found.among, found.many
    else:
        total = queue_total(user=user, filters=filters)
    rows = list(
        with_customer_replied(queue_tickets(user=user, filters=filters, many=many, among=among), user=user)[
            (page - 1) * page_size : page * page_size
        ]
    )
    if not rows and page > 1:
        return queue_page(user=user, filters=filters, page=1, page_size=page_size)
    return QueuePage(object_list=rows, number=page, total=total, page_size=page_size)


# The totals and the tab counters are exact counters kept by the ticket services in the same
# transaction as every change (tickets.counters): one indexed read each, whatever the number of
# tickets, never stale. A page narrowed by filters or a search counts its matches, up to a cap.
_QUEUE_KEYS = {
    "open": "open",
    "unassigned": "unassigned",
    "at_risk": "at_risk",
    "breached": "breached",
    "waiting": "waiting",
    "all": "all",
}


def _team_counter_keys(user: User) -> QuerySet:
    """The counter keys ("team:<id>") of the teams `user` belongs to or manages, as a subquery."""
    return (
        Team.objects.filter(Q(members=user) | Q(managers=user))
        .annotate(counter_key=Concat(Value("team:"), Cast("pk", output_field=CharField())))
        .values("counter_key")
    )


_STATIC_KEYS = {queue: queue for queue in ("open", "unassigned", "at_risk", "breached", "waiting", "all")}


def _counts(user: User, queues) -> dict[str, int]:
    """The counters of `queues`, in one indexed query (team keys through a subquery)."""
    static = [_STATIC_KEYS[q] for q in queues if q in _STATIC_KEYS]
    wanted = Q(key__in=static)
    if "mine" in queues:
        wanted |= Q(key=f"assignee:{user.pk}")
    if "team" in queues:
        wanted |= Q(key__in=_team_counter_keys(user))
    rows = dict(QueueCounter.objects.filter(wanted).values_list("key", "count"))
    counts = {q: rows.get(key, 0) for q, key in _STATIC_KEYS.items() if q in queues}
    if "mine" in queues:
        counts["mine"] = rows.get(f"assignee:{user.pk}", 0)
    if "team" in queues:
        counts["team"] = sum(count for key, count in rows.items() if key.startswith("team:"))
    return counts


def queue_total(*, user: User, filters: QueueFilters) -> int:
    """The number of tickets of the page's queue: its counter without other filters, else the
    matches counted (at most COUNT_CAP + 1: the page then says "mais de 1.000")."""
    if filters.active_count == 0:
        return _counts(user, [filters.queue])[filters.queue]
    return queue_tickets(user=user, filters=filters, for_count=True).order_by().values("pk")[: COUNT_CAP + 1].count()


def queue_counters(*, user: User) -> dict[str, int]:
    """How many tickets each queue tab holds: exact, one indexed query."""
    return _counts(user, [queue for queue in QUEUES if queue != "all"])


def queue_filter_choices() -> dict:
    """The options of the filter bar: organizations, modules and staff in ONE query (a UNION),
    kept for a minute in the "counts" cache (the same for every staff member)."""
    choices = caches["counts"].get("console:filter-choices")
    if choices is None:
        choices = _queue_filter_choices()
        caches["counts"].set("console:filter-choices", choices, 60)
    return choices


def _queue_filter_choices() -> dict:
    text = CharField()
    organizations = (
        Organization.objects.annotate(kind=Value("org", output_field=text), extra=Value("", output_field=text))
        .order_by()
        .values_list("kind", "pk", "name", "extra")
    )
    modules = (
        Module.objects.annotate(kind=Value("module", output_field=text), extra=F("product__name"))
        .order_by()
        .values_list("kind", "pk", "name", "extra")
    )
    staff = (
        User.objects.exclude(role=Role.CUSTOMER)
        .filter(is_active=True)
        .annotate(
            kind=Value("staff", output_field=text),
            full=Concat("first_name", Value(" "), "last_name", output_field=text),
        )
        .order_by()
        .values_list("kind", "pk", "username", "full")
    )
    rows = list(organizations.union(modules, staff, all=True))
    by_kind: dict[str, list] = {"org": [], "module": [], "staff": []}
    for kind, pk, label, extra in rows:
        by_kind[kind].append((pk, label, extra))
    return {
        "organizations": sorted(((pk, name) for pk, name, _ in by_kind["org"]), key=lambda row: row[1].lower()),
        "modules": sorted(
            ((pk, f"{product} › {name}") for pk, name, product in by_kind["module"]), key=lambda row: row[1].lower()
        ),
        "assignees": sorted(
            ((pk, (full or "").strip() or username) for pk, username, full in by_kind["staff"]),
            key=lambda row: row[1].lower(),
        ),
        "plans": [p.value for p in Plan],
        "severities": [s.value for s in Severity],
        "types": [t.value for t in TicketType],
        "statuses": [s.value for s in TicketStatus],
        "environments": [e.value for e in Environment],
        "queues": QUEUES,
        "sorts": SORTS,
    }


# --------------------------------------------------------------------------- workspace


def workspace_history(ticket: Ticket) -> QuerySet[TicketEvent]:
    """The full history, internal events included (staff only)."""
    return ticket.events.select_related("actor").order_by("at", "pk")


def workspace_pending_reopen_requests(ticket: Ticket) -> QuerySet[ReopenRequest]:
    return ticket.reopen_requests.filter(status=ReopenRequestStatus.PENDING).select_related("requested_by")


def ticket_process_deadline(ticket: Ticket, *, today: date) -> tuple[OperationalDeadline, date] | None:
    """The HR process deadline shown beside the SLA (domain.md §9): the ticket's affected
    process if it names one, else the organization's nearest."""
    if ticket.affected_process_id:
        process = ticket.affected_process
        return process, process.next_date(today)
    candidates = [(p, p.next_date(today)) for p in ticket.organization.operational_deadlines.all()]
    if not candidates:
        return None
    return min(candidates, key=lambda pair: pair[1])


def staff_choices() -> QuerySet[User]:
    return User.objects.exclude(role=Role.CUSTOMER).filter(is_active=True).order_by("first_name", "username")


def team_choices() -> QuerySet[Team]:
    return Team.objects.order_by("name")


def assignment_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The options of the assignment form as (id, label) pairs: the same people and teams, in
    the same order, as `staff_choices` and `team_choices`, without building a model per row."""
    staff = [
        (pk, User.label_for(first, last, username))
        for pk, first, last, username in staff_choices().values_list("pk", "first_name", "last_name", "username")
    ]
    return staff, list(team_choices().values_list("pk", "name"))


# --------------------------------------------------------------------------- manager view


def managed_teams(user: User) -> QuerySet[Team]:
    """The teams a manager supervises; every team for an administrator."""
    if not can(user, "console.manage_team"):
        return Team.objects.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return Team.objects.order_by("name")
    return user.managed_teams.order_by("name")


def manager_ticket_queryset(user: User) -> QuerySet[Ticket]:
    """Open tickets of the teams `user` manages: what the manager view shows and may reassign."""
    return Ticket.objects.exclude(status__in=list(FINAL_STATUSES)).filter(team_id__in=managed_teams(user).values("pk"))


@dataclass
class TeamOverview:
    team: Team
    open: int
    at_risk: int
    breached: int
    workload: list[tuple[User | None, int]]  # (analyst or None = unassigned, open tickets)
    tickets: list[Ticket]


def manager_overview(*, user: User, only: str = "") -> list[TeamOverview]:
    """Per managed team: counts, workload per analyst and the open tickets (constant queries).

    `only` ("breached" or "at_risk") narrows the ticket lists, not the counts.
    """
    teams = list(managed_teams(user).prefetch_related(Prefetch("members", queryset=staff_choices())))
    rows = list(
        manager_ticket_queryset(user)
        .select_related("organization", "assignee", "team", "calendar", "module__product")
        .order_by(F("breached").desc(), F("next_due_at").asc(nulls_last=True), "pk")
    )
    overview = []
    for team in teams:
        team_rows = [t for t in rows if t.team_id == team.pk]
        members = list(team.members.all())
        load: dict[int | None, int] = {member.pk: 0 for member in members}
        people: dict[int | None, User | None] = {member.pk: member for member in members}
        for ticket in team_rows:
            load[ticket.assignee_id] = load.get(ticket.assignee_id, 0) + 1
            people.setdefault(ticket.assignee_id, ticket.assignee)
        workload = sorted(
            ((people[key], count) for key, count in load.items()),
            key=lambda pair: (pair[0] is None, -pair[1], str(pair[0] or "")),
        )
        shown = team_rows
        if only == "breached":
            shown = [t for t in team_rows if t.breached]
        elif only == "at_risk":
            shown = [t for t in team_rows if t.at_risk and not t.breached]
        overview.append(
            TeamOverview(
                team=team,
                open=len(team_rows),
                at_risk=sum(1 for t in team_rows if t.at_risk and not t.breached),
                breached=sum(1 for t in team_rows if t.breached),
                workload=workload,
                tickets=shown,
            )
        )
    return overview


def workspace_history_rows(ticket: Ticket) -> list[dict]:
    """The history as the workspace shows it: who, when, what, and why (internal events included)."""
    events = list(workspace_history(ticket))
    people_ids = {
        value
        for event in events
        if event.kind == "assigned"
        for value in (event.data.get("from_assignee"), event.data.get("to_assignee"))
        if value
    }
    team_ids = {
        value
        for event in events
        if event.kind == "assigned"
        for value in (event.data.get("from_team"), event.data.get("to_team"))
        if value
    }
    people = {user.pk: str(user) for user in User.objects.filter(pk__in=people_ids)} if people_ids else {}
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name")) if team_ids else {}
    rows = []
    for event in events:
        data = event.data or {}
        detail = ""
        why = ""
        if event.from_status or event.to_status:
            detail = f"{event.from_status} → {event.to_status}"
        if event.kind == "reclassified":
            changes = []
            if data.get("from_type") != data.get("to_type"):
                changes.append(
                    gettext("tipo %(old)s → %(new)s") % {"old": data.get("from_type"), "new": data.get("to_type")}
                )
            if data.get("from_severity") != data.get("to_severity"):
                changes.append(
                    gettext("severidade %(old)s → %(new)s")
                    % {"old": data.get("from_severity"), "new": data.get("to_severity")}
                )
            detail = "; ".join(changes)
            why = data.get("justification", "")
            if data.get("triggering_fact"):
                why = gettext("%(why)s (fato gerador: %(fact)s)") % {"why": why, "fact": data["triggering_fact"]}
        elif event.kind == "assigned":
            before = people.get(data.get("from_assignee"), gettext("ninguém"))
            after = people.get(data.get("to_assignee"), gettext("ninguém"))
            detail = gettext("responsável: %(old)s → %(new)s") % {"old": before, "new": after}
            if data.get("from_team") != data.get("to_team"):
                detail += gettext("; equipe: %(old)s → %(new)s") % {
                    "old": teams.get(data.get("from_team"), "—"),
                    "new": teams.get(data.get("to_team"), "—"),
                }
        elif event.kind == "phone_call":
            detail = f"{data.get('contact_name', '')}, {data.get('duration_minutes', '')} min"
            why = data.get("summary", "")
        elif event.kind == "video_call":
            detail = ", ".join(data.get("participants", []))
        elif event.kind in ("sla_at_risk", "sla_breached"):
            detail = {"diagnosis": gettext("prazo de diagnóstico"), "solution": gettext("prazo de solução")}.get(
                data.get("clock"), ""
            )
        elif event.kind in ("reopen_requested", "reopen_refused"):
            why = data.get("reason", "")
        elif event.kind in ("diagnosis",):
            why = data.get("note", "")
        elif event.kind == "auto_closed":
            why = data.get("reason", "")
        elif event.kind in ("fix_linked", "fix_released"):
            detail = f"{data.get('product', '')} {data.get('version', '')}".strip()
        elif data.get("note") and event.kind == "status_changed":
            why = data["note"]
        rows.append(
            {
                "event": event,
                "label": event.get_kind_display(),
                "detail": detail,
                "why": why,
                "public": event.public,
            }
        )
    return rows


def workspace_calls(ticket: Ticket, history: list[dict]) -> tuple[list, list]:
    """The ticket's phone calls and video-call invitations. Each is logged with its event in one
    transaction (channels.services), so a history without such an event means none: most tickets
    then cost no query for them."""
    kinds = {row["event"].kind for row in history}
    phone = list(ticket.phone_calls.select_related("staff")) if EventKind.PHONE_CALL in kinds else []
    video = list(ticket.video_calls.select_related("organizer")) if EventKind.VIDEO_CALL in kinds else []
    return phone, video


# --------------------------------------------------------------------------- technical advisory (domain.md §8)

ADVISORY_PAGE_SIZE = 25
# The commercial page's tabs: proposal state → label, in the order of the lifecycle.
PROPOSAL_TABS: dict[str, str] = {
    ProposalStatus.DRAFT: gettext_noop("Em preparação"),
    ProposalStatus.SENT: gettext_noop("Aguardando aprovação"),
    ProposalStatus.ACCEPTED: gettext_noop("Aceitas"),
    ProposalStatus.REFUSED: gettext_noop("Recusadas"),
    ProposalStatus.CANCELLED: gettext_noop("Canceladas"),
}
DEFAULT_PROPOSAL_TAB = ProposalStatus.SENT


def advisory_staff_choices() -> QuerySet[User]:
    """Active staff who may do advisory work (be scheduled, log time): the roles of the capability
    table that hold `advisory.work`, and superusers (administrators)."""
    roles = [role for role, capabilities in ROLE_CAPABILITIES.items() if "advisory.work" in capabilities]
    return staff_choices().filter(Q(role__in=roles) | Q(is_superuser=True))


@dataclass
class EngagementPanel:
    """One accepted proposal at work: its appointments, its entries grouped in sessions (the
    statement as it stands), every report version and, once validated, its billing lines."""

    engagement: Engagement
    appointments: list[Appointment]
    statement: Statement
    reports: list[ActivityReport]
    billing_lines: list[BillingLine]

    @property
    def waiting_report(self) -> ActivityReport | None:
        return next((r for r in self.reports if r.status == ReportStatus.SENT), None)

    @property
    def entries_editable(self) -> bool:
        """What `ensure_entries_editable` accepts: not validated, no version waiting."""
        return self.engagement.is_open and self.waiting_report is None

    @property
    def next_version(self) -> int:
        return max((r.version for r in self.reports), default=0) + 1

    @property
    def minimum_minutes(self) -> int:
        proposal = self.engagement.proposal
        return MINIMUM_MINUTES[Modality(proposal.modality)] if proposal.is_hourly else 0


@dataclass
class ProposalPanel:
    proposal: Proposal
    engagement: EngagementPanel | None


@dataclass
class AdvisoryPanel:
    proposals: list[ProposalPanel]  # newest first

    @property
    def live(self) -> Proposal | None:
        """The proposal in preparation or waiting for the customer (at most one per ticket)."""
        return next((p.proposal for p in self.proposals if p.proposal.status in LIVE_PROPOSAL_STATUSES), None)

    @property
    def open_engagement(self) -> EngagementPanel | None:
        return next((p.engagement for p in self.proposals if p.engagement and p.engagement.engagement.is_open), None)


def _engagement_panel(engagement: Engagement, *, user: User) -> EngagementPanel:
    return EngagementPanel(
        engagement=engagement,
        appointments=list(engagement.appointments.select_related("analyst").order_by("starts_at", "pk")),
        statement=engagement_statement(engagement),
        # The PDF and the frozen content stay in the database until someone downloads a version.
        reports=list(
            engagement.reports.select_related("sent_by", "decided_by").defer("pdf", "content").order_by("-version")
        ),
        # Through the one scope: staff without `advisory.bill` see none (the report shows the amount).
        billing_lines=list(
            billing_line_queryset_for(user)
            .filter(report__engagement=engagement)
            .select_related("batch")
            .order_by("date", "pk")
        ),
    )


def advisory_panel(ticket: Ticket, *, user: User) -> AdvisoryPanel:
    """The advisory of one ticket as the workspace shows it (a few queries per engagement; one
    small query for the many tickets that never had a proposal)."""
    if not Proposal.objects.filter(ticket_id=ticket.pk).exists():
        return AdvisoryPanel([])
    proposals = list(
        proposal_queryset_for(user)
        .filter(ticket=ticket)
        .select_related(
            "created_by", "sent_by", "decided_by", "cancelled_by", "engagement__ticket__organization", "price_item"
        )
        .order_by("-created_at", "-pk")
    )
    rows = []
    for proposal in proposals:
        engagement = getattr(proposal, "engagement", None) if proposal.status == ProposalStatus.ACCEPTED else None
        if engagement is not None:
            engagement.proposal = proposal  # the statement bills as this proposal says
        rows.append(ProposalPanel(proposal, _engagement_panel(engagement, user=user) if engagement else None))
    return AdvisoryPanel(rows)


def advisory_proposal_counts(*, user: User) -> dict[str, int]:
    """Proposals per state (the tabs), one aggregate."""
    counts = dict(proposal_queryset_for(user).values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in PROPOSAL_TABS}


def advisory_proposals(*, user: User, status: str) -> QuerySet[Proposal]:
    return (
        proposal_queryset_for(user)
        .filter(status=status)
        .select_related("ticket", "organization", "created_by", "decided_by", "cancelled_by")
        .order_by("-updated_at", "-pk")
    )


def advisory_waiting_lines(*, user: User) -> QuerySet[BillingLine]:
    """Billing lines of validated reports that no batch has taken yet (what the next export takes);
    none for staff without `advisory.bill` (advisory.access)."""
    return (
        billing_line_queryset_for(user)
        .filter(batch__isnull=True)
        .select_related("organization", "report")
        .order_by("date", "pk")
    )


def advisory_waiting_total(*, user: User) -> tuple[int, Decimal]:
    totals = advisory_waiting_lines(user=user).aggregate(n=Count("pk"), total=Sum("amount"))
    return totals["n"], totals["total"] or Decimal("0.00")


def advisory_batches(*, user: User) -> QuerySet[BillingBatch]:
    """The numbered exports (empty for anyone without `advisory.bill`)."""
    return batch_queryset_for(user).select_related("created_by").order_by("-number")


def paginate(queryset, raw_page: str | None, *, per_page: int | None = None):
    """A page of `queryset` (anything but a sane page number is page 1; past the end, the last)."""
    return Paginator(queryset, per_page or ADVISORY_PAGE_SIZE).get_page(page_number(raw_page))


def ticket_fix_release_choices(ticket: Ticket) -> QuerySet[Release]:
    """The releases a Problema may be fixed in: its product's, newest first (the service checks it)."""
    product_id = ticket.product_id or (ticket.module.product_id if ticket.module_id else None)
    if ticket.type != TicketType.PROBLEM or product_id is None:
        return Release.objects.none()
    return Release.objects.filter(product_id=product_id).order_by("-sort_key")
