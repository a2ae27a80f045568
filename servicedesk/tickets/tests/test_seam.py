"""The seam around the SLA engine, through the services (issue 7): how each action maps to the
engine's keys, who may act (domain.md §3 and the capability table, checked in the services),
and what every page reads while a ticket is paused. Expected instants are worked out by hand.

The world (tickets/tests/conftest.py): Acme on STARTER (Alta: diagnosis 20 h, solution 20
business days), the default calendar (Mon–Fri 09–13, 14–18), T0 = Tue 1 Dec 2026 10:00.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from servicedesk.accounts.models import Role, TeamKind, TrainingRecord
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.sla.adapters import engine_calendar
from servicedesk.sla.services import ticket_clocks, ticket_sla_view
from servicedesk.tickets import access, services, tasks
from servicedesk.tickets.models import Comment, EventKind, ReopenRequest, Ticket, TicketEvent
from servicedesk.tickets.tests.factories import T0, CustomerFactory, StaffFactory, TeamFactory, png_upload, sp
from servicedesk.ui.templatetags.desk import sla_summary

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def _snapshot(ticket: Ticket) -> tuple:
    """Everything a refused action must leave untouched."""
    return (
        Ticket.objects.filter(pk=ticket.pk).values().get(),
        list(TicketEvent.objects.filter(ticket=ticket).values()),
        list(Comment.objects.filter(ticket=ticket).values()),
        list(ReopenRequest.objects.filter(ticket=ticket).values()),
        ticket.attachments.count(),
    )


def _subjects_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if address in m.to]


# --------------------------------------------------------------------------- §7: what counts as customer interaction


def test_a_staff_public_reply_on_a_waiting_ticket_does_not_move_the_automatic_closing(world):
    ticket = world.open_problem()
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o log.")
    # Asked Tue 11:00: Tue 11–13, 14–18 (6 h) + Wed (8 h) + Thu 09–11 (2 h) → Thu 3 Dec 11:00.
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Lembrete: o log.", now=sp(2026, 12, 2, 10))
    ticket.refresh_from_db()
    assert ticket.status == "AGUARDANDO CLIENTE"
    assert ticket.auto_close_at == sp(2026, 12, 3, 11)
    assert ticket.last_customer_interaction_at == T0  # the opening, never a staff message
    reply = ticket.events.get(kind=EventKind.PUBLIC_REPLY)
    assert reply.customer_interaction is False
    assert tasks.run_sla_sweep(now=sp(2026, 12, 3, 10, 59))["closed"] == 0
    assert tasks.run_sla_sweep(now=sp(2026, 12, 3, 11))["closed"] == 1


def test_a_customer_attachment_is_a_customer_interaction(world, on_commit):
    ticket = world.open_problem()
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o log.")
    mail.outbox.clear()
    on_commit(
        lambda: services.ticket_attachment_add(
            ticket=ticket, uploader=world.customer, files=[png_upload("log.png")], now=sp(2026, 12, 2, 10)
        )
    )
    ticket.refresh_from_db()
    assert ticket.status == "EM ATENDIMENTO"  # §7: it resumes the work, like a message
    assert ticket.last_customer_interaction_at == sp(2026, 12, 2, 10)
    event = ticket.events.get(kind=EventKind.ATTACHMENT)
    assert (event.customer_interaction, event.reason, event.to_status) == (True, "customer_reply", "EM ATENDIMENTO")
    # The team (Ana) is told that the customer answered.
    assert _subjects_to(world.analyst.email) == [f"[#{ticket.pk}] O cliente respondeu: {ticket.title}"]

    # On a ticket in progress it stays in progress, still an interaction the team hears of.
    mail.outbox.clear()
    on_commit(
        lambda: services.ticket_attachment_add(
            ticket=ticket, uploader=world.customer, files=[png_upload("mais.png")], now=sp(2026, 12, 2, 11)
        )
    )
    latest = ticket.events.filter(kind=EventKind.ATTACHMENT).last()
    assert (latest.customer_interaction, latest.to_status) == (True, "")
    assert _subjects_to(world.analyst.email) == [f"[#{ticket.pk}] O cliente respondeu: {ticket.title}"]


def test_several_files_are_all_or_nothing(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ticket = world.open_problem()
    before = _snapshot(ticket)
    executable = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 64, content_type="image/png")
    with pytest.raises(DomainError):
        services.ticket_attachment_add(
            ticket=ticket, uploader=world.customer, files=[png_upload("ok.png"), executable], now=T0 + H
        )
    assert _snapshot(ticket) == before


# --------------------------------------------------------------------------- §5: a paused ticket, read later


def test_a_paused_ticket_read_a_day_later_keeps_its_time_left_and_moves_its_deadline(world):
    # Alta: diagnosis 20 h. SERVIÇOS from Tue 11:00 (1 h ran): 19 h left on the diagnosis.
    ticket = world.open_problem(severity="Alta")
    services.ticket_transition(ticket=ticket, to="SERVIÇOS", actor=world.analyst, now=T0 + H)
    ticket.refresh_from_db()
    cal = engine_calendar(ticket.calendar)
    expected = {
        # If it resumed Tue 11:00: Tue 11–13, 14–18 (6 h) + Wed (8 h) + Thu 09–13 (4 h) + 14–15 → Thu 15:00.
        T0 + H: sp(2026, 12, 3, 15),
        # If it resumed Wed 11:00, a day later: Wed 6 h + Thu 8 h + Fri 09–13, 14–15 → Fri 4 Dec 15:00.
        sp(2026, 12, 2, 11): sp(2026, 12, 4, 15),
        # Saturday: it would resume Monday 09:00 → Mon 8 h + Tue 8 h + Wed 09–12 → Wed 9 Dec 12:00.
        sp(2026, 12, 5, 10): sp(2026, 12, 9, 12),
    }
    for moment, due in expected.items():
        view = ticket_sla_view(ticket, now=moment, calendar=cal)
        assert (view.diagnosis.due_at, view.diagnosis.state, view.diagnosis.left) == (due, "paused", 19 * H)
        # The badge says the same thing at any of these instants: 19 h = 2 business days 3 h.
        badge = sla_summary(ticket, now=moment, calendar=cal)
        assert badge["label"] == "Pausado · Diagnóstico: 2d 3h úteis"
        # And the engine, run on the whole history at that instant, agrees (GET /tickets/{n}/sla).
        report = ticket_clocks(ticket, as_of=moment)
        assert (report.diagnosis.due_at, report.diagnosis.state) == (due, "paused")
        assert report.solution.due_at == view.solution.due_at


def test_a_pause_that_begins_after_the_deadline_leaves_the_breach_where_it_was(world):
    # Alta diagnosis 20 h from Tue 10:00 → Thu 3 Dec 15:00. Still unmet on Fri at 10:00, then
    # paused: the deadline stays Thu 15:00 and the ticket stays breached, whenever it is read.
    ticket = world.open_problem(severity="Alta")
    services.ticket_transition(ticket=ticket, to="SERVIÇOS", actor=world.analyst, now=sp(2026, 12, 4, 10))
    ticket.refresh_from_db()
    assert (ticket.diagnosis_due_at, ticket.diagnosis_state, ticket.breached) == (
        sp(2026, 12, 3, 15),
        "breached",
        True,
    )
    for moment in (sp(2026, 12, 4, 10), sp(2026, 12, 10, 16)):
        view = ticket_sla_view(ticket, now=moment)
        assert (view.diagnosis.due_at, view.diagnosis.state) == (sp(2026, 12, 3, 15), "breached")
        report = ticket_clocks(ticket, as_of=moment)
        assert (report.diagnosis.due_at, report.diagnosis.state) == (sp(2026, 12, 3, 15), "breached")
        assert sla_summary(ticket, now=moment, calendar=engine_calendar(ticket.calendar))["state"] == "breached"


def test_an_auto_closed_waiting_ticket_is_never_labelled_solution_delivered(world):
    ticket = world.open_problem()
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o log.")
    tasks.run_sla_sweep(now=sp(2026, 12, 3, 11))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.solution_met_at) == ("ENCERRADO", None)
    badge = sla_summary(ticket, now=sp(2026, 12, 3, 12), calendar=engine_calendar(ticket.calendar))
    assert (badge["state"], badge["label"]) == ("stopped", "Encerrado sem solução")
    assert "16 horas úteis sem resposta do cliente" in badge["title"]

    solved = world.open_problem()
    services.ticket_resolve(ticket=solved, actor=world.analyst, now=T0 + H, note="Corrigido.")
    services.ticket_confirm_solution(ticket=solved, actor=world.customer, now=T0 + 2 * H)
    solved.refresh_from_db()
    badge = sla_summary(solved, now=T0 + 3 * H, calendar=engine_calendar(solved.calendar))
    assert (badge["label"], badge["title"]) == ("SLA cumprido", "Solução entregue dentro do prazo")


# --------------------------------------------------------------------------- §3: who may act on a ticket


@pytest.fixture
def colleagues(world):
    """Joana's colleagues at Acme: Marta (trained), Lúcia (trained approver), Pedro (untrained)."""
    return {
        "marta": CustomerFactory(username="marta", organization=world.org),
        "lucia": CustomerFactory(username="lucia", organization=world.org, is_approver=True),
        "pedro": world.untrained,
    }


