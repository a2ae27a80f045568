"""The ticket lifecycle through the services: replies, diagnosis, pauses, resolution, closing,
reopening and reclassification (domain.md §3, §5, §7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicedesk.core.errors import Conflict, DomainError, NotAllowed
from servicedesk.sla.engine import BusinessCalendar
from servicedesk.tickets import services
from servicedesk.tickets.models import Comment, EventKind, ReopenRequest, Ticket, TicketEvent
from servicedesk.tickets.tests.factories import T0, sp
from servicedesk.tickets.workflow import Reason

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
CAL = BusinessCalendar.default()


def _snapshot(ticket: Ticket) -> tuple:
    """Everything a refused action must leave untouched."""
    row = Ticket.objects.filter(pk=ticket.pk).values().get()
    return (
        row,
        list(TicketEvent.objects.filter(ticket=ticket).values()),
        list(Comment.objects.filter(ticket=ticket).values()),
        list(ReopenRequest.objects.filter(ticket=ticket).values()),
    )


def _reply(world, ticket, now, body="Estamos analisando."):
    return services.ticket_comment_add(ticket=ticket, author=world.analyst, body=body, now=now)


def _customer_says(world, ticket, now, body="Segue a informação."):
    return services.ticket_comment_add(ticket=ticket, author=world.customer, body=body, now=now)


def _resolved(world, at=T0 + 2 * H):
    ticket = world.open_problem(severity="Alta")
    return services.ticket_resolve(ticket=ticket, actor=world.analyst, now=at, note="Corrigido o cálculo.")


def _closed(world):
    ticket = _resolved(world)
    return services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=T0 + 3 * H)


# --------------------------------------------------------------------------- diagnosis clock


def test_first_public_staff_reply_meets_diagnosis_and_picks_up(world):
    ticket = world.open_problem()
    _reply(world, ticket, T0 + H)
    ticket.refresh_from_db()
    assert ticket.status == "EM ATENDIMENTO"
    assert (ticket.diagnosis_met_at, ticket.diagnosis_state) == (T0 + H, "met")
    assert ticket.solution_state == "running" and ticket.solution_met_at is None
    assert ticket.next_due_at == ticket.solution_due_at
    event = ticket.events.get(kind=EventKind.PUBLIC_REPLY)
    assert (event.diagnosis, event.from_status, event.to_status) == (True, "NOVO", "EM ATENDIMENTO")

    # A second reply changes neither the status nor the met instant.
    _reply(world, ticket, T0 + 2 * H)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.diagnosis_met_at) == ("EM ATENDIMENTO", T0 + H)


def test_internal_note_and_customer_comment_do_not_meet_diagnosis(world):
    ticket = world.open_problem()
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Nota", now=T0 + H, internal=True)
    _customer_says(world, ticket, T0 + 2 * H)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.diagnosis_met_at, ticket.diagnosis_state) == ("NOVO", None, "running")


def test_explicit_diagnosis_meets_the_clock_once(world):
    ticket = world.open_problem()
    services.ticket_diagnosis_register(ticket=ticket, actor=world.analyst, now=T0 + H, note="Erro na fórmula.")
    ticket.refresh_from_db()
    assert (ticket.diagnosis_met_at, ticket.diagnosis_state) == (T0 + H, "met")

    before = _snapshot(ticket)
    with pytest.raises(DomainError) as exc:
        services.ticket_diagnosis_register(ticket=ticket, actor=world.analyst, now=T0 + 2 * H)
    assert exc.value.message == services.DIAGNOSIS_ALREADY
    assert _snapshot(ticket) == before


def test_customer_cannot_register_a_diagnosis(world):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(NotAllowed):
        services.ticket_diagnosis_register(ticket=ticket, actor=world.customer, now=T0 + H)
    assert _snapshot(ticket) == before


def test_resolution_meets_diagnosis_when_nothing_did(world):
    ticket = _resolved(world, at=T0 + 2 * H)
    assert ticket.status == "RESOLVIDO"
    assert (ticket.diagnosis_met_at, ticket.solution_met_at) == (T0 + 2 * H, T0 + 2 * H)
    assert (ticket.diagnosis_state, ticket.solution_state) == ("met", "met")
    assert ticket.next_due_at is None
    # Tue 12:00 + 16 business hours: Tue 5 h + Wed 8 h + Thu 09–12 → Thu 3 Dec 12:00.
    assert ticket.auto_close_at == sp(2026, 12, 3, 12)


def test_late_diagnosis_is_a_breach(world):
    ticket = world.open_problem(severity="Alta")  # due Thu 15:00
    _reply(world, ticket, sp(2026, 12, 3, 15))
    ticket.refresh_from_db()
    assert ticket.diagnosis_state == "met"  # met exactly at the deadline is met
    late = world.open_problem(severity="Alta")
    _reply(world, late, sp(2026, 12, 3, 15, 1))
    late.refresh_from_db()
    assert (late.diagnosis_state, late.breached) == ("breached", True)


# --------------------------------------------------------------------------- pauses and the customer


def test_waiting_for_customer_pauses_the_solution_and_shifts_its_deadline(world):
    # STARTER Alta opened Tue 1 Dec 10:00: solution 20 business days → Wed 30 Dec 10:00
    # (Dec 25 is a holiday; 24 and 31 are business days by default, domain.md §2).
    ticket = world.open_problem(severity="Alta")
    assert ticket.solution_due_at == sp(2026, 12, 30, 10)
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o holerite.")
    ticket.refresh_from_db()
    assert ticket.status == "AGUARDANDO CLIENTE"
    assert (ticket.diagnosis_state, ticket.solution_state) == ("met", "paused")  # the question met it
    assert ticket.auto_close_at == sp(2026, 12, 3, 11)  # Tue 11:00 + 16 business hours

    # Wed 11:00: eight business hours later the customer answers; the work resumes and the
    # deadline has moved by the 8 paused business hours: Thu 31 Dec 10:00.
    _customer_says(world, ticket, sp(2026, 12, 2, 11))
    ticket.refresh_from_db()
    assert ticket.status == "EM ATENDIMENTO"
    assert ticket.solution_state == "running"
    assert ticket.solution_due_at == sp(2026, 12, 31, 10)
    assert ticket.auto_close_at is None
    assert ticket.last_customer_interaction_at == sp(2026, 12, 2, 11)
    event = ticket.events.get(kind=EventKind.CUSTOMER_REPLY)
    assert (event.from_status, event.to_status, event.customer_interaction, event.reason) == (
        "AGUARDANDO CLIENTE",
        "EM ATENDIMENTO",
        True,
        "customer_reply",
    )


def test_a_pause_without_a_message_pauses_both_clocks(world):
    # SERVIÇOS from Tue 11:00 to Wed 11:00 (8 business hours), no message to the customer.
    # Diagnosis 20 h from Tue 10:00: Tue 7 h + Wed 8 h + Thu 09–13, 14–15 → Thu 15:00, shifted by
    # 8 h → Fri 4 Dec 15:00; solution Wed 30 Dec 10:00 → Thu 31 Dec 10:00.
    ticket = world.open_problem(severity="Alta")
    services.ticket_transition(ticket=ticket, to="SERVIÇOS", actor=world.analyst, now=T0 + H)
    ticket.refresh_from_db()
    assert (ticket.diagnosis_state, ticket.solution_state) == ("paused", "paused")
    services.ticket_transition(ticket=ticket, to="EM ATENDIMENTO", actor=world.analyst, now=sp(2026, 12, 2, 11))
    ticket.refresh_from_db()
    assert (ticket.diagnosis_state, ticket.solution_state) == ("running", "running")
    assert (ticket.diagnosis_due_at, ticket.solution_due_at) == (sp(2026, 12, 4, 15), sp(2026, 12, 31, 10))


def test_asking_the_customer_is_a_public_reply_that_meets_diagnosis(world):
    # §5: the diagnosis clock stops at the first public staff reply; the question is one.
    ticket = world.open_problem(severity="Alta")
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o holerite.")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.diagnosis_met_at, ticket.diagnosis_state) == ("AGUARDANDO CLIENTE", T0 + H, "met")
    assert ticket.solution_state == "paused"
    assert ticket.comments.get().is_internal is False


def test_asking_the_customer_needs_a_message(world):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(DomainError):
        services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="  ")
    assert _snapshot(ticket) == before


def test_customer_comment_on_resolved_reopens(world):
    ticket = _resolved(world)
    _customer_says(world, ticket, T0 + 4 * H, body="Continua errado.")
    ticket.refresh_from_db()
    assert ticket.status == "EM ATENDIMENTO"
    assert ticket.solution_met_at is None and ticket.solution_state == "running"
    assert ticket.diagnosis_met_at == T0 + 2 * H  # a diagnosis stays met
    assert ticket.closed_at is None and ticket.auto_close_at is None


def test_customer_attachment_on_resolved_reopens(world):
    from servicedesk.tickets.tests.factories import png_upload

    ticket = _resolved(world)
    services.ticket_attachment_add(ticket=ticket, uploader=world.customer, files=[png_upload()], now=T0 + 4 * H)
    ticket.refresh_from_db()
    assert ticket.status == "EM ATENDIMENTO"
    assert ticket.last_customer_interaction_at == T0 + 4 * H


def test_confirmation_closes(world):
    ticket = _resolved(world)
    services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=T0 + 3 * H)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == ("ENCERRADO", T0 + 3 * H)
    assert ticket.auto_close_at is None and ticket.next_due_at is None
    event = ticket.events.latest("id")
    assert (event.to_status, event.customer_interaction, event.actor) == ("ENCERRADO", True, world.customer)


def test_staff_cannot_confirm_for_the_customer(world):
    ticket = _resolved(world)
    before = _snapshot(ticket)
    with pytest.raises(NotAllowed):
        services.ticket_confirm_solution(ticket=ticket, actor=world.analyst, now=T0 + 3 * H)
    assert _snapshot(ticket) == before


def test_customer_cannot_comment_on_a_closed_ticket(world):
    ticket = _closed(world)
    before = _snapshot(ticket)
    with pytest.raises(DomainError) as exc:
        _customer_says(world, ticket, T0 + 5 * H)
    assert exc.value.message == services.COMMENT_ON_CLOSED
    assert _snapshot(ticket) == before


def test_customer_cannot_reopen_a_closed_ticket(world):
    ticket = _closed(world)
    before = _snapshot(ticket)
    # A customer never picks EM ATENDIMENTO (a reply resumes a waiting ticket; a closed one only
    # returns through an approved reopening request): refused as not the customer's to choose.
    with pytest.raises(NotAllowed) as refused:
        services.ticket_transition(ticket=ticket, to="EM ATENDIMENTO", actor=world.customer, now=T0 + 5 * H)
    assert refused.value.message == services.CUSTOMER_MOVES_ONLY
    with pytest.raises(services.TicketTransitionNotAllowed) as exc:
        services.ticket_transition(ticket=ticket, to="EM ATENDIMENTO", actor=world.analyst, now=T0 + 5 * H)
    assert exc.value.message == services.CLOSED_REOPEN_THROUGH_REQUEST
    assert _snapshot(ticket) == before


# --------------------------------------------------------------------------- reopen requests


def test_reopen_request_approved_resumes_the_solution_clock(world):
    ticket = world.open_problem(severity="Alta")
    _reply(world, ticket, T0 + H)  # diagnosis met Tue 11:00
    ticket = services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Feito.")  # Tue 12:00
    ticket = services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=T0 + 3 * H)
    request = services.reopen_request_create(
        ticket=ticket, actor=world.customer, reason="O erro voltou.", now=sp(2026, 12, 2, 12)
    )
    assert request.status == "pending"
    assert ticket.events.filter(kind=EventKind.REOPEN_REQUESTED).count() == 1

    reopened = services.reopen_request_approve(request=request, actor=world.analyst, now=sp(2026, 12, 3, 12))
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decided_at) == ("approved", world.analyst, sp(2026, 12, 3, 12))
    reopened.refresh_from_db()
    assert reopened.status == "EM ATENDIMENTO" and reopened.closed_at is None
    assert reopened.diagnosis_met_at == T0 + H
    assert reopened.solution_met_at is None and reopened.solution_state == "running"
    # 2 business hours ran (Tue 10–12); the stopped Tue 12:00 → Thu 12:00 (16 h) is a pause.
    # 158 h left from Thu 12:00: Thu 5 h + Dec 4, 7–11, 14–18, 21–24, 28–31 (19 days, 152 h) → Dec 31
    # 18:00 with 1 h to go; Jan 1 is a holiday, then the weekend → Mon 4 Jan 2027 10:00.
    assert reopened.solution_due_at == sp(2027, 1, 4, 10)


def test_reopen_request_refused_with_a_reason(world):
    ticket = _closed(world)
    request = services.reopen_request_create(ticket=ticket, actor=world.customer, reason="Voltou.", now=T0 + 4 * H)
    with pytest.raises(DomainError) as exc:
        services.reopen_request_refuse(request=request, actor=world.analyst, reason=" ", now=T0 + 5 * H)
    assert exc.value.message == services.REASON_REQUIRED
    services.reopen_request_refuse(request=request, actor=world.analyst, reason="Outro problema.", now=T0 + 5 * H)
    request.refresh_from_db()
    ticket.refresh_from_db()
    assert (request.status, request.decision_reason, request.decided_by) == (
        "refused",
        "Outro problema.",
        world.analyst,
    )
    assert ticket.status == "ENCERRADO"
    refused = ticket.events.get(kind=EventKind.REOPEN_REFUSED)
    assert refused.data["reason"] == "Outro problema."

    before = _snapshot(ticket)
    with pytest.raises(DomainError) as exc:
        services.reopen_request_approve(request=request, actor=world.analyst, now=T0 + 6 * H)
    assert exc.value.message == services.REOPEN_NOT_PENDING
    assert _snapshot(ticket) == before


def test_reopen_request_rules(world):
    open_ticket = world.open_problem()
    with pytest.raises(DomainError) as exc:
        services.reopen_request_create(ticket=open_ticket, actor=world.customer, reason="x", now=T0 + H)
    assert exc.value.message == services.REOPEN_ONLY_CLOSED

    ticket = _closed(world)
    with pytest.raises(NotAllowed):
        services.reopen_request_create(ticket=ticket, actor=world.analyst, reason="x", now=T0 + 4 * H)
    with pytest.raises(DomainError):
        services.reopen_request_create(ticket=ticket, actor=world.customer, reason="", now=T0 + 4 * H)
    request = services.reopen_request_create(ticket=ticket, actor=world.customer, reason="x", now=T0 + 4 * H)
    before = _snapshot(ticket)
    with pytest.raises(DomainError) as exc:
        services.reopen_request_create(ticket=ticket, actor=world.customer, reason="y", now=T0 + 5 * H)
    assert exc.value.message == services.REOPEN_ALREADY_PENDING
    with pytest.raises(NotAllowed):
        services.reopen_request_approve(request=request, actor=world.customer, now=T0 + 5 * H)
    assert _snapshot(ticket) == before


# --------------------------------------------------------------------------- reclassification


def test_reclassification_records_who_when_what_and_why(world):
    ticket = world.open_problem(severity="Alta")
    services.ticket_reclassify(
        ticket=ticket,
        actor=world.analyst,
        now=T0 + H,
        severity="Crítica",
        justification="Folha de 3.000 pessoas parada.",
        triggering_fact="Fechamento da folha amanhã.",
    )
    ticket.refresh_from_db()
    event = ticket.events.get(kind=EventKind.RECLASSIFIED)
    assert (event.actor, event.at, event.new_severity, event.new_type) == (world.analyst, T0 + H, "Crítica", "")
    assert event.data == {
        "from_type": "Problema",
        "to_type": "Problema",
        "from_severity": "Alta",
        "to_severity": "Crítica",
        "justification": "Folha de 3.000 pessoas parada.",
        "triggering_fact": "Fechamento da folha amanhã.",
    }
    # Deadlines recomputed from the opening with the new target (STARTER Crítica: 10 h × 5 days).
    assert ticket.severity == "Crítica"
    assert ticket.diagnosis_due_at == sp(2026, 12, 2, 12)  # Tue 7 h + Wed 09–12
    assert ticket.solution_due_at == sp(2026, 12, 8, 10)  # five business days from Tue 10:00


def test_reclassification_requires_a_justification(world):
    ticket = world.open_problem(severity="Alta")
    before = _snapshot(ticket)
    with pytest.raises(DomainError) as exc:
        services.ticket_reclassify(ticket=ticket, actor=world.analyst, now=T0 + H, severity="Baixa", justification=" ")
    assert exc.value.message == services.RECLASSIFY_JUSTIFICATION_REQUIRED
    with pytest.raises(NotAllowed):
        services.ticket_reclassify(ticket=ticket, actor=world.customer, now=T0 + H, severity="Baixa", justification="x")
    with pytest.raises(DomainError) as exc:
        services.ticket_reclassify(ticket=ticket, actor=world.analyst, now=T0 + H, severity="Alta", justification="x")
    assert exc.value.message == services.RECLASSIFY_NOTHING
    assert _snapshot(ticket) == before


def test_type_change_to_question_sets_normal(world):
    ticket = world.open_problem(severity="Crítica")
    services.ticket_reclassify(ticket=ticket, actor=world.analyst, now=T0 + H, type="Dúvida", justification="É dúvida.")
    ticket.refresh_from_db()
    assert (ticket.type, ticket.severity) == ("Dúvida", "Normal")
    event = ticket.events.get(kind=EventKind.RECLASSIFIED)
    assert (event.new_type, event.new_severity) == ("Dúvida", "Normal")
    assert ticket.diagnosis_due_at == sp(2026, 12, 4, 17)  # 30 h: Tue 7 + Wed 8 + Thu 8 + Fri 09–13, 14–17

    # Severity change on a Dúvida is refused; changing back to Problema keeps Normal.
    before = _snapshot(ticket)
    with pytest.raises(DomainError) as exc:
        services.ticket_reclassify(
            ticket=ticket, actor=world.analyst, now=T0 + 2 * H, severity="Alta", justification="x"
        )
    assert exc.value.message == services.SEVERITY_CHANGE_NOT_ALLOWED
    assert _snapshot(ticket) == before
    services.ticket_reclassify(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, type="Problema", justification="y")
    ticket.refresh_from_db()
    assert (ticket.type, ticket.severity) == ("Problema", "Normal")


def test_downgrade_lifts_a_breach(world):
    ticket = world.open_problem(requester=world.premium_customer, severity="Crítica")  # diagnosis due Tue 17:00
    services.ticket_reclassify(
        ticket=ticket,
        actor=world.analyst,
        now=sp(2026, 12, 1, 17, 30),
        severity="Normal",
        justification="Não é crítico.",
    )
    ticket.refresh_from_db()
    assert ticket.diagnosis_state == "running" and not ticket.breached
    assert ticket.diagnosis_due_at == sp(2026, 12, 3, 10)  # PREMIUM Normal 16 h: Tue 7 + Wed 8 + Thu 09–10


# --------------------------------------------------------------------------- refused transitions change nothing


def test_customer_cannot_resolve(world):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(NotAllowed) as refused:
        services.ticket_transition(ticket=ticket, to="RESOLVIDO", actor=world.customer, now=T0 + H)
    assert refused.value.message == services.CUSTOMER_MOVES_ONLY
    with pytest.raises(NotAllowed):
        services.ticket_resolve(ticket=ticket, actor=world.customer, now=T0 + H)
    assert _snapshot(ticket) == before


@pytest.mark.parametrize("target", ["NOVO", "ENCERRADO"])
def test_staff_cannot_move_to_opening_or_closed_status(world, target):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(services.TicketTransitionNotAllowed) as exc:
        services.ticket_transition(ticket=ticket, to=target, actor=world.analyst, now=T0 + H)
    assert exc.value.message == services.TICKET_TRANSITION_NOT_ALLOWED.format(from_status="NOVO", to_status=target)
    assert _snapshot(ticket) == before


def test_cancelled_ticket_accepts_no_transition(world):
    ticket = world.open_problem()
    services.ticket_cancel(ticket=ticket, actor=world.customer, now=T0 + H)
    ticket.refresh_from_db()
    assert ticket.status == "CANCELADO"
    before = _snapshot(ticket)
    with pytest.raises(services.TicketTransitionNotAllowed):
        services.ticket_transition(ticket=ticket, to="EM ATENDIMENTO", actor=world.analyst, now=T0 + 2 * H)
    for target, refusal in (
        ("EM ATENDIMENTO", NotAllowed),  # never the customer's to choose
        ("CANCELADO", services.TicketTransitionNotAllowed),  # the customer's, but not from CANCELADO
        ("ENCERRADO", services.TicketTransitionNotAllowed),
    ):
        with pytest.raises(refusal):
            services.ticket_transition(ticket=ticket, to=target, actor=world.customer, now=T0 + 2 * H)
    assert _snapshot(ticket) == before


def test_unknown_status_is_refused(world):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(DomainError):
        services.ticket_transition(ticket=ticket, to="PERDIDO", actor=world.analyst, now=T0 + H)
    assert _snapshot(ticket) == before


def test_staff_cancel_needs_a_reason(world):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(DomainError):
        services.ticket_cancel(ticket=ticket, actor=world.analyst, now=T0 + H)
    assert _snapshot(ticket) == before


def test_stale_revision_is_refused_and_changes_nothing(world):
    ticket = world.open_problem()
    stale = ticket.revision
    _reply(world, ticket, T0 + H)
    ticket.refresh_from_db()
    assert ticket.revision > stale
    before = _snapshot(ticket)
    for action in (
        lambda: services.ticket_transition(
            ticket=ticket, to="MANUTENÇÃO", actor=world.analyst, now=T0 + 2 * H, expected_revision=stale
        ),
        lambda: services.ticket_comment_add(
            ticket=ticket, author=world.analyst, body="x", now=T0 + 2 * H, expected_revision=stale
        ),
        lambda: services.ticket_reclassify(
            ticket=ticket,
            actor=world.analyst,
            now=T0 + 2 * H,
            severity="Baixa",
            justification="x",
            expected_revision=stale,
        ),
        lambda: services.ticket_assign(
            ticket=ticket, actor=world.analyst, now=T0 + 2 * H, assignee=world.analyst, expected_revision=stale
        ),
        lambda: services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, expected_revision=stale),
    ):
        with pytest.raises(Conflict) as exc:
            action()
        assert exc.value.message == services.TICKET_CHANGED
    assert _snapshot(ticket) == before

    # With the current revision the same change goes through and bumps it.
    services.ticket_transition(
        ticket=ticket, to="MANUTENÇÃO", actor=world.analyst, now=T0 + 2 * H, expected_revision=ticket.revision
    )
    assert Ticket.objects.get(pk=ticket.pk).revision == ticket.revision + 1


def test_customer_cannot_write_internal_notes(world):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(NotAllowed):
        services.ticket_comment_add(ticket=ticket, author=world.customer, body="x", now=T0 + H, internal=True)
    with pytest.raises(DomainError):
        services.ticket_comment_add(ticket=ticket, author=world.customer, body="  ", now=T0 + H)
    assert _snapshot(ticket) == before


def test_assignment_is_recorded_and_only_to_staff(world):
    ticket = world.open_problem()
    before = _snapshot(ticket)
    with pytest.raises(DomainError) as exc:
        services.ticket_assign(ticket=ticket, actor=world.analyst, now=T0 + H, assignee=world.customer)
    assert exc.value.message == services.ASSIGNEE_NOT_STAFF
    assert _snapshot(ticket) == before
    services.ticket_assign(ticket=ticket, actor=world.manager, now=T0 + H, assignee=world.analyst)
    ticket.refresh_from_db()
    assert ticket.assignee == world.analyst
    event = ticket.events.get(kind=EventKind.ASSIGNED)
    assert (event.public, event.data["to_assignee"]) == (False, world.analyst.pk)


# --------------------------------------------------------------------------- a closing already due (§7)


def test_customer_comment_after_a_due_closing_does_not_reopen(world):
    # Resolved Tue 12:00; 16 business hours later (Thu 12:00) it has closed, even if no sweep ran.
    ticket = _resolved(world)
    due = sp(2026, 12, 3, 12)
    assert ticket.auto_close_at == due
    with pytest.raises(DomainError) as refused:
        _customer_says(world, ticket, due + timedelta(minutes=1), body="Ainda com erro.")
    assert refused.value.message == services.COMMENT_ON_CLOSED
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == ("ENCERRADO", due)
    assert ticket.events.filter(kind=EventKind.AUTO_CLOSED).count() == 1
    assert not ticket.comments.filter(body="Ainda com erro.").exists()


def test_customer_comment_exactly_at_the_closing_instant_is_too_late(world):
    ticket = _resolved(world)
    with pytest.raises(DomainError):
        _customer_says(world, ticket, sp(2026, 12, 3, 12))
    ticket.refresh_from_db()
    assert ticket.status == "ENCERRADO"


def test_confirmation_after_a_due_closing_finds_the_ticket_closed(world):
    ticket = _resolved(world)
    with pytest.raises(services.TicketTransitionNotAllowed):
        services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=sp(2026, 12, 4, 9))
    ticket.refresh_from_db()
    assert ticket.status == "ENCERRADO"
    assert ticket.events.get(kind=EventKind.AUTO_CLOSED).at == sp(2026, 12, 3, 12)


def test_answer_after_a_due_closing_of_a_waiting_ticket_does_not_resume(world):
    ticket = world.open_problem()
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o log.")
    with pytest.raises(DomainError):
        _customer_says(world, ticket, sp(2026, 12, 3, 11, 30))  # due Thu 11:00
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == ("ENCERRADO", sp(2026, 12, 3, 11))


def test_a_reason_the_actor_may_not_use_is_refused_and_changes_nothing(world):
    # The one entry point checks the reason's actor kind and capability: a customer cannot use
    # the staff's reason, staff cannot use the customer's confirmation, nobody the system's.
    ticket = world.open_problem()
    before = _snapshot(ticket)
    for actor, reason in (
        (world.customer, Reason.STAFF_ACTION),
        (world.analyst, Reason.CONFIRMATION),
        (world.analyst, Reason.AUTO_CLOSE),
    ):
        with pytest.raises(NotAllowed):
            services.ticket_transition(ticket=ticket, to="RESOLVIDO", actor=actor, now=T0 + H, reason=reason)
    assert _snapshot(ticket) == before
