"""`manage.py sla_outcomes_backfill`: write the per-clock compliance outcomes of existing tickets.

Every recomputation writes them (`sla.services.sla_apply_outcomes`); run this once after
upgrading to the version that introduced them (tickets migration 0013). It recomputes each
ticket's clocks from its history through the engine (a met clock keeps its stored outcome) and
writes only the outcome columns, in batches under row locks; running it twice changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Prefetch

from servicedesk.core import clock
from servicedesk.sla.services import OUTCOME_FIELDS, sla_apply_outcomes, ticket_clocks
from servicedesk.tickets.models import Ticket, TicketEvent

BATCH = 500


class Command(BaseCommand):
    help = "Calcula os resultados de SLA por relógio (cumprido, violado) dos chamados existentes."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args, batch, **options):
        now = clock.now()
        ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                tickets = list(
                    Ticket.objects.select_for_update(of=("self",))
                    .filter(pk__in=ids[start : start + batch])
                    .select_related("calendar")
                    .prefetch_related(Prefetch("events", queryset=TicketEvent.objects.order_by("at", "id")))
                    .order_by("pk")
                )
                for ticket in tickets:
                    sla_apply_outcomes(ticket, ticket_clocks(ticket, as_of=now, events=list(ticket.events.all())))
                Ticket.objects.bulk_update(tickets, OUTCOME_FIELDS)
        self.stdout.write(f"Resultados de SLA calculados: {len(ids)} chamados.")