def test_an_untrained_user_reads_but_cannot_act_on_a_colleagues_ticket(world, colleagues):
    ticket = world.open_problem()
    pedro = colleagues["pedro"]
    assert access.ticket_queryset_for(pedro).filter(pk=ticket.pk).exists()
    before = _snapshot(ticket)
    for attempt in (
        lambda: services.ticket_comment_add(ticket=ticket, author=pedro, body="Também acontece aqui.", now=T0 + H),
        lambda: services.ticket_attachment_add(ticket=ticket, uploader=pedro, files=[png_upload()], now=T0 + H),
        lambda: services.ticket_cancel(ticket=ticket, actor=pedro, now=T0 + H),
    ):
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert refused.value.message == access.UNTRAINED_READ_ONLY
    assert _snapshot(ticket) == before


def test_an_untrained_user_acts_on_the_training_request_he_opened(world, colleagues):
    pedro = colleagues["pedro"]
    request = services.ticket_training_request(
        requester=pedro, module=world.module, description="Preciso do treinamento.", now=T0
    )
    services.ticket_comment_add(ticket=request, author=pedro, body="Posso na quinta à tarde.", now=T0 + H)
    services.ticket_cancel(ticket=request, actor=pedro, now=T0 + 2 * H)
    request.refresh_from_db()
    assert request.status == "CANCELADO"
    # Another colleague's training request is not his to act on.
    joanas = services.ticket_training_request(requester=world.customer, module=world.module, description="", now=T0)
    with pytest.raises(NotAllowed):
        services.ticket_comment_add(ticket=joanas, author=pedro, body="Eu também.", now=T0 + H)


