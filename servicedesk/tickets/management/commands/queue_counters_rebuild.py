"""`manage.py queue_counters_rebuild`: recount the queue counters from the tickets.

The services keep the counters exact in every write; run this after a bulk load that bypassed
them, or once after upgrading to the version that introduced them (tickets migration 0009)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from servicedesk.tickets.counters import counters_rebuild


class Command(BaseCommand):
    help = "Recalcula os contadores das filas a partir dos chamados."

    def handle(self, *args, **options):
        with transaction.atomic():
            totals = counters_rebuild()
        self.stdout.write(
            f"Contadores recalculados: {totals.get('all', 0)} chamados, {totals.get('open', 0)} em aberto."
        )
