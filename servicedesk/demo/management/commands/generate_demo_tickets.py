"""`manage.py generate_demo_tickets --count 100000`: many realistic tickets, fast, for benchmarks.

On PostgreSQL it writes with COPY and SLA templates (`servicedesk.demo.bulk.copy_generate`,
about 1,000 tickets a second here); elsewhere (or with `--method orm`) with bulk inserts, every
ticket through the SLA engine (`sla.services.sla_fill_bulk`). It bypasses the services on
purpose: it writes finished histories, not live events, and sends no e-mail. Either way the
queue counters are rebuilt at the end, and a progress bar goes to stderr.
"""

from __future__ import annotations

import random

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from tqdm import tqdm

from servicedesk.accounts.models import Organization
from servicedesk.core import clock
from servicedesk.demo.bulk import copy_generate, demo_context, demo_ticket, padded_comments, search_rows
from servicedesk.demo.data import load_demo_data
from servicedesk.sla.adapters import engine_calendar
from servicedesk.sla.services import sla_fill_bulk
from servicedesk.tickets.counters import counters_rebuild
from servicedesk.tickets.models import Comment, Ticket, TicketEvent, TicketSearch

BATCH = 2000


class Command(BaseCommand):
    help = "Gera chamados de demonstração em massa (para os benchmarks da web e da API)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--messages-per-ticket", type=int, default=2)
        parser.add_argument("--months", type=int, default=6, help="Abertos ao longo dos últimos N meses.")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument(
            "--method",
            choices=["auto", "copy", "orm"],
            default="auto",
            help="copy: COPY e modelos de SLA (só PostgreSQL); orm: inserções em lote; auto: copy no PostgreSQL.",
        )

    def handle(self, *args, count, messages_per_ticket, months, seed, method, **options):
        rng = random.Random(seed)
        if not Organization.objects.exists():
            load_demo_data()
        now = clock.now()
        context = demo_context(now)
        created = 0
        if method == "auto":
            method = "copy" if connection.vendor == "postgresql" else "orm"
        with tqdm(total=count, unit="chamado", disable=options["verbosity"] == 0) as bar:
            if method == "copy":
                created = copy_generate(
                    count=count,
                    rng=rng,
                    ctx=context,
                    now=now,
                    months=months,
                    messages_per_ticket=messages_per_ticket,
                    bar=bar,
                )
            while created < count:
                size = min(BATCH, count - created)
                self._batch(rng, context, size, messages_per_ticket, months, now)
                created += size
                bar.update(size)
        counters_rebuild()  # the bulk inserts bypass the services that keep the queue counters
        if options["verbosity"]:
            self.stdout.write(f"{created} chamados gerados.")

    def _batch(self, rng, ctx, size, messages_per_ticket, months, now):
        rows = [demo_ticket(rng, ctx, now, months) for _ in range(size)]
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
                comments = padded_comments(ticket, comments, messages_per_ticket)
                for comment in comments:
                    comment.ticket = ticket
                all_comments.extend(comments)
            TicketEvent.objects.bulk_create(all_events, batch_size=BATCH)
            Comment.objects.bulk_create(all_comments, batch_size=BATCH)
            TicketSearch.objects.bulk_create(search_rows(tickets, all_comments), batch_size=BATCH)
        return tickets
