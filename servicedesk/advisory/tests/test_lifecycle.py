"""domain.md §8 through the services: proposal → acceptance → entries → report → validation →
billing lines, with the ticket's status, clock and history following the transition table."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from servicedesk.advisory import services
from servicedesk.advisory.access import access_proposal, proposal_queryset_for
from servicedesk.advisory.models import (
    ActivityReport,
    BillingLine,
    Engagement,
    PriceItem,
    PriceUnit,
    Proposal,
    TimeEntry,
)
from servicedesk.advisory.services import engagements as engagement_rules
from servicedesk.advisory.services import proposals as proposal_rules
from servicedesk.advisory.services import reports as report_rules
from servicedesk.advisory.tests.helpers import FIXED, ONSITE, REMOTE, T0, H, sp
from servicedesk.core.errors import Conflict, DomainError, NotAllowed, NotFound
from servicedesk.tickets.models import EventKind, Ticket

pytestmark = pytest.mark.django_db


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def snapshot():
    """Every advisory row and the ticket columns a refused action must leave as they were."""
    return (
        list(Proposal.objects.values()),
        list(Engagement.objects.values()),
        list(TimeEntry.objects.values()),
        list(ActivityReport.objects.values("pk", "status", "version", "amount")),
        list(BillingLine.objects.values()),
        list(Ticket.objects.values("pk", "status", "revision")),
    )


# --------------------------------------------------------------------------- proposals


def test_a_draft_puts_the_ticket_in_com_proposta_and_copies_the_price(adv):
    proposal = adv.draft(hours="12.5")
    ticket = fresh(adv.ticket)
    assert ticket.status == "COM-PROPOSTA"
    assert proposal.status == "rascunho"
    assert (proposal.price_code, proposal.unit_price) == (REMOTE, Decimal("180.00"))
    assert proposal.estimated_amount == Decimal("2250.00")  # 12,5 h × 180,00
    event = ticket.events.get(kind=EventKind.PROPOSAL_DRAFTED)
    assert (event.actor, event.reason, event.from_status, event.to_status) == (
        adv.analyst,
        "proposal_drafted",
        "NOVO",
        "COM-PROPOSTA",
    )


def test_a_draft_is_internal_until_it_is_sent(adv):
    proposal = adv.draft()
    assert not proposal_queryset_for(adv.approver).exists()
    with pytest.raises(NotFound):
        access_proposal(adv.approver, proposal.pk)
    services.proposal_send(proposal=proposal, actor=adv.analyst, now=T0 + 2 * H)
    assert access_proposal(adv.approver, proposal.pk).pk == proposal.pk
    with pytest.raises(NotFound):  # another organization's approver
        access_proposal(adv.other_approver, proposal.pk)


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("scope", {"scope": "   "}, proposal_rules.SCOPE_REQUIRED),
        ("modality", {"modality": "híbrida"}, proposal_rules.MODALITY_INVALID),
        ("billing", {"billing": "mensal"}, proposal_rules.BILLING_INVALID),
        ("estimated_hours", {"hours": "0"}, proposal_rules.HOURS_INVALID),
        ("estimated_hours", {"hours": "-3"}, proposal_rules.HOURS_INVALID),
        ("estimated_hours", {"hours": "1.005"}, proposal_rules.HOURS_INVALID),
        ("estimated_hours", {"hours": "abc"}, proposal_rules.HOURS_INVALID),
        ("price_item", {"item": "NAO-EXISTE"}, proposal_rules.PRICE_ITEM_UNKNOWN),
    ],
)
def test_bad_terms_are_refused_and_change_nothing(adv, field, kwargs, message):
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        adv.draft(**kwargs)
    assert field in refused.value.fields
    if field != "price_item":
        assert refused.value.fields[field] == message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("billing", "modality", "item"),
    [
        ("hora", "remota", ONSITE),
        ("hora", "presencial", REMOTE),
        ("hora", "remota", FIXED),
        ("serviço", "remota", REMOTE),
    ],
)
def test_the_price_item_must_fit_the_billing_and_modality(adv, billing, modality, item):
    with pytest.raises(DomainError) as refused:
        adv.draft(billing=billing, modality=modality, item=item)
    assert "price_item" in refused.value.fields
    assert fresh(adv.ticket).status == "NOVO"


def test_one_live_proposal_per_ticket(adv):
    adv.draft()
    with pytest.raises((Conflict, DomainError)):
        adv.draft()
    assert Proposal.objects.count() == 1


def test_only_staff_who_propose_make_proposals(adv):
    for person in (adv.approver, adv.customer, adv.maintenance):
        with pytest.raises(NotAllowed):
            adv.draft(actor=person)
    assert not Proposal.objects.exists()
    assert adv.draft(actor=adv.commercial).created_by == adv.commercial


def test_sending_needs_an_approver_in_the_organization(adv):
    proposal = adv.draft()
    adv.world.org.users.filter(is_approver=True).update(is_approver=False)
    with pytest.raises(DomainError) as refused:
        services.proposal_send(proposal=proposal, actor=adv.analyst, now=T0 + 2 * H)
    assert refused.value.message == proposal_rules.NO_APPROVER
    assert Proposal.objects.get().status == "rascunho"


def test_sending_notifies_the_approvers_with_the_terms(adv, django_capture_on_commit_callbacks):
    proposal = adv.draft(hours="12.5")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_send(proposal=proposal, actor=adv.analyst, now=T0 + 2 * H)
    to = sorted(address for message in mail.outbox for address in message.to)
    # both approvers and the requester; never the analyst who sent it
    assert to == sorted([adv.approver.email, adv.second_approver.email, adv.customer.email])
    message = next(m for m in mail.outbox if m.to == [adv.approver.email])
    assert "aguardando aprovação" in message.subject
    assert "R$ 180,00" in message.body and "12,5 h" in message.body and "R$ 2.250,00" in message.body
    assert f"/chamados/{adv.ticket.pk}/" in message.body and "/console/" not in message.body
    assert "aceite ou recuse" in message.body


def test_a_sent_proposal_never_changes(adv):
    proposal = adv.sent()
    with pytest.raises(Conflict):
        services.proposal_update(
            proposal=proposal,
            actor=adv.analyst,
            now=T0 + 3 * H,
            scope="Outro",
            modality="remota",
            billing="hora",
            estimated_hours="1",
            price_item=REMOTE,
        )
    assert Proposal.objects.get().scope == proposal.scope


def test_a_draft_may_be_changed(adv):
    proposal = adv.draft()
    changed = services.proposal_update(
        proposal=proposal,
        actor=adv.analyst,
        now=T0 + 90 * timedelta(minutes=1),
        scope="Visita para implantar",
        modality="presencial",
        billing="hora",
        estimated_hours="16",
        price_item=ONSITE,
    )
    assert (changed.unit_price, changed.estimated_amount) == (Decimal("150.00"), Decimal("2400.00"))


def test_only_an_approver_of_the_organization_decides(adv):
    proposal = adv.sent()
    before = snapshot()
    for person in (adv.customer, adv.other_approver, adv.analyst):
        with pytest.raises(NotAllowed) as refused:
            services.proposal_decide(proposal=proposal, actor=person, now=T0 + 3 * H, decision="aceita")
        if person is not adv.analyst:
            assert refused.value.message == proposal_rules.APPROVERS_ONLY
    assert snapshot() == before


def test_acceptance_starts_the_engagement_and_serv_assessoria(adv):
    engagement = adv.accepted()
    proposal = engagement.proposal
    assert (proposal.status, proposal.decided_by, proposal.decided_at) == ("aceita", adv.approver, T0 + 3 * H)
    assert engagement.accepted_at == T0 + 3 * H
    ticket = fresh(adv.ticket)
    assert ticket.status == "SERV-ASSESSORIA"
    event = ticket.events.get(kind=EventKind.PROPOSAL_ACCEPTED)
    assert (event.actor, event.at, event.reason) == (adv.approver, T0 + 3 * H, "proposal_accepted")
    assert event.data["engagement_id"] == engagement.pk


def test_deciding_twice_accepts_once(adv):
    proposal = adv.sent()
    services.proposal_decide(proposal=proposal, actor=adv.approver, now=T0 + 3 * H, decision="aceita")
    with pytest.raises(Conflict):
        services.proposal_decide(
            proposal=proposal, actor=adv.second_approver, now=T0 + 4 * H, decision="recusada", reason="Caro"
        )
    assert Engagement.objects.count() == 1
    assert Proposal.objects.get().decided_by == adv.approver


def test_a_refusal_needs_a_reason_and_returns_the_ticket(adv):
    proposal = adv.sent()
    with pytest.raises(DomainError) as refused:
        services.proposal_decide(proposal=proposal, actor=adv.approver, now=T0 + 3 * H, decision="recusada", reason=" ")
    assert refused.value.fields == {"reason": proposal_rules.REFUSAL_REASON_REQUIRED}
    assert fresh(adv.ticket).status == "COM-PROPOSTA"
    services.proposal_decide(
        proposal=proposal, actor=adv.approver, now=T0 + 3 * H, decision="recusada", reason="Fora do orçamento"
    )
    ticket = fresh(adv.ticket)
    assert ticket.status == "EM ATENDIMENTO"
    event = ticket.events.get(kind=EventKind.PROPOSAL_REFUSED)
    assert (event.actor, event.data["reason"], event.reason) == (adv.approver, "Fora do orçamento", "proposal_refused")
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("sent", [False, True])
def test_staff_cancel_before_acceptance(adv, sent):
    proposal = adv.sent() if sent else adv.draft()
    with pytest.raises(DomainError):
        services.proposal_cancel(proposal=proposal, actor=adv.analyst, now=T0 + 3 * H, reason="")
    services.proposal_cancel(proposal=proposal, actor=adv.analyst, now=T0 + 3 * H, reason="Escopo mudou")
    assert fresh(adv.ticket).status == "EM ATENDIMENTO"
    assert Proposal.objects.get().status == "cancelada"
    # and a new proposal can be made afterwards
    assert adv.draft(now=T0 + 4 * H).status == "rascunho"


def test_an_accepted_proposal_cannot_be_cancelled(adv):
    engagement = adv.accepted()
    with pytest.raises(Conflict):
        services.proposal_cancel(proposal=engagement.proposal, actor=adv.analyst, now=T0 + 4 * H, reason="x")
    assert fresh(adv.ticket).status == "SERV-ASSESSORIA"


def test_the_proposal_keeps_its_price_after_the_price_list_changes(adv):
    engagement = adv.accepted()
    PriceItem.objects.create(
        code=REMOTE,
        description="Assessoria técnica remota",
        unit=PriceUnit.REMOTE_HOUR,
        price=Decimal("250.00"),
        valid_from=date(2026, 12, 2),
    )
    adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 11))  # 120 min
    report = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 2, 12))
    assert report.amount == Decimal("360.00")  # 2 h × 180,00, not × 250,00
    # while a new proposal takes the new price
    other = adv.world.open_problem(now=sp(2026, 12, 2, 10))
    assert adv.draft(ticket=other, now=sp(2026, 12, 2, 13)).unit_price == Decimal("250.00")


def test_the_sla_clock_is_paused_in_com_proposta_and_serv_assessoria(adv):
    """Alta on STARTER: 20 business hours for the diagnosis from Tue 01/12 10:00. Running 1 h,
    then paused from 11:00 (draft) through the acceptance at 13:00 and after (SERV-ASSESSORIA):
    as of Wed 02/12 10:00 the deadline "if it resumed now" is 19 business hours from then."""
    adv.accepted()
    ticket = fresh(adv.ticket)
    assert ticket.diagnosis_state == "paused" and ticket.solution_state == "paused"
    from servicedesk.sla.services import ticket_sla_view

    view = ticket_sla_view(ticket, now=sp(2026, 12, 2, 10))
    # 19 h from Wed 10:00: Wed 10–13 (3) + 14–18 (4) = 7; Thu 8 → 15; Fri 09–13 = 4 → Fri 13:00.
    assert view.diagnosis.due_at == sp(2026, 12, 4, 13)


# --------------------------------------------------------------------------- work


def test_entries_follow_the_rules(adv):
    engagement = adv.accepted()  # accepted at T0 + 3 h = Tue 01/12 13:00
    cases = [
        ((sp(2026, 12, 1, 12), sp(2026, 12, 1, 14)), "started_at"),  # before the acceptance
        ((sp(2026, 12, 2, 10), sp(2026, 12, 2, 10)), "ended_at"),  # no time
        ((sp(2026, 12, 2, 10), sp(2026, 12, 3, 10, 1)), "ended_at"),  # more than 24 h
    ]
    for (start, end), field in cases:
        with pytest.raises(DomainError) as refused:
            adv.log(engagement, start, end)
        assert field in refused.value.fields
    with pytest.raises(DomainError) as refused:
        adv.log(engagement, sp(2026, 12, 2, 10), sp(2026, 12, 2, 11), activity="  ")
    assert refused.value.fields == {"activity": engagement_rules.ACTIVITY_REQUIRED}
    assert not TimeEntry.objects.exists()


def test_an_analyst_never_overlaps_himself_even_on_another_engagement(adv):
    engagement = adv.accepted()
    adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 11))
    with pytest.raises(DomainError) as refused:
        adv.log(engagement, sp(2026, 12, 2, 10, 59), sp(2026, 12, 2, 12))
    assert "02/12/2026 09:00" in refused.value.message
    adv.log(engagement, sp(2026, 12, 2, 11), sp(2026, 12, 2, 12))  # back to back is fine
    adv.log(engagement, sp(2026, 12, 2, 10), sp(2026, 12, 2, 11), analyst=adv.second_analyst)  # another analyst
    assert TimeEntry.objects.count() == 3


def test_an_entry_may_be_logged_ahead_for_a_planned_day(adv):
    engagement = adv.accepted()
    entry = adv.log(engagement, sp(2026, 12, 15, 9), sp(2026, 12, 15, 18))
    assert entry.pk


def test_only_managers_log_for_another_analyst(adv):
    engagement = adv.accepted()
    with pytest.raises(NotAllowed):
        adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 10), analyst=adv.second_analyst, actor=adv.analyst)
    entry = adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 10), analyst=adv.second_analyst, actor=adv.manager)
    assert (entry.analyst, entry.created_by) == (adv.second_analyst, adv.manager)
    for person in (adv.commercial, adv.maintenance, adv.approver):
        with pytest.raises(NotAllowed):
            adv.log(engagement, sp(2026, 12, 3, 9), sp(2026, 12, 3, 10), actor=person)


def test_scheduling_invites_the_analyst_and_the_approvers(adv, django_capture_on_commit_callbacks):
    engagement = adv.accepted()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.appointment_schedule(
            engagement=engagement,
            actor=adv.manager,
            now=T0 + 4 * H,
            starts_at=sp(2026, 12, 3, 9),
            ends_at=sp(2026, 12, 3, 18),
            analyst=adv.analyst,
            location="Av. Paulista, 1000 — São Paulo",
        )
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([adv.analyst.email, adv.approver.email, adv.second_approver.email, adv.customer.email])
    message = next(m for m in mail.outbox if m.to == [adv.approver.email])
    assert "03/12/2026, das 09:00 às 18:00" in message.body and "Av. Paulista, 1000" in message.body
    (name, ics, mimetype) = message.attachments[0]
    assert name == "assessoria.ics" and mimetype.startswith("text/calendar")
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "DTSTART:20261203T120000Z" in ics and "DTEND:20261203T210000Z" in ics  # 09:00–18:00 −03:00
    assert f"advisory-{appointment.uid}" in ics
    event = fresh(adv.ticket).events.get(kind=EventKind.ADVISORY_SCHEDULED)
    assert event.public and event.actor == adv.manager


def test_an_appointment_needs_a_future_start_and_a_place(adv):
    engagement = adv.accepted()
    with pytest.raises(DomainError) as refused:
        services.appointment_schedule(
            engagement=engagement,
            actor=adv.analyst,
            now=T0 + 4 * H,
            starts_at=T0,
            ends_at=T0 + H,
            analyst=None,
            location="",
        )
    assert set(refused.value.fields) == {"starts_at", "location"}
    with pytest.raises(DomainError) as refused:
        services.appointment_schedule(
            engagement=engagement,
            actor=adv.analyst,
            now=T0 + 4 * H,
            starts_at=sp(2026, 12, 3, 9),
            ends_at=sp(2026, 12, 3, 10),
            analyst=adv.approver.pk,
            location="https://",
        )
    assert set(refused.value.fields) == {"analyst", "location"}


# --------------------------------------------------------------------------- report, validation, billing


def _worked(adv):
    """Remote at 180,00/h: Ana 02/12 09:00–09:40 (40 → 60 min, 180,00) and 03/12 09:00–11:30
    (150 min, 450,00); Bruno 02/12 14:00–15:15 (75 min, 225,00). Total 265 min worked, 285
    billable, R$ 855,00."""
    engagement = adv.accepted()
    adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 9, 40))
    adv.log(engagement, sp(2026, 12, 3, 9), sp(2026, 12, 3, 11, 30))
    adv.log(engagement, sp(2026, 12, 2, 14), sp(2026, 12, 2, 15, 15), analyst=adv.second_analyst, actor=adv.manager)
    return engagement


def test_the_report_is_frozen_and_locks_the_entries(adv):
    engagement = _worked(adv)
    report = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 12))
    assert (report.version, report.status) == (1, "enviado")
    assert (report.minutes, report.billable_minutes, report.amount) == (265, 285, Decimal("855.00"))
    sessions = [
        (s["date"], s["analyst"], s["minutes"], s["billable_minutes"], s["amount"]) for s in report.content["sessions"]
    ]
    assert sessions == [
        ("2026-12-02", "Analista", 40, 60, "180.00"),
        ("2026-12-02", "Bruno", 75, 75, "225.00"),
        ("2026-12-03", "Analista", 150, 150, "450.00"),
    ]
    assert bytes(report.pdf).startswith(b"%PDF")
    with pytest.raises(Conflict) as refused:
        adv.log(engagement, sp(2026, 12, 4, 9), sp(2026, 12, 4, 10))
    assert refused.value.message == engagement_rules.REPORT_WAITING
    with pytest.raises(Conflict):
        services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 13))
    assert ActivityReport.objects.count() == 1


def test_a_contested_report_is_corrected_in_a_new_version(adv):
    engagement = _worked(adv)
    first = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 12))
    with pytest.raises(DomainError):
        services.report_decide(
            report=first, actor=adv.approver, now=sp(2026, 12, 3, 14), decision="contestado", comment=""
        )
    services.report_decide(
        report=first,
        actor=adv.approver,
        now=sp(2026, 12, 3, 14),
        decision="contestado",
        comment="O dia 03 foi só 1 hora.",
    )
    entry = TimeEntry.objects.get(started_at=sp(2026, 12, 3, 9))
    services.time_entry_update(
        engagement=engagement,
        entry_id=entry.pk,
        actor=adv.analyst,
        now=sp(2026, 12, 3, 15),
        started_at=sp(2026, 12, 3, 9),
        ended_at=sp(2026, 12, 3, 10),
        activity="Ajuste das rubricas",
    )
    second = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 16))
    assert second.version == 2
    assert second.amount == Decimal("585.00")  # 180 + 225 + 180 (60 min)
    first.refresh_from_db()
    assert (first.status, first.amount, first.decision_comment) == (
        "contestado",
        Decimal("855.00"),
        "O dia 03 foi só 1 hora.",
    )
    assert bytes(first.pdf) != bytes(second.pdf)  # both versions kept
    assert fresh(adv.ticket).status == "SERV-ASSESSORIA"
    event = fresh(adv.ticket).events.get(kind=EventKind.REPORT_CONTESTED)
    assert (event.actor, event.data["comment"]) == (adv.approver, "O dia 03 foi só 1 hora.")


def test_validation_bills_each_session_once_and_returns_the_ticket(adv):
    engagement = _worked(adv)
    report = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 12))
    services.report_decide(report=report, actor=adv.approver, now=sp(2026, 12, 3, 14), decision="validado")
    lines = list(
        BillingLine.objects.order_by("date", "analyst_name").values_list(
            "date", "analyst_name", "billable_minutes", "amount"
        )
    )
    assert lines == [
        (date(2026, 12, 2), "Analista", 60, Decimal("180.00")),
        (date(2026, 12, 2), "Bruno", 75, Decimal("225.00")),
        (date(2026, 12, 3), "Analista", 150, Decimal("450.00")),
    ]
    assert fresh(adv.ticket).status == "EM ATENDIMENTO"
    assert Engagement.objects.get().validated_at == sp(2026, 12, 3, 14)
    event = fresh(adv.ticket).events.get(kind=EventKind.REPORT_VALIDATED)
    assert (event.actor, event.at, event.reason) == (adv.approver, sp(2026, 12, 3, 14), "report_validated")
    # twice, or by the other approver: billed once
    for person in (adv.approver, adv.second_approver):
        with pytest.raises(Conflict):
            services.report_decide(report=report, actor=person, now=sp(2026, 12, 3, 15), decision="validado")
    assert BillingLine.objects.count() == 3
    with pytest.raises(Conflict):  # nothing changes in a validated engagement
        adv.log(engagement, sp(2026, 12, 4, 9), sp(2026, 12, 4, 10))


def test_a_fixed_price_bills_one_line_at_its_price(adv):
    engagement = adv.accepted(billing="serviço", modality="presencial", item=FIXED, hours="40")
    adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 18))
    report = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 2, 19))
    services.report_decide(report=report, actor=adv.approver, now=sp(2026, 12, 3, 10), decision="validado")
    line = BillingLine.objects.get()
    assert (line.amount, line.analyst_id, line.billable_minutes, line.minutes) == (Decimal("2500.00"), None, 0, 540)


def test_a_fault_between_the_writes_of_a_validation_leaves_nothing_half_done(adv, monkeypatch):
    engagement = _worked(adv)
    report = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 12))
    before = snapshot()

    def crash(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(report_rules, "ticket_transition", crash)  # after the lines are written
    with pytest.raises(RuntimeError):
        services.report_decide(report=report, actor=adv.approver, now=sp(2026, 12, 3, 14), decision="validado")
    assert snapshot() == before
    assert not BillingLine.objects.exists()
    assert ActivityReport.objects.get().status == "enviado"
    assert Engagement.objects.get().validated_at is None


def test_nothing_to_report_without_entries(adv):
    engagement = adv.accepted()
    with pytest.raises(DomainError) as refused:
        services.report_send(engagement=engagement, actor=adv.analyst, now=T0 + 5 * H)
    assert refused.value.message == report_rules.NO_ENTRIES
