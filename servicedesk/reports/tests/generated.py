"""A generated month of tickets through the real services: paused (AGUARDANDO CLIENTE,
SERVIÇOS), reopened (a customer's reply on RESOLVIDO), reclassified up and down, homologação,
late and on time, left running — for the consistency tests of the reports."""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, timedelta

from servicedesk.core.errors import DomainError
from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import sp

SEVERITIES = ["Crítica", "Alta", "Normal", "Baixa"]


def generate_month(world, *, seed: int = 11, count: int = 36, year: int = 2026, month: int = 11) -> list[Ticket]:
    """`count` tickets opened in the month, each with a random script of staff and customer
    actions. Every instant is before day 28 18:00 of the month (evaluate after it)."""
    rng = random.Random(seed)
    tickets = []
    requesters = [(world.customer, world.premium_customer)]
    for index in range(count):
        requester = rng.choice(requesters[0])
        day = rng.randint(2, 26)
        opened = sp(year, month, day, rng.choice([8, 9, 10, 11, 14, 15, 16, 17]), rng.choice([0, 20, 40]))
        environment = "homologação" if index % 7 == 3 else "produção"
        if index % 6 == 5:
            ticket = world.open_question(requester=requester, now=opened, environment=environment)
        else:
            ticket = world.open_problem(
                requester=requester, severity=rng.choice(SEVERITIES), now=opened, environment=environment
            )
        if index % 5 == 0:
            services.ticket_assign(ticket=ticket, actor=world.manager, now=opened, assignee=world.analyst)
        moment = opened
        limit = sp(year, month, 28, 18)

        def step(hours_max: float) -> datetime:
            nonlocal moment
            moment = min(moment + timedelta(minutes=rng.randint(10, int(hours_max * 60))), limit)
            return moment

        def attempt(action) -> None:
            # an automatic closing came first, or the move is not allowed now: skip it
            with contextlib.suppress(DomainError):
                action()

        script = rng.sample(
            ["reply", "reclassify", "ask", "services", "resolve", "reopen", "confirm"], k=rng.randint(0, 7)
        )
        order = ["reply", "reclassify", "ask", "services", "resolve", "reopen", "confirm"]
        for name in sorted(script, key=order.index):
            ticket.refresh_from_db()
            if name == "reply":
                attempt(
                    lambda: services.ticket_comment_add(
                        ticket=ticket, author=world.analyst, body="Analisando.", now=step(30)
                    )
                )
            elif name == "reclassify" and ticket.type == "Problema":
                new = rng.choice([s for s in SEVERITIES if s != ticket.severity])
                attempt(
                    lambda new=new: services.ticket_reclassify(
                        ticket=ticket,
                        actor=world.analyst,
                        now=step(20),
                        severity=new,
                        justification="Após análise, o impacto é outro.",
                        triggering_fact="Folha de dezembro parada" if SEVERITIES.index(new) == 0 else "",
                    )
                )
            elif name == "ask":
                attempt(
                    lambda: services.ticket_ask_customer(
                        ticket=ticket, actor=world.analyst, now=step(10), note="Envie o holerite."
                    )
                )
                ticket.refresh_from_db()
                attempt(
                    lambda: services.ticket_comment_add(
                        ticket=ticket, author=ticket.requester, body="Segue o holerite.", now=step(12)
                    )
                )
            elif name == "services":
                attempt(
                    lambda: services.ticket_transition(ticket=ticket, to="SERVIÇOS", actor=world.analyst, now=step(10))
                )
                ticket.refresh_from_db()
                attempt(
                    lambda: services.ticket_transition(
                        ticket=ticket, to="EM ATENDIMENTO", actor=world.analyst, now=step(40)
                    )
                )
            elif name == "resolve":
                attempt(
                    lambda: services.ticket_resolve(ticket=ticket, actor=world.analyst, now=step(60), note="Corrigido.")
                )
            elif name == "reopen":
                attempt(
                    lambda: services.ticket_comment_add(
                        ticket=ticket, author=ticket.requester, body="Voltou a acontecer.", now=step(6)
                    )
                )
                ticket.refresh_from_db()
                attempt(
                    lambda: services.ticket_resolve(ticket=ticket, actor=world.analyst, now=step(30), note="Agora sim.")
                )
            elif name == "confirm":
                attempt(lambda: services.ticket_confirm_solution(ticket=ticket, actor=ticket.requester, now=step(4)))
        ticket.refresh_from_db()
        tickets.append(ticket)
    return tickets