def test_an_expired_training_is_no_training(world, colleagues):
    marta = colleagues["marta"]
    TrainingRecord.objects.filter(user=marta).update(expires_on=date(2026, 11, 30))
    ticket = world.open_problem()
    with pytest.raises(NotAllowed) as refused:
        services.ticket_comment_add(ticket=ticket, author=marta, body="Aqui também.", now=T0 + H)
    assert refused.value.message == access.UNTRAINED_READ_ONLY


def test_a_trained_colleague_replies_and_adds_evidence_but_only_requester_or_approver_decide(
    world, colleagues, on_commit
):
    marta, lucia = colleagues["marta"], colleagues["lucia"]
    ticket = world.open_problem()
    mail.outbox.clear()
    on_commit(lambda: services.ticket_comment_add(ticket=ticket, author=marta, body="Aqui também.", now=T0 + H))
    services.ticket_attachment_add(ticket=ticket, uploader=marta, files=[png_upload()], now=T0 + H)
    # §3: when someone other than the requester acts, the requester is told.
    assert _subjects_to(world.customer.email) == [f"[#{ticket.pk}] Cliente agiu no seu chamado"]

    before = _snapshot(ticket)
    with pytest.raises(NotAllowed) as refused:
        services.ticket_cancel(ticket=ticket, actor=marta, now=T0 + 2 * H)
    assert refused.value.message == access.REQUESTER_OR_APPROVER_ONLY
    assert _snapshot(ticket) == before

    services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Corrigido.")
    with pytest.raises(NotAllowed):
        services.ticket_confirm_solution(ticket=ticket, actor=marta, now=T0 + 3 * H)
    mail.outbox.clear()
    on_commit(lambda: services.ticket_confirm_solution(ticket=ticket, actor=lucia, now=T0 + 3 * H))
    ticket.refresh_from_db()
    assert ticket.status == "ENCERRADO"
    assert _subjects_to(world.customer.email) == [f"[#{ticket.pk}] Chamado encerrado: {ticket.title}"]
    with pytest.raises(NotAllowed):
        services.reopen_request_create(ticket=ticket, actor=marta, reason="Voltou a falhar.", now=T0 + 4 * H)
    services.reopen_request_create(ticket=ticket, actor=lucia, reason="Voltou a falhar.", now=T0 + 4 * H)


def test_an_approver_cancels_a_colleagues_ticket_and_the_requester_and_assignee_are_told(world, colleagues, on_commit):
    ticket = world.open_problem()
    services.ticket_assign(ticket=ticket, actor=world.analyst, assignee=world.analyst, now=T0 + H)
    mail.outbox.clear()
    on_commit(
        lambda: services.ticket_cancel(ticket=ticket, actor=colleagues["lucia"], now=T0 + 2 * H, reason="Duplicado.")
    )
    ticket.refresh_from_db()
    assert ticket.status == "CANCELADO"
    assert _subjects_to(world.customer.email) == [f"[#{ticket.pk}] Chamado cancelado: {ticket.title}"]
    assert _subjects_to(world.analyst.email) == [f"[#{ticket.pk}] Chamado cancelado: {ticket.title}"]


