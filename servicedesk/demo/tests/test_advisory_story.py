"""`seed_demo` tells the advisory story (issue 9) once, through the services: the approver's portal
home has a proposal to decide and a report to validate."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from servicedesk.accounts.models import User
from servicedesk.advisory.models import (
    ActivityReport,
    Appointment,
    BillingLine,
    Engagement,
    PriceItem,
    Proposal,
    TimeEntry,
)
from servicedesk.advisory.selectors import price_list_on, proposals_waiting_for, reports_waiting_for
from servicedesk.core import clock
from servicedesk.demo.advisory_story import PROPOSAL_TITLE, REPORT_TITLE, load_advisory_story
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

ADVISORY_MODELS = (PriceItem, Proposal, Engagement, Appointment, TimeEntry, ActivityReport, BillingLine)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (*ADVISORY_MODELS, Ticket)}


def test_seeding_twice_leaves_one_story_and_the_approver_has_items_waiting():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    assert first == {
        "PriceItem": 4,
        "Proposal": 2,
        "Engagement": 1,
        "Appointment": 1,
        "TimeEntry": 4,
        "ActivityReport": 1,
        "BillingLine": 0,
        "Ticket": first["Ticket"],
    }

    approver = User.objects.get(username="lucia.acme")
    assert approver.is_approver
    waiting = proposals_waiting_for(approver).get()
    assert waiting.ticket.title == PROPOSAL_TITLE and waiting.ticket.status == "COM-PROPOSTA"
    report = reports_waiting_for(approver).get()
    assert report.version == 1 and report.pdf.startswith(b"%PDF")
    ticket = report.engagement.ticket
    assert ticket.title == REPORT_TITLE and ticket.status == "SERV-ASSESSORIA"
    # Two days of work, two analysts; the remote minimum of 60 minutes raised Bruno's 50.
    sessions = {(s["date"], s["analyst"]): (s["minutes"], s["billable_minutes"]) for s in report.content["sessions"]}
    assert len({day for day, _ in sessions}) == 2 and len({name for _, name in sessions}) == 2
    assert (50, 60) in sessions.values()
    assert report.amount == Decimal("180.00") * report.billable_minutes / 60
    # Every instant lies in the past (the story is relative to now), told through the services.
    assert TimeEntry.objects.filter(ended_at__gte=clock.now()).count() == 0
    kinds = list(ticket.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        "opened",
        "proposal_drafted",
        "proposal_sent",
        "proposal_accepted",
        "advisory_scheduled",
        "report_sent",
    ]
    # The other organization's approver and a non-approver have nothing to decide.
    for username in ("helena.horizonte", "joana.acme"):
        user = User.objects.get(username=username)
        assert not proposals_waiting_for(user).exists() and not reports_waiting_for(user).exists()

    text = out.getvalue()
    assert "Aprovadores" in text and "lucia.acme" in text and "helena.horizonte" in text
    assert f"chamado #{ticket.pk} (SERV-ASSESSORIA): relatório v1 aguardando validação" in text
    assert f"chamado #{waiting.ticket_id} (COM-PROPOSTA): proposta aguardando aprovação" in text


def test_the_price_list_is_in_force_and_the_tests_demo_world_has_no_advisory(demo):
    assert not PriceItem.objects.exists() and not Proposal.objects.exists()  # `demo` fixture: unchanged
    load_advisory_story()
    codes = {item.code: item.price for item in price_list_on(clock.now().date())}
    assert codes == {
        "ASS-REMOTA": Decimal("180.00"),
        "ASS-PRESENCIAL": Decimal("150.00"),
        "TREIN-TURMA": Decimal("3200.00"),
        "IMPL-ESOCIAL": Decimal("2500.00"),
    }


def test_the_story_is_relative_to_now(demo):
    later = clock.now() + timedelta(days=40)
    load_advisory_story(now=later)
    report = ActivityReport.objects.get()
    assert later - timedelta(days=10) < report.sent_at < later
