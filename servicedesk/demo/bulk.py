"""Bulk tickets for benchmarks (`manage.py generate_demo_tickets`): realistic, consistent rows.

Two writers share what a ticket looks like (`demo_context`, `demo_ticket`, `search_rows`):

- the ORM path (any database; the command's `_batch`): every ticket through the SLA engine,
  `bulk_create` in batches;
- `copy_generate` (PostgreSQL, the default there): COPY in big batches, and the SLA engine run
  on a few hundred *templates* of finished tickets whose timelines are reused shifted by whole
  weeks where that is exact (every day of the shifted window has the same business hours as the
  template's: same weekday windows, no holiday or closed day gained or lost); open tickets, whose
  clocks depend on "now", are each computed by the engine. Tested in demo/tests/test_bulk.py:
  every generated ticket's SLA columns equal a fresh engine computation of its stored history.

It bypasses the services on purpose: it writes finished histories, not live events, and sends no
e-mail; the queue counters are rebuilt at the end (`counters_rebuild`), the search vectors
(PostgreSQL stored generated columns, migration 0015) fill themselves from the text rows.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import connection, transaction

from servicedesk.accounts.models import Organization, Role, User
from servicedesk.catalog.models import Module, Release
from servicedesk.core.timefmt import MONTH_NAMES
from servicedesk.sla.adapters import default_calendar_row, engine_calendar, plan_targets_snapshot
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.sla.services import BRASILIA, brasilia_month, sla_fill_bulk
from servicedesk.tickets.models import Comment, EventKind, Ticket, TicketCategory, TicketEvent, TicketSearch
from servicedesk.tickets.search import search_texts

S = TicketStatus

TITLES = [
    "Cálculo da folha não considera horas extras",
    "Erro ao gerar o arquivo do eSocial",
    "Ponto eletrônico não importa as marcações",
    "Férias calculadas com valor incorreto",
    "Holerite online não abre para alguns colaboradores",
    "Dúvida sobre o adiantamento quinzenal",
    "Benefício de vale-transporte não descontado",
    "Relatório de encargos demora muito para abrir",
    "Como parametrizar o 13º salário proporcional?",
    "Solicitação de treinamento para novos usuários",
]
# Final status of each generated ticket and its weight.
OUTCOMES = [
    (S.CLOSED, 45),
    (S.RESOLVED, 8),
    (S.IN_PROGRESS, 15),
    (S.NEW, 10),
    (S.WAITING_CUSTOMER, 8),
    (S.MAINTENANCE, 5),
    # COM-PROPOSTA and SERV-ASSESSORIA come with a proposal (servicedesk.advisory): seed_demo makes those.
    (S.SERVICES, 4),
    (S.CANCELLED, 5),
]
TYPES = [("Problema", 60), ("Solicitação", 20), ("Dúvida", 20)]
SEVERITIES = [("Crítica", 8), ("Alta", 25), ("Normal", 45), ("Baixa", 22)]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def demo_context(now):
    """What every generated ticket draws from: organizations (customers, calendar, targets), modules, releases, staff."""
    calendar_row = default_calendar_row()
    organizations = []
    for organization in Organization.objects.select_related("plan", "calendar", "support_team"):
        customers = list(organization.users.filter(role=Role.CUSTOMER, is_active=True))
        if not customers:
            continue
        row = organization.calendar or calendar_row
        organizations.append(
            {
                "org": organization,
                "customers": customers,
                "calendar_row": row,
                "calendar": engine_calendar(row),
                "targets": plan_targets_snapshot(organization.plan, at=now),
                "products": set(organization.licensed_products.values_list("id", flat=True)),
            }
        )
    modules = list(Module.objects.select_related("product"))
    releases: dict[int, list[Release]] = {}
    for release in Release.objects.order_by("product_id", "-sort_key"):
        releases.setdefault(release.product_id, []).append(release)
    staff = list(User.objects.filter(role__in=[Role.ANALYST, Role.MANAGER], is_active=True))
    if not organizations or not modules or not staff:
        raise SystemExit("Sem organizações, módulos ou analistas: rode `manage.py seed_demo` antes.")
    return {"organizations": organizations, "modules": modules, "releases": releases, "staff": staff}


def demo_ticket(rng, ctx, now, months, outcome=None):
    """One unsaved ticket with its in-memory history and messages (its final status `outcome`, or drawn)."""
    org_ctx = rng.choice(ctx["organizations"])
    org, calendar = org_ctx["org"], org_ctx["calendar"]
    modules = [m for m in ctx["modules"] if m.product_id in org_ctx["products"]] or ctx["modules"]
    module = rng.choice(modules)
    type_ = _pick(rng, TYPES)
    severity = _pick(rng, SEVERITIES) if type_ == "Problema" else "Normal"
    outcome = outcome or _pick(rng, OUTCOMES)
    requester = rng.choice(org_ctx["customers"])
    analyst = rng.choice(ctx["staff"])
    span = timedelta(days=30 * months)
    opened_at = calendar.next_opening(now - span * rng.random())
    if outcome in (S.RESOLVED, S.WAITING_CUSTOMER):
        # Recent entry into these statuses, so the first sweep does not close them all.
        opened_at = calendar.next_opening(now - timedelta(hours=rng.uniform(20, 200)))
    if opened_at >= now:
        opened_at = now - timedelta(minutes=rng.randint(1, 600))
    release_choices = ctx["releases"].get(module.product_id, [])
    release = rng.choice(release_choices) if release_choices and type_ == "Problema" else None
    ticket = Ticket(
        organization=org,
        requester=requester,
        type=type_,
        severity=severity,
        status=outcome,
        category=TicketCategory.TRAINING if type_ == "Solicitação" and rng.random() < 0.3 else "",
        environment="produção" if rng.random() < 0.9 else "homologação",
        product_id=module.product_id,
        module=module,
        release=release,
        version_text=release.version if release else "",
        version_supported=release is None or release in release_choices[:2],
        title=rng.choice(TITLES),
        description="Chamado de demonstração gerado automaticamente para testes de carga.",
        team=org.support_team,
        assignee=None if outcome == S.NEW else analyst,
        plan_code=org.plan.code,
        calendar=org_ctx["calendar_row"],
        sla_targets=org_ctx["targets"],
        opened_at=opened_at,
        last_customer_interaction_at=opened_at,
    )
    events = [
        TicketEvent(
            ticket=ticket,
            at=opened_at,
            actor=requester,
            kind=EventKind.OPENED,
            new_type=type_,
            new_severity=severity,
        )
    ]
    comments = []
    # Instants after the opening, in order, never after now.
    budget = max((now - opened_at).total_seconds(), 60.0)
    steps = sorted(rng.uniform(0.02, 0.95) * min(budget, 20 * 86400) for _ in range(4))
    at = [opened_at + timedelta(seconds=s) for s in steps]
    if outcome in (S.RESOLVED, S.WAITING_CUSTOMER):
        # A recent entry (< 16 business hours), so the first sweep does not close them all.
        at[1] = min(max(at[0], now - timedelta(hours=rng.uniform(0.5, 6))), now)

    def status_event(moment, to, actor, kind=EventKind.STATUS_CHANGED, **extra):
        events.append(
            TicketEvent(
                ticket=ticket,
                at=moment,
                actor=actor,
                kind=kind,
                from_status=extra.pop("from_status"),
                to_status=to,
                **extra,
            )
        )

    if outcome == S.CANCELLED:
        status_event(at[0], S.CANCELLED, requester, from_status=S.NEW)
        ticket.closed_at = at[0]
    elif outcome != S.NEW:
        # First public reply: meets the diagnosis and picks the ticket up.
        status_event(at[0], S.IN_PROGRESS, analyst, kind=EventKind.PUBLIC_REPLY, from_status=S.NEW, diagnosis=True)
        comments.append(
            Comment(ticket=ticket, author=analyst, body="Recebemos e estamos analisando.", created_at=at[0])
        )
        if outcome in (S.MAINTENANCE, S.SERVICES, S.WAITING_CUSTOMER):
            status_event(at[1], outcome, analyst, from_status=S.IN_PROGRESS)
        elif outcome in (S.RESOLVED, S.CLOSED):
            status_event(at[1], S.RESOLVED, analyst, from_status=S.IN_PROGRESS)
            comments.append(Comment(ticket=ticket, author=analyst, body="Solução aplicada.", created_at=at[1]))
            if outcome == S.CLOSED:
                status_event(at[2], S.CLOSED, requester, from_status=S.RESOLVED, customer_interaction=True)
                ticket.closed_at = ticket.last_customer_interaction_at = at[2]
    return ticket, events, comments


def search_rows(tickets, comments) -> list[TicketSearch]:
    """The search text of each new ticket (tickets.search), from the rows just written."""
    by_ticket: dict[int, list] = {}
    for comment in comments:
        by_ticket.setdefault(comment.ticket_id, []).append((comment.body, comment.is_internal))
    rows = []
    for ticket in tickets:
        public, internal = search_texts(
            title=ticket.title,
            description=ticket.description,
            organization=ticket.organization.name,
            requester=ticket.requester,
            comments=by_ticket.get(ticket.pk, []),
        )
        rows.append(TicketSearch(ticket_id=ticket.pk, public_text=public, internal_text=internal))
    return rows


def padded_comments(ticket, comments: list, count: int) -> list:
    """The ticket's first `count` messages, the requester adding more until there are `count`."""
    comments = comments[:count]
    while len(comments) < count:
        comments.append(
            Comment(
                ticket=ticket,
                author=ticket.requester,
                # The customer names the payroll month, as people do ("folha de dezembro"): the
                # benchmarks' multi-word searches then find a realistic few.
                body=f"Segue mais informação: acontece na folha de {MONTH_NAMES[ticket.opened_at.month - 1]}.",
                created_at=ticket.opened_at + timedelta(minutes=5 + len(comments)),
            )
        )
    return comments