def test_the_portal_offers_only_what_the_services_accept(world, colleagues):
    ticket = world.open_problem()
    services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + H, note="Corrigido.")
    ticket.refresh_from_db()

    def offered(user):
        actions = access.ticket_customer_actions(user, ticket, now=T0 + 2 * H, reopen_pending=False)
        return {name for name, allowed in actions.items() if allowed}

    assert offered(world.customer) == {"reply", "confirm"}
    assert offered(colleagues["marta"]) == {"reply"}
    assert offered(colleagues["lucia"]) == {"reply", "confirm"}
    assert offered(colleagues["pedro"]) == set()


# --------------------------------------------------------------------------- capabilities, in the services


@pytest.mark.parametrize("role", [Role.MAINTENANCE, Role.COMMERCIAL])
def test_maintenance_and_commercial_staff_cannot_triage_through_the_services(world, role):
    staff = StaffFactory(username=f"staff-{role}", role=role)
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(NotAllowed):
        services.ticket_reclassify(ticket=ticket, actor=staff, now=T0 + H, justification="x", severity="Crítica")
    with pytest.raises(NotAllowed):
        services.ticket_assign(ticket=ticket, actor=staff, assignee=staff, now=T0 + H)
    assert _snapshot(ticket) == before
    # Reopening decisions are triage too.
    services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + H, note="Ok.")
    services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=T0 + 2 * H)
    request = services.reopen_request_create(ticket=ticket, actor=world.customer, reason="Falhou.", now=T0 + 3 * H)
    with pytest.raises(NotAllowed):
        services.reopen_request_approve(request=request, actor=staff, now=T0 + 4 * H)
    with pytest.raises(NotAllowed):
        services.reopen_request_refuse(request=request, actor=staff, reason="Não.", now=T0 + 4 * H)
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_manager_moves_tickets_only_within_the_teams_she_manages(world):
    other_team = TeamFactory(name="Suporte B")
    elsewhere = TeamFactory(name="Manutenção", kind=TeamKind.MAINTENANCE)
    ticket = world.open_problem()  # routed to Suporte A, which Gabriela manages
    before = _snapshot(ticket)
    with pytest.raises(NotAllowed) as refused:
        services.ticket_assign(ticket=ticket, actor=world.manager, assignee=None, team=elsewhere, now=T0 + H)
    assert refused.value.message == services.TEAM_NOT_MANAGED
    assert _snapshot(ticket) == before

    world.manager.managed_teams.add(other_team)
    services.ticket_assign(ticket=ticket, actor=world.manager, assignee=None, team=other_team, now=T0 + H)
    ticket.refresh_from_db()
    assert ticket.team == other_team
    world.manager.managed_teams.remove(other_team)
    with pytest.raises(NotAllowed) as refused:
        services.ticket_assign(ticket=ticket, actor=world.manager, assignee=world.analyst, now=T0 + 2 * H)
    assert refused.value.message == services.TICKET_NOT_IN_MANAGED_TEAM


def test_customers_cannot_assign_or_reclassify(world):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(NotAllowed):
        services.ticket_assign(ticket=ticket, actor=world.customer, assignee=world.analyst, now=T0 + H)
    with pytest.raises(NotAllowed):
        services.ticket_reclassify(ticket=ticket, actor=world.customer, now=T0 + H, justification="x", severity="Baixa")
    assert _snapshot(ticket) == before


def test_another_organizations_customer_cannot_act_through_the_services(world):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    for attempt in (
        lambda: services.ticket_comment_add(ticket=ticket, author=world.other_customer, body="Oi", now=T0 + H),
        lambda: services.ticket_cancel(ticket=ticket, actor=world.other_customer, now=T0 + H),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert _snapshot(ticket) == before


# --------------------------------------------------------------------------- e-mail headers


def test_a_line_break_in_a_title_never_reaches_an_e_mail_header(world, on_commit):
    ticket = on_commit(lambda: world.open_problem(title="Folha parada\r\nBcc: atacante@evil.example"))
    ticket.refresh_from_db()
    assert ticket.title == "Folha parada Bcc: atacante@evil.example"
    subjects = _subjects_to(world.analyst.email)
    assert subjects == [f"[#{ticket.pk}] Novo chamado na equipe: Folha parada Bcc: atacante@evil.example"]
    assert all("atacante@evil.example" not in address for m in mail.outbox for address in m.to + m.bcc)
