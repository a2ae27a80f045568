"""`manage.py peer_seed --tickets N --open M`: django-helpdesk filled like our benchmark database.

N tickets of which M are open (the size of our open queue, so both open lists filter the same
share of rows), exactly `--followups` follow-ups each, five queues, five agents who own the
tickets and `--staff-pool` more staff members (the virtual users of the wrk run; our side has as
many extra analysts). Bulk inserts, in batches; it tops
up an existing database (and is a no-op when it already holds N tickets, M of them open).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

BATCH = 2000
QUEUES = ["Folha de Pagamento", "Ponto Eletrônico", "Férias", "eSocial", "Portal do Colaborador"]
# The same words as our generator (servicedesk/demo/management/commands/generate_demo_tickets.py),
# so a word search finds the same share of tickets on both sides.
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
DESCRIPTION = "Chamado de demonstração gerado automaticamente para testes de carga."
SUBMITTERS = [
    f"{name}@demo.weconnect.example"
    for name in ("joana.acme", "pedro.acme", "lucia.acme", "rafael.horizonte", "sofia.horizonte", "helena.horizonte")
]
FOLLOWUPS = ["Recebemos e estamos analisando.", "Solução aplicada.", "Segue mais informação sobre o problema."]
AGENTS = ["agente", "agente.b", "agente.c", "agente.d", "agente.e"]  # own the tickets (5, as our analysts)
CLOSED_STATUSES = [(Ticket.RESOLVED_STATUS, 10), (Ticket.CLOSED_STATUS, 80), (Ticket.DUPLICATE_STATUS, 10)]
OPEN_STATUSES = [(Ticket.OPEN_STATUS, 90), (Ticket.REOPENED_STATUS, 10)]
PRIORITIES = [(1, 8), (2, 25), (3, 45), (4, 22)]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def staff_user(username: str):
    """A staff member (UserSettings comes from django-helpdesk's post_save signal)."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@peer.example", "is_staff": True, "first_name": username}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def pool_username(n: int) -> str:
    return f"agente.sessao.{n:03d}"


class Command(BaseCommand):
    help = "Preenche o django-helpdesk com o mesmo volume do nosso banco de benchmark."

    @staticmethod
    def _empty() -> None:
        """Every ticket and its follow-ups (the only rows this command writes), fast."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("TRUNCATE helpdesk_ticket RESTART IDENTITY CASCADE")
            else:
                cursor.execute("DELETE FROM helpdesk_followup")
                cursor.execute("DELETE FROM helpdesk_ticket")

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, required=True)
        parser.add_argument("--open", dest="open_count", type=int, required=True, help="Quantos estão abertos.")
        parser.add_argument("--followups", type=int, default=2)
        parser.add_argument("--months", type=int, default=6)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--staff-pool", type=int, default=0, help="Equipe extra (agente.sessao.NNN) do wrk.")

    def handle(self, *args, tickets, open_count, followups, months, seed, staff_pool, **options):
        if not 0 <= open_count <= tickets:
            raise CommandError("--open deve estar entre 0 e --tickets")
        rng = random.Random(seed)
        queues = [
            Queue.objects.get_or_create(
                slug=f"fila-{n}", defaults={"title": title, "email_address": f"fila-{n}@peer.example"}
            )[0]
            for n, title in enumerate(QUEUES, 1)
        ]
        agents = [staff_user(name) for name in AGENTS]
        for n in range(1, staff_pool + 1):  # the virtual users of the wrk run, present for every measurement
            staff_user(pool_username(n))
        have_open = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).count()
        have_closed = Ticket.objects.exclude(status__in=Ticket.OPEN_STATUSES).count()
        if have_open > open_count or have_closed > tickets - open_count:
            self.stdout.write(f"par: {have_open} abertos e {have_closed} fechados a mais que o pedido; recomeçando")
            self._empty()
            have_open = have_closed = 0
        add_open, add_closed = max(0, open_count - have_open), max(0, tickets - open_count - have_closed)
        kinds = [True] * add_open + [False] * add_closed
        rng.shuffle(kinds)
        now = timezone.now()
        span = timedelta(days=30 * months)
        done = 0
        while done < len(kinds):
            chunk = kinds[done : done + BATCH]
            with transaction.atomic():
                rows = []
                for is_open in chunk:
                    created = now - span * rng.random()
                    rows.append(
                        Ticket(
                            title=rng.choice(TITLES),
                            queue=rng.choice(queues),
                            created=created,
                            modified=created + timedelta(minutes=rng.randint(5, 600)),
                            submitter_email=rng.choice(SUBMITTERS),
                            assigned_to=None if is_open and rng.random() < 0.2 else rng.choice(agents),
                            status=_pick(rng, OPEN_STATUSES if is_open else CLOSED_STATUSES),
                            description=DESCRIPTION,
                            priority=_pick(rng, PRIORITIES),
                        )
                    )
                rows = Ticket.objects.bulk_create(rows, batch_size=BATCH)
                follow = []
                for ticket in rows:
                    for n in range(followups):
                        follow.append(
                            FollowUp(
                                ticket=ticket,
                                date=ticket.created + timedelta(minutes=5 + n),
                                title="Comentário",
                                comment=FOLLOWUPS[n % len(FOLLOWUPS)],
                                public=True,
                                user=ticket.assigned_to if n % 2 == 0 else None,
                            )
                        )
                FollowUp.objects.bulk_create(follow, batch_size=BATCH)
            done += len(chunk)
            if options["verbosity"]:
                self.stdout.write(f"\r  par: {done:,}/{len(kinds):,} chamados", ending="")
                self.stdout.flush()
        if kinds and options["verbosity"]:
            self.stdout.write("")
        with connection.cursor() as cursor:  # fresh planner statistics, as on our side
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        self.stdout.write(
            f"par: {Ticket.objects.count()} chamados, {Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).count()}"
            f" abertos, {FollowUp.objects.count()} follow-ups, {len(queues)} filas"
        )