# --------------------------------------------------------------------------- COPY (PostgreSQL)

TEMPLATES = 400  # finished tickets computed by the SLA engine, reused shifted by whole weeks
COPY_BATCH = 10_000
FINAL_OUTCOMES = frozenset({S.CLOSED, S.CANCELLED})
WEEK = timedelta(days=7)
# Columns a shift leaves alone: when the columns were computed / written (now).
NOT_SHIFTED = frozenset({"sla_computed_at", "updated_at"})


def _fields(model):
    return [f for f in model._meta.concrete_fields]


def _values(obj, fields) -> list:
    return [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]


class _DailyHours:
    """Business seconds of each Brasília day of one engine calendar (cached): a template shifted
    by whole weeks is exact when every day of its window has the same hours as the day it lands on."""

    def __init__(self, calendar):
        self.calendar = calendar
        self.cache: dict[date, int] = {}

    def __call__(self, day: date) -> int:
        hours = self.cache.get(day)
        if hours is None:
            start = datetime(day.year, day.month, day.day, tzinfo=BRASILIA)
            hours = self.cache[day] = self.calendar.elapsed(start, start + timedelta(days=1)) // timedelta(seconds=1)
        return hours

    def same(self, first: date, last: date, shift_days: int) -> bool:
        day = first
        while day <= last:
            if self(day) != self(day + timedelta(days=shift_days)):
                return False
            day += timedelta(days=1)
        return True


