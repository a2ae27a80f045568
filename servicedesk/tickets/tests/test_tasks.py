"""Background work of the tickets: automatic closing, SLA warnings, notifications, timers
(domain.md §5, §7; issue 2 "running them twice, or on two workers at once…")."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from servicedesk.core import clock
from servicedesk.tickets import notifications, services, tasks
from servicedesk.tickets.models import EventKind, NotificationLog, SlaAlert, Ticket, TicketEvent
from servicedesk.tickets.tests.factories import T0, sp

H = timedelta(hours=1)
SECOND = timedelta(seconds=1)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run each service's after-commit work (notifications) as a real commit would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def _resolved_ticket(world, on_commit=None):
    ticket = world.open_problem(severity="Alta")
    return services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Corrigido.")  # Tue 12:00


def _subjects(kind_fragment: str) -> list[str]:
    return [m.subject for m in mail.outbox if kind_fragment in m.subject]


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --------------------------------------------------------------------------- automatic closing


@pytest.mark.django_db
def test_sweep_twice_closes_a_due_ticket_once(world, on_commit):
    ticket = _resolved_ticket(world)
    assert ticket.auto_close_at == sp(2026, 12, 3, 12)  # Tue 12:00 + 16 business hours
    mail.outbox.clear()

    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 3, 11, 59)))["closed"] == 0
    assert _subjects("encerrado automaticamente em 03/12/2026 às 12:00")  # the closing warning went out before
    mail.outbox.clear()
    first = on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 3, 12)))
    second = on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 3, 12, 5)))

    assert (first["closed"], second["closed"]) == (1, 0)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == ("ENCERRADO", sp(2026, 12, 3, 12))
    event = ticket.events.get(kind=EventKind.AUTO_CLOSED)
    assert (event.at, event.actor, event.from_status, event.to_status) == (
        sp(2026, 12, 3, 12),
        None,
        "RESOLVIDO",
        "ENCERRADO",
    )
    assert [m.to for m in mail.outbox] == [[world.customer.email]]
    assert "encerrado" in mail.outbox[0].subject.lower()
    # Direct calls after the closing change nothing either.
    assert services.ticket_auto_close(ticket_id=ticket.pk, now=sp(2026, 12, 4, 12)) is False
    assert ticket.events.filter(kind=EventKind.AUTO_CLOSED).count() == 1


@pytest.mark.django_db
def test_waiting_customer_closes_after_16_business_hours_without_interaction(world):
    ticket = world.open_problem()
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o log.")
    # Staff activity does not reset the count.
    services.ticket_comment_add(
        ticket=ticket, author=world.analyst, body="Lembrete", now=sp(2026, 12, 2, 10), internal=True
    )
    assert tasks.run_sla_sweep(now=sp(2026, 12, 3, 10, 59))["closed"] == 0
    assert tasks.run_sla_sweep(now=sp(2026, 12, 3, 11))["closed"] == 1
    ticket.refresh_from_db()
    assert ticket.status == "ENCERRADO"
    # A clock not met at the closing stays as it stood (paused); the question met diagnosis.
    assert ticket.solution_state == "paused" and ticket.solution_met_at is None
    assert ticket.diagnosis_met_at == T0 + H


@pytest.mark.django_db
def test_customer_interaction_in_time_prevents_the_closing(world):
    ticket = _resolved_ticket(world)
    services.ticket_comment_add(ticket=ticket, author=world.customer, body="Ainda falha.", now=sp(2026, 12, 3, 11))
    assert tasks.run_sla_sweep(now=sp(2026, 12, 3, 12))["closed"] == 0
    ticket.refresh_from_db()
    assert ticket.status == "EM ATENDIMENTO"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_close_once_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency: PostgreSQL only")
    tickets = [_resolved_ticket(world) for _ in range(3)]
    mail.outbox.clear()
    due = sp(2026, 12, 3, 12)
    barrier = threading.Barrier(4)
    results: list = []

    def worker(action):
        try:
            barrier.wait()
            results.append(action())
        finally:
            connection.close()

    actions = [
        lambda: tasks.run_sla_sweep(now=due),
        lambda: tasks.run_sla_sweep(now=due),
        lambda: services.ticket_auto_close(ticket_id=tickets[0].pk, now=due),
        lambda: services.ticket_auto_close(ticket_id=tickets[0].pk, now=due),
    ]
    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 4
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.status == "ENCERRADO"
        assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.AUTO_CLOSED).count() == 1
    closings = sum(r["closed"] for r in results if isinstance(r, dict)) + sum(1 for r in results if r is True)
    assert closings == 3
    assert sorted(m.to[0] for m in mail.outbox) == [world.customer.email] * 3
    assert NotificationLog.objects.filter(event__kind=EventKind.AUTO_CLOSED).count() == 3


# --------------------------------------------------------------------------- SLA warnings


@pytest.mark.django_db
def test_at_risk_then_breach_are_written_once_per_clock_and_deadline(world, on_commit):
    ticket = world.open_problem(severity="Alta")  # STARTER Alta: diagnosis 20 h, due Thu 15:00
    world.team.members.add(world.analyst)
    # 80 % = 16 business hours: Tue 7 h + Wed 8 h + Thu 09–10.
    assert ticket.sla_check_at == sp(2026, 12, 3, 10)
    mail.outbox.clear()

    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 3, 9, 59)))["alerts"] == 0
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 3, 10)))["alerts"] == 1
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 3, 10, 1)))["alerts"] == 0
    ticket.refresh_from_db()
    assert ticket.at_risk and not ticket.breached
    assert ticket.sla_check_at > sp(2026, 12, 3, 15)  # next: the breach, strictly after the deadline
    assert _recipients() == [world.analyst.email]
    assert _subjects("SLA em risco") and mail.outbox[0].alternatives[0][1] == "text/html"

    mail.outbox.clear()
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 3, 15)))["alerts"] == 0  # met exactly: not yet
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 3, 15) + SECOND))["alerts"] == 1
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 3, 16)))["alerts"] == 0
    ticket.refresh_from_db()
    assert ticket.breached
    # The diagnosis needs no more checks; the next one is the solution clock's 80 %.
    # 80 % of the 160 h solution = 128 h = 16 business days from Tue 10:00 → Wed 23 Dec 10:00.
    assert ticket.sla_check_at == sp(2026, 12, 23, 10)
    # Breaches also go to the team's managers.
    assert _recipients() == sorted([world.analyst.email, world.manager.email])
    assert set(SlaAlert.objects.values_list("clock", "kind")) == {("diagnosis", "at_risk"), ("diagnosis", "breached")}
    assert ticket.events.filter(kind__in=[EventKind.SLA_AT_RISK, EventKind.SLA_BREACHED], public=False).count() == 2


@pytest.mark.django_db
def test_a_new_deadline_after_reclassification_warns_again(world):
    ticket = world.open_problem(severity="Alta")
    tasks.run_sla_sweep(now=sp(2026, 12, 3, 10))
    services.ticket_reclassify(
        ticket=ticket, actor=world.analyst, now=sp(2026, 12, 3, 11), severity="Baixa", justification="Menor impacto."
    )
    ticket.refresh_from_db()
    assert not ticket.at_risk
    # Baixa: 40 h; 80 % = 32 h → Mon 07/12 10:00.
    assert ticket.sla_check_at == sp(2026, 12, 7, 10)
    assert tasks.run_sla_sweep(now=sp(2026, 12, 7, 10))["alerts"] == 1
    assert SlaAlert.objects.filter(kind="at_risk").count() == 2


@pytest.mark.django_db
def test_at_risk_reminder_waits_for_business_hours_but_breach_goes_at_once(world, on_commit):
    world.open_problem(severity="Baixa")  # diagnosis 40 h: at risk Mon 07/12 10:00, due Tue 08/12 10:00
    mail.outbox.clear()

    night = sp(2026, 12, 7, 20)
    counts = on_commit(lambda: tasks.run_sla_sweep(now=night))
    assert (counts["alerts"], counts["reminders"]) == (1, 0)
    assert mail.outbox == []
    alert = SlaAlert.objects.get()
    assert (alert.notify_after, alert.notified_at) == (sp(2026, 12, 8, 9), None)

    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 8, 8, 59)))["reminders"] == 0
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 8, 9)))["reminders"] == 1
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 8, 9, 1)))["reminders"] == 0
    assert _subjects("SLA em risco") and len(mail.outbox) == 1

    mail.outbox.clear()
    late_night = sp(2026, 12, 8, 21)
    assert on_commit(lambda: tasks.run_sla_sweep(now=late_night))["alerts"] == 1
    assert _subjects("SLA violado") and len(mail.outbox) == 2  # analyst + manager, at once


@pytest.mark.django_db
def test_waiting_reminder_is_dropped_when_the_clock_was_met(world, on_commit):
    ticket = world.open_problem(severity="Baixa")
    on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 7, 20)))
    services.ticket_diagnosis_register(ticket=ticket, actor=world.analyst, now=sp(2026, 12, 7, 21))
    mail.outbox.clear()
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 8, 9)))["reminders"] == 0
    assert mail.outbox == []
    assert SlaAlert.objects.get().notified_at == sp(2026, 12, 8, 9)


@pytest.mark.django_db
def test_paused_clock_raises_no_warning(world):
    ticket = world.open_problem(severity="Alta")
    services.ticket_transition(ticket=ticket, to="SERVIÇOS", actor=world.analyst, now=T0 + H)
    ticket.refresh_from_db()
    assert ticket.sla_check_at is None
    assert tasks.run_sla_sweep(now=sp(2026, 12, 10, 10))["alerts"] == 0


# --------------------------------------------------------------------------- closing warning


@pytest.mark.django_db
def test_customer_is_warned_8_business_hours_before_the_automatic_closing(world, on_commit):
    ticket = _resolved_ticket(world)  # closes Thu 12:00 → warning Wed 12:00
    assert ticket.sla_check_at == sp(2026, 12, 2, 12)
    mail.outbox.clear()
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 2, 11, 59)))["alerts"] == 0
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 2, 12)))["alerts"] == 1
    assert on_commit(lambda: tasks.run_sla_sweep(now=sp(2026, 12, 2, 13)))["alerts"] == 0
    assert [m.to for m in mail.outbox] == [[world.customer.email]]
    # The concrete closing instant, in Brasília time — never "16 horas úteis".
    assert mail.outbox[0].subject == f"[#{ticket.pk}] Seu chamado será encerrado automaticamente em 03/12/2026 às 12:00"
    assert "encerrado automaticamente em 03/12/2026 às 12:00 (horário de Brasília)" in mail.outbox[0].body
    event = ticket.events.get(kind=EventKind.CLOSING_SOON)
    assert event.public
    assert SlaAlert.objects.get().kind == "closing_soon"


# --------------------------------------------------------------------------- notifications


@pytest.mark.django_db
def test_each_event_emails_the_right_people_once(world, on_commit):
    analyst, customer = world.analyst.email, world.customer.email
    ticket = on_commit(lambda: world.open_problem())
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([customer], f"[#{ticket.pk}] Recebemos seu chamado: {ticket.title}"),
        ([analyst], f"[#{ticket.pk}] Novo chamado na equipe: {ticket.title}"),
    ]
    steps = [
        (
            lambda: services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Olá", now=T0 + H),
            customer,
            "Nova resposta",
        ),
        (
            lambda: services.ticket_ask_customer(
                ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Envie o log."
            ),
            customer,
            "Precisamos de uma informação sua",
        ),
        (
            lambda: services.ticket_comment_add(ticket=ticket, author=world.customer, body="Log", now=T0 + 3 * H),
            analyst,
            "O cliente respondeu",
        ),
        (
            lambda: services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + 4 * H, note="Feito."),
            customer,
            "resolvido",
        ),
    ]
    for action, recipient, subject in steps:
        mail.outbox.clear()
        on_commit(action)
        assert [m.to for m in mail.outbox] == [[recipient]], subject
        assert subject in mail.outbox[0].subject
        html = mail.outbox[0].alternatives[0]
        assert html[1] == "text/html" and f"<strong>#{ticket.pk}: {ticket.title}</strong>" in html[0]
        assert "Olá" in mail.outbox[0].body

    # The customer's own confirmation is not e-mailed back to them; internal notes e-mail nobody.
    mail.outbox.clear()
    on_commit(
        lambda: services.ticket_comment_add(
            ticket=ticket, author=world.analyst, body="n", now=T0 + 5 * H, internal=True
        )
    )
    assert mail.outbox == []


@pytest.mark.django_db
def test_notifying_an_event_twice_sends_once(world):
    ticket = world.open_problem()
    event = ticket.events.get()
    assert notifications.event_notify(event_id=event.pk) == 2  # "recebemos seu chamado" + the team
    assert notifications.event_notify(event_id=event.pk) == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_reopen_refusal_is_emailed_to_the_customer(world, on_commit):
    ticket = _resolved_ticket(world)
    ticket = services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=T0 + 3 * H)
    request = services.reopen_request_create(ticket=ticket, actor=world.customer, reason="Voltou.", now=T0 + 4 * H)
    mail.outbox.clear()
    on_commit(
        lambda: services.reopen_request_refuse(
            request=request, actor=world.analyst, reason="Outro erro.", now=T0 + 5 * H
        )
    )
    assert [m.to for m in mail.outbox] == [[world.customer.email]]
    assert "Outro erro." in mail.outbox[0].body


# --------------------------------------------------------------------------- one timer mechanism: the sweep


@pytest.mark.django_db
def test_a_change_enqueues_only_its_e_mails_and_stores_the_instants_the_sweep_reads(
    world, use_tasks, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from servicedesk.outbox.models import OutboxMessage

    use_tasks({"BACKEND": "django_tasks_db.DatabaseBackend"})
    ticket = world.open_problem(severity="Alta")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Corrigido.")
    # One outbox row, written with the event, sends its e-mails: one relay task is enqueued.
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "servicedesk.outbox.tasks.relay_outbox_message"
    ]
    resolved = ticket.events.latest("pk")
    assert list(OutboxMessage.objects.filter(kind="call").values_list("path", "payload").order_by("pk")) == [
        ("servicedesk.tickets.notifications.event_notify", {"event_id": event.pk})
        for event in ticket.events.order_by("pk")
    ]
    assert OutboxMessage.objects.filter(kind="call").latest("pk").payload == {"event_id": resolved.pk}
    ticket.refresh_from_db()
    # Resolved Tue 12:00: 16 business hours = Tue 12–13, 14–18 (5 h) + Wed (8 h) + Thu 09–12 (3 h).
    assert ticket.auto_close_at == sp(2026, 12, 3, 12)
    # The closing warning, 8 business hours before it: Wed 12:00.
    assert ticket.sla_check_at == sp(2026, 12, 2, 12)
    assert tasks.run_sla_sweep(now=sp(2026, 12, 3, 11, 59))["closed"] == 0
    assert tasks.run_sla_sweep(now=sp(2026, 12, 3, 12))["closed"] == 1


@pytest.mark.django_db
def test_sla_sweeper_once_prints_the_counts(world):
    from io import StringIO

    from django.core.management import call_command

    opened = clock.now() - timedelta(days=20)
    ticket = world.open_problem(now=opened)
    services.ticket_resolve(ticket=ticket, actor=world.analyst, now=opened + H, note="Feito.")
    out = StringIO()
    call_command("sla_sweeper", "--once", stdout=out)  # wall clock: long after the closing
    assert "1 encerrado(s)" in out.getvalue()
    assert Ticket.objects.get().status == "ENCERRADO"
