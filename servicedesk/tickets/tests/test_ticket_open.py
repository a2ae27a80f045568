"""ticket_open: who may open, minimum information, severity, versions, licensing, routing and
the SLA snapshot (domain.md §3, §4, §6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from servicedesk.accounts.models import TrainingRecord
from servicedesk.catalog.models import Module
from servicedesk.core import clock
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.sla.models import PlanTarget
from servicedesk.tickets import services
from servicedesk.tickets.models import Attachment, EventKind, Ticket, TicketEvent
from servicedesk.tickets.tests.factories import T0, CustomerFactory, sp

pytestmark = pytest.mark.django_db


def _nothing_created() -> None:
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_trained_customer_opens_a_problem(world):
    ticket = world.open_problem(severity="Alta")

    assert ticket.status == "NOVO"
    assert ticket.organization == world.org
    assert ticket.plan_code == "STARTER"
    assert ticket.attachments.count() == 1
    opened = ticket.events.get()
    assert (opened.kind, opened.actor, opened.at) == (EventKind.OPENED, world.customer, T0)
    assert (opened.new_type, opened.new_severity) == ("Problema", "Alta")


def test_untrained_customer_cannot_open_a_ticket(world):
    with pytest.raises(DomainError) as exc:
        world.open_problem(requester=world.untrained)
    assert exc.value.message == services.TICKET_USER_NOT_TRAINED
    _nothing_created()


def test_expired_training_counts_as_untrained(world):
    expired = CustomerFactory(organization=world.org, trained=False)
    TrainingRecord.objects.create(
        user=expired, course="Formação", completed_on=date(2025, 1, 1), expires_on=date(2026, 11, 30)
    )
    with pytest.raises(DomainError) as exc:
        world.open_problem(requester=expired, now=T0)  # 2026-12-01: expired the day before
    assert exc.value.message == services.TICKET_USER_NOT_TRAINED
    _nothing_created()

    # The last valid day still counts.
    assert world.open_problem(requester=expired, now=sp(2026, 11, 30, 10)).pk


def test_training_completed_in_the_future_does_not_count(world):
    future = CustomerFactory(organization=world.org, trained=False)
    TrainingRecord.objects.create(user=future, course="Formação", completed_on=date(2026, 12, 2))
    with pytest.raises(DomainError):
        world.open_problem(requester=future)
    _nothing_created()


def test_untrained_customer_may_request_training_only(world):
    ticket = world.open_question(
        requester=world.untrained, type="Solicitação", category="treinamento", title="Treinamento da folha"
    )
    assert (ticket.type, ticket.category, ticket.team) == ("Solicitação", "treinamento", world.training_team)

    for category in ("proposta", "chave", ""):
        with pytest.raises(DomainError) as exc:
            world.open_question(requester=world.untrained, type="Solicitação", category=category)
        assert exc.value.message == services.TICKET_USER_NOT_TRAINED
    with pytest.raises(DomainError):
        world.open_question(requester=world.untrained, type="Dúvida")
    assert Ticket.objects.count() == 1


def test_staff_cannot_open_tickets(world):
    with pytest.raises(NotAllowed) as exc:
        world.open_problem(requester=world.analyst)
    assert exc.value.message == services.TICKET_OPEN_CUSTOMERS_ONLY
    _nothing_created()


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"description": "   "}, "description"),
        ({"module": None}, "module"),
        ({"release": None, "version_text": ""}, "release"),
        ({"environment": ""}, "environment"),
        ({"files": []}, "files"),
        ({"severity": None}, "severity"),
    ],
)
def test_problem_requires_minimum_information(world, missing, field):
    with pytest.raises(DomainError) as exc:
        world.open_problem(**missing)
    assert field in exc.value.fields
    if field == "files":
        assert exc.value.fields["files"] == services.EVIDENCE_REQUIRED
    _nothing_created()


def test_all_field_errors_are_reported_at_once(world):
    with pytest.raises(DomainError) as exc:
        world.open_problem(description="", module=None, environment="", files=[])
    assert {"description", "module", "environment", "files"} <= set(exc.value.fields)
    _nothing_created()


@pytest.mark.parametrize("type_", ["Solicitação", "Dúvida"])
@pytest.mark.parametrize(
    ("missing", "field"),
    [({"description": ""}, "description"), ({"module": None}, "module"), ({"environment": "x"}, "environment")],
)
def test_request_and_question_require_description_module_environment(world, type_, missing, field):
    with pytest.raises(DomainError) as exc:
        world.open_question(type=type_, **missing)
    assert field in exc.value.fields
    _nothing_created()


@pytest.mark.parametrize("type_", ["Solicitação", "Dúvida"])
def test_request_and_question_need_no_evidence_nor_version_and_are_normal(world, type_):
    ticket = world.open_question(type=type_, severity=None)
    assert ticket.severity == "Normal"
    assert ticket.events.get().new_severity == "Normal"
    assert ticket.sla_targets["Normal"] == [30 * 3600, 30 * 8 * 3600]


@pytest.mark.parametrize("type_", ["Solicitação", "Dúvida"])
def test_request_and_question_refuse_another_severity(world, type_):
    with pytest.raises(DomainError) as exc:
        world.open_question(type=type_, severity="Crítica")
    assert exc.value.fields["severity"] == services.SEVERITY_FIXED_NORMAL
    _nothing_created()


def test_unsupported_version_is_accepted_but_flagged(world):
    old = world.open_problem(release=world.old_release)
    assert old.pk and old.version_supported is False
    assert old.events.get().data["version_supported"] is False

    patch = world.open_problem(release=world.previous_patch)
    latest = world.open_problem(release=world.latest)
    assert patch.version_supported and latest.version_supported


def test_unknown_version_text_is_accepted_but_flagged(world):
    ticket = world.open_problem(release=None, version_text="9.9.9")
    assert (ticket.version_text, ticket.version_supported, ticket.release) == ("9.9.9", False, None)

    known = world.open_problem(release=None, version_text="12.1.1")
    assert (known.release, known.version_supported) == (world.latest, True)


def test_release_of_another_product_is_refused(world):
    from servicedesk.tickets.tests.factories import ReleaseFactory

    foreign = ReleaseFactory(product=world.unlicensed_module.product, version="3.0.0")
    with pytest.raises(DomainError) as exc:
        world.open_problem(release=foreign)
    assert exc.value.fields["release"] == services.RELEASE_OTHER_PRODUCT
    _nothing_created()


def test_cloud_organization_version_is_the_vendor_recorded_one(world):
    # The customer need not inform a version, and cannot report another one.
    without = world.open_problem(requester=world.cloud_customer, release=None)
    other = world.open_problem(requester=world.cloud_customer, release=world.old_release)
    for ticket in (without, other):
        assert ticket.release == world.previous_patch
        assert ticket.version_text == "12.1.0"
        assert ticket.version_supported is True


def test_module_must_be_licensed(world):
    with pytest.raises(DomainError) as exc:
        world.open_problem(module=world.unlicensed_module, release=None, version_text="1.0")
    assert exc.value.fields["module"] == services.MODULE_NOT_LICENSED
    _nothing_created()


@pytest.mark.parametrize(
    ("category", "team"),
    [("treinamento", "training_team"), ("proposta", "commercial_team"), ("chave", "commercial_team")],
)
def test_service_requests_are_routed_to_their_team(world, category, team):
    ticket = world.open_question(type="Solicitação", category=category)
    assert ticket.team == getattr(world, team)


def test_support_tickets_go_to_the_organization_team(world):
    assert world.open_problem().team == world.team
    assert world.open_question().team == world.team


def test_category_only_on_requests(world):
    with pytest.raises(DomainError) as exc:
        world.open_question(type="Dúvida", category="treinamento")
    assert "category" in exc.value.fields


# --------------------------------------------------------------------------- SLA snapshot


def test_stored_due_instants_are_the_engine_ones(world):
    ticket = world.open_problem(severity="Alta")  # STARTER Alta: 20 h × 20 days
    # Tue 10:00 + 20 business hours: Tue 7 h, Wed 8 h, Thu 09–13 and 14–15.
    assert ticket.diagnosis_due_at == sp(2026, 12, 3, 15)
    # 20 business days: Dec 2–4, 7–11, 14–18, 21–24, 28–30 (Natal closed) → Wed 30 Dec 10:00.
    assert ticket.solution_due_at == sp(2026, 12, 30, 10)
    assert ticket.next_due_at == ticket.diagnosis_due_at
    assert (ticket.diagnosis_state, ticket.solution_state) == ("running", "running")
    assert ticket.auto_close_at is None
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.diagnosis_due_at == ticket.diagnosis_due_at
    assert (stored.diagnosis_due_at, stored.solution_due_at) == (sp(2026, 12, 3, 15), sp(2026, 12, 30, 10))


def test_premium_critical_targets(world):
    ticket = world.open_problem(requester=world.premium_customer, severity="Crítica")  # 6 h × 1 day
    assert ticket.diagnosis_due_at == sp(2026, 12, 1, 17)  # 10–13 and 14–17
    assert ticket.solution_due_at == sp(2026, 12, 2, 10)  # Tue 7 h + Wed 09–10


def test_open_ticket_keeps_the_targets_it_was_opened_with(world):
    ticket = world.open_problem(severity="Alta")
    due = ticket.diagnosis_due_at
    PlanTarget.objects.filter(plan__code="STARTER", severity="Alta").update(diagnosis_minutes=60, solution_minutes=120)

    # Any later event recomputes the clocks: still from the snapshot.
    services.ticket_comment_add(
        ticket=ticket, author=world.customer, body="Mais detalhes.", now=T0 + timedelta(hours=1)
    )
    ticket.refresh_from_db()
    assert ticket.sla_targets["Alta"] == [20 * 3600, 160 * 3600]
    assert ticket.diagnosis_due_at == due

    newer = world.open_problem(severity="Alta", now=T0 + timedelta(hours=2))
    assert newer.sla_targets["Alta"] == [3600, 7200]


def test_targets_are_effective_dated(world):
    PlanTarget.objects.create(
        plan=world.org.plan,
        severity="Alta",
        effective_from=sp(2026, 12, 7),
        diagnosis_minutes=600,
        solution_minutes=4800,
    )
    before = world.open_problem(severity="Alta", now=sp(2026, 12, 4, 10))
    after = world.open_problem(severity="Alta", now=sp(2026, 12, 7, 10))
    assert before.sla_targets["Alta"] == [20 * 3600, 160 * 3600]
    assert after.sla_targets["Alta"] == [10 * 3600, 80 * 3600]
    assert after.diagnosis_due_at == sp(2026, 12, 8, 12)  # Mon 10:00 + 10 h
    # Other severities keep the rows in force.
    assert after.sla_targets["Crítica"] == [10 * 3600, 40 * 3600]


def test_ticket_opened_outside_business_hours_counts_from_the_next_opening(world):
    ticket = world.open_problem(severity="Alta", now=sp(2026, 12, 5, 11))  # Saturday
    assert ticket.diagnosis_due_at == sp(2026, 12, 9, 13)  # Mon 8 h + Tue 8 h + Wed 09–13


def test_untrained_user_may_request_training(demo):
    module = Module.objects.get(product__code="weconnect-rh", name="Férias")
    ticket = services.ticket_training_request(
        requester=demo["pedro.acme"], module=module, description="", now=clock.now()
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.type, ticket.category, ticket.severity) == ("Solicitação", "treinamento", "Normal")
    assert ticket.team.kind == "training"


def test_training_request_needs_a_module(demo):
    with pytest.raises(DomainError) as exc:
        services.ticket_training_request(requester=demo["pedro.acme"], module=None, description="", now=clock.now())
    assert "module" in exc.value.fields


def test_an_approver_opens_a_training_request_for_a_colleague(world):
    from servicedesk.tickets.tests.factories import CustomerFactory

    approver = CustomerFactory(username="lucia", organization=world.org, is_approver=True)
    request = services.ticket_training_request(
        requester=world.untrained, module=world.module, description="", now=T0, opened_by=approver
    )
    opened = request.events.get(kind=EventKind.OPENED)
    assert (request.requester, opened.actor, opened.data["on_behalf_of"]) == (
        world.untrained,
        approver,
        world.untrained.pk,
    )
    # Only an approver of the colleague's own organization may do it.
    for stranger in (world.customer, CustomerFactory(organization=world.other_org, is_approver=True)):
        before = Ticket.objects.count()
        with pytest.raises(NotAllowed):
            services.ticket_training_request(
                requester=world.untrained, module=world.module, description="", now=T0, opened_by=stranger
            )
        assert Ticket.objects.count() == before