class _Template:
    """One finished ticket as column values, with what a copy changes."""

    def __init__(self, ticket, events, comments, *, tf, ef, cf, org_ctx):
        self.org_ctx = org_ctx
        self.values = _values(ticket, tf)
        names = [f.attname for f in tf]
        self.col = {name: i for i, name in enumerate(names)}
        self.dt = [
            i for i, f in enumerate(tf) if f.get_internal_type() == "DateTimeField" and f.attname not in NOT_SHIFTED
        ]
        self.months = [
            (self.col[f"{clock}_counts_month"], self.col[f"{clock}_counts_at"]) for clock in ("diagnosis", "solution")
        ] + [(self.col[f"{clock}_met_month"], self.col[f"{clock}_met_at"]) for clock in ("diagnosis", "solution")]
        self.contractual_met = {i: self.values[i] is not None for i, _ in self.months}
        self.requester_id, self.assignee_id = ticket.requester_id, ticket.assignee_id
        self.events = [_values(e, ef) for e in events]
        self.comments = [_values(c, cf) for c in comments]
        self.event_at, self.event_actor = _index(ef, "at"), _index(ef, "actor_id")
        self.comment_at, self.comment_author = _index(cf, "created_at"), _index(cf, "author_id")
        self.comment_body, self.comment_internal = _index(cf, "body"), _index(cf, "is_internal")
        instants = [self.values[i] for i in self.dt if self.values[i] is not None]
        instants += [e[self.event_at] for e in self.events] + [c[self.comment_at] for c in self.comments]
        self.opened_at = ticket.opened_at
        self.last_written = max([e[self.event_at] for e in self.events] + [c[self.comment_at] for c in self.comments])
        self.last_written = max(self.last_written, ticket.closed_at or ticket.opened_at)
        self.first_day = min(instants).astimezone(BRASILIA).date()
        self.last_day = max(instants).astimezone(BRASILIA).date()
        self.title = ticket.title
        self.description = ticket.description


