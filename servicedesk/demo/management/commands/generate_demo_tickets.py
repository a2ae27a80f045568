"""`manage.py generate_demo_tickets --count 100000`: many realistic tickets, fast, for benchmarks.

Bulk inserts (tickets, their history and messages) with the SLA columns computed by the same
pure engine as every service (`sla.services.sla_fill_bulk`). It bypasses the services on
purpose: it writes finished histories, not live events, and sends no e-mail.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from servicedesk.accounts.models import Organization, Role, User
from servicedesk.catalog.models import Module, Release
from servicedesk.core.clock import now as clock_now
from servicedesk.demo.data import load_demo_data
from servicedesk.sla.adapters import default_calendar_row, engine_calendar, plan_targets_snapshot
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.sla.services import sla_fill_bulk
from servicedesk.tickets.counters import counters_rebuild
from servicedesk.tickets.models import Comment, EventKind, Ticket, TicketCategory, TicketEvent, TicketSearch
from servicedesk.tickets.search import search_texts

S = TicketStatus
BATCH = 2000

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
MONTHS = [
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
]
TYPES = [("Problema", 60), ("Solicitação", 20), ("Dúvida", 20)]
SEVERITIES = [("Crítica", 8), ("Alta", 25), ("Normal", 45), ("Baixa", 22)]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class Command(BaseCommand):
    help = "Gera chamados de demonstração em massa (para os benchmarks da web e da API)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--messages-per-ticket", type=int, default=2)
        parser.add_argument("--months", type=int, default=6, help="Abertos ao longo dos últimos N meses.")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, count, messages_per_ticket, months, seed, **options):
        rng = random.Random(seed)
        if not Organization.objects.exists():
            load_demo_data()
        now = clock_now()
        context = self._context(now)
        created = 0
        with tqdm(total=count, unit="chamado", disable=options["verbosity"] == 0) as bar:
            while created < count:
                size = min(BATCH, count - created)
                self._batch(rng, context, size, messages_per_ticket, months, now)
                created += size
                bar.update(size)
        counters_rebuild()  # the bulk inserts bypass the services that keep the queue counters
        if options["verbosity"]:
            self.stdout.write(f"{created} chamados gerados.")

    def _context(self, now):
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

    def _one(self, rng, ctx, now, months):
        """One unsaved ticket with its in-memory history and messages."""
        org_ctx = rng.choice(ctx["organizations"])
        org, calendar = org_ctx["org"], org_ctx["calendar"]
        modules = [m for m in ctx["modules"] if m.product_id in org_ctx["products"]] or ctx["modules"]
        module = rng.choice(modules)
        type_ = _pick(rng, TYPES)
        severity = _pick(rng, SEVERITIES) if type_ == "Problema" else "Normal"
        outcome = _pick(rng, OUTCOMES)
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

    @staticmethod
    def _search_rows(tickets, comments) -> list[TicketSearch]:
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

    def _batch(self, rng, ctx, size, messages_per_ticket, months, now):
        rows = [self._one(rng, ctx, now, months) for _ in range(size)]
        by_calendar: dict[int, list] = {}
        for ticket, events, _ in rows:
            by_calendar.setdefault(ticket.calendar_id, []).append((ticket, events))
        for pairs in by_calendar.values():
            sla_fill_bulk(pairs, calendar=engine_calendar(pairs[0][0].calendar), now=now)
        with transaction.atomic():
            tickets = Ticket.objects.bulk_create([ticket for ticket, _, _ in rows], batch_size=BATCH)
            all_events, all_comments = [], []
            for ticket, events, comments in rows:
                for event in events:
                    event.ticket = ticket
                all_events.extend(events)
                comments = comments[:messages_per_ticket]
                while len(comments) < messages_per_ticket:
                    comments.append(
                        Comment(
                            ticket=ticket,
                            author=ticket.requester,
                            # The customer names the payroll month, as people do ("folha de
                            # dezembro"): multi-word searches then find a realistic few.
                            body=f"Segue mais informação: acontece na folha de {MONTHS[ticket.opened_at.month - 1]}.",
                            created_at=ticket.opened_at + timedelta(minutes=5 + len(comments)),
                        )
                    )
                for comment in comments:
                    comment.ticket = ticket
                all_comments.extend(comments)
            TicketEvent.objects.bulk_create(all_events, batch_size=BATCH)
            Comment.objects.bulk_create(all_comments, batch_size=BATCH)
            TicketSearch.objects.bulk_create(self._search_rows(tickets, all_comments), batch_size=BATCH)
        return tickets