def _index(fields, attname: str) -> int:
    return next(i for i, f in enumerate(fields) if f.attname == attname)


def _person_map(template: _Template, requester_id: int, analyst_id: int):
    def person(user_id):
        if user_id == template.requester_id:
            return requester_id
        if user_id == template.assignee_id:
            return analyst_id
        return user_id

    return person


def copy_generate(
    *, count: int, rng: random.Random, ctx: dict, now: datetime, months: int, messages_per_ticket: int, bar=None
) -> int:
    """Write `count` tickets (with their history, messages and search text) with COPY, in
    batches of COPY_BATCH, each batch one transaction. PostgreSQL only. Returns how many."""
    if connection.vendor != "postgresql":
        raise ValueError("copy_generate writes with PostgreSQL's COPY")
    tf, ef, cf = _fields(Ticket), _fields(TicketEvent), _fields(Comment)
    ef_no_id, cf_no_id = [f for f in ef if f.attname != "id"], [f for f in cf if f.attname != "id"]
    calendars = {o["calendar_row"].pk: o["calendar"] for o in ctx["organizations"]}
    daily = {pk: _DailyHours(calendar) for pk, calendar in calendars.items()}

    # The templates: finished tickets computed by the real engine.
    final_weights = [(o, w) for o, w in OUTCOMES if o in FINAL_OUTCOMES]
    templates: dict[str, list[_Template]] = {o: [] for o in FINAL_OUTCOMES}
    drafts = [demo_ticket(rng, ctx, now, months, outcome=_pick(rng, final_weights)) for _ in range(TEMPLATES)]
    _engine(drafts, calendars, now)
    org_by_id = {o["org"].pk: o for o in ctx["organizations"]}
    for ticket, events, comments in drafts:
        ticket.id = 0
        ticket.updated_at = now
        for item in [*events, *comments]:
            item.ticket_id = 0
        comments = padded_comments(ticket, comments, messages_per_ticket)
        templates[ticket.status].append(
            _Template(
                ticket, events, comments, tf=tf, ef=ef_no_id, cf=cf_no_id, org_ctx=org_by_id[ticket.organization_id]
            )
        )
    templates = {o: t for o, t in templates.items() if t}
    span = timedelta(days=30 * months)
    ticket_cols = ", ".join(f.column for f in tf)
    event_cols = ", ".join(f.column for f in ef_no_id)
    comment_cols = ", ".join(f.column for f in cf_no_id)
    written = 0
    while written < count:
        size = min(COPY_BATCH, count - written)
        ticket_rows, event_rows, comment_rows, search = [], [], [], []
        fresh = []  # open tickets (and copies that found no exact shift): through the engine
        for _ in range(size):
            outcome = _pick(rng, OUTCOMES)
            copied = _copy(rng, templates.get(outcome), ctx, now, span, daily) if outcome in FINAL_OUTCOMES else None
            if copied is None:
                fresh.append(demo_ticket(rng, ctx, now, months, outcome=outcome))
            else:
                ticket_rows.append(copied[0])
                event_rows.append(copied[1])
                comment_rows.append(copied[2])
                search.append(copied[3])
        _engine(fresh, calendars, now)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('tickets_ticket', 'id')) FROM generate_series(1, %s)",
                    [size],
                )
                ids = [row[0] for row in cursor.fetchall()]
            t_id, e_ticket, c_ticket = 0, _index(ef_no_id, "ticket_id"), _index(cf_no_id, "ticket_id")
            tickets_out, events_out, comments_out, search_out = [], [], [], []
            for values, events, comments, texts in zip(ticket_rows, event_rows, comment_rows, search, strict=True):
                pk = ids[t_id]
                t_id += 1
                values[0] = pk
                tickets_out.append(values)
                for e in events:
                    e[e_ticket] = pk
                    events_out.append(e)
                for c in comments:
                    c[c_ticket] = pk
                    comments_out.append(c)
                search_out.append((pk, *texts))
            for ticket, events, comments in fresh:
                pk = ticket.id = ids[t_id]
                t_id += 1
                ticket.updated_at = now
                tickets_out.append(_values(ticket, tf))
                for e in events:
                    e.ticket_id = pk
                    events_out.append(_values(e, ef_no_id))
                comments = padded_comments(ticket, comments, messages_per_ticket)
                for c in comments:
                    c.ticket_id = pk
                    comments_out.append(_values(c, cf_no_id))
                public, internal = search_texts(
                    title=ticket.title,
                    description=ticket.description,
                    organization=ticket.organization.name,
                    requester=ticket.requester,
                    comments=[(c.body, c.is_internal) for c in comments],
                )
                search_out.append((pk, public, internal))
            raw = connection.connection.cursor()
            _copy_rows(raw, f"tickets_ticket ({ticket_cols})", tickets_out)
            _copy_rows(raw, f"tickets_ticketevent ({event_cols})", events_out)
            _copy_rows(raw, f"tickets_comment ({comment_cols})", comments_out)
            _copy_rows(raw, "tickets_ticketsearch (ticket_id, public_text, internal_text)", search_out)
        written += size
        if bar is not None:
            bar.update(size)
    return written


def _copy_rows(raw_cursor, target: str, rows) -> None:
    with raw_cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _engine(drafts, calendars, now) -> None:
    by_calendar: dict[int, list] = {}
    for ticket, events, _ in drafts:
        by_calendar.setdefault(ticket.calendar_id, []).append((ticket, events))
    for calendar_id, pairs in by_calendar.items():
        sla_fill_bulk(pairs, calendar=calendars.get(calendar_id) or engine_calendar(pairs[0][0].calendar), now=now)


def _copy(rng, templates, ctx, now, span, daily, tries: int = 6):
    """A template's ticket shifted by whole weeks to a random opening in the span, with another
    requester, analyst and title — or None when no exact shift was found in `tries`."""
    if not templates:
        return None
    for _ in range(tries):
        t = rng.choice(templates)
        wanted = now - span * rng.random()
        weeks = round((wanted - t.opened_at) / WEEK)
        while weeks > 0 and t.last_written + weeks * WEEK > now:
            weeks -= 1
        shift_days = 7 * weeks
        calendar_id = t.values[t.col["calendar_id"]]
        if weeks and not daily[calendar_id].same(t.first_day, t.last_day, shift_days):
            continue
        delta = timedelta(days=shift_days)
        values = list(t.values)
        for i in t.dt:
            if values[i] is not None:
                values[i] = values[i] + delta
        for month_i, at_i in t.months:
            if values[month_i] is not None:
                values[month_i] = brasilia_month(values[at_i])
        requester = rng.choice(t.org_ctx["customers"])
        analyst_id = rng.choice(ctx["staff"]).pk if t.assignee_id else None
        person = _person_map(t, requester.pk, analyst_id)
        values[t.col["requester_id"]] = requester.pk
        values[t.col["assignee_id"]] = analyst_id
        title = rng.choice(TITLES)
        values[t.col["title"]] = title
        events = []
        for e in t.events:
            e = list(e)
            e[t.event_at] = e[t.event_at] + delta
            e[t.event_actor] = person(e[t.event_actor])
            events.append(e)
        comments = []
        for c in t.comments:
            c = list(c)
            c[t.comment_at] = c[t.comment_at] + delta
            c[t.comment_author] = person(c[t.comment_author])
            comments.append(c)
        body_i, internal_i = t.comment_body, t.comment_internal
        texts = search_texts(
            title=title,
            description=t.description,
            organization=t.org_ctx["org"].name,
            requester=requester,
            comments=[(c[body_i], c[internal_i]) for c in comments],
        )
        return values, events, comments, texts
    return None
