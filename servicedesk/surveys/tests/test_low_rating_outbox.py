"""The managers' alert of a low rating is an outbox row of the answer's transaction (issue 12,
"every e-mail the product sends"): it exists before the commit, it is rolled back with the
answer, and a broker that is down at the commit leaves it PENDING until the sweep sends it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.tasks.backends.immediate import ImmediateBackend

from servicedesk.outbox import tasks as outbox_tasks
from servicedesk.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from servicedesk.surveys.models import SatisfactionSurvey
from servicedesk.surveys.services import survey_answer, survey_create
from servicedesk.surveys.tests.test_surveys import _closed
from servicedesk.tickets.tests.conftest import world  # noqa: F401
from servicedesk.tickets.tests.factories import sp

pytestmark = pytest.mark.django_db
ANSWERED = sp(2026, 12, 4, 9)


@pytest.fixture
def survey(world, settings):  # noqa: F811
    settings.OUTBOX_DELIVER_AT_ONCE = False  # production's path: the relay sends after the commit
    ticket = _closed(world)
    survey, _token = survey_create(ticket, now=ANSWERED)
    return survey


def _alerts(world):  # noqa: F811
    return OutboxMessage.objects.filter(kind=OutboxKind.EMAIL, recipients=world.manager.email)


def test_the_alert_is_a_row_of_the_answers_transaction(world, survey, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        survey_answer(survey=survey, rating=2, comment="Demorou demais.", now=ANSWERED)
        (alert,) = _alerts(world)  # before the commit
        assert alert.status == OutboxStatus.PENDING
        assert alert.subject == f"[#{survey.ticket_id}] Avaliação baixa (2/5): {survey.ticket.title}"


def test_the_alert_is_rolled_back_with_the_answer(world, survey, django_capture_on_commit_callbacks, mailoutbox):  # noqa: F811
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        survey_answer(survey=survey, rating=1, comment="", now=ANSWERED)
        raise RuntimeError("o que vinha depois falhou")
    assert not _alerts(world).exists() and mailoutbox == []
    assert SatisfactionSurvey.objects.get(pk=survey.pk).answered_at is None


def test_a_broker_down_at_the_commit_leaves_the_alert_pending_until_the_sweep(
    world,  # noqa: F811
    survey,
    django_capture_on_commit_callbacks,
    monkeypatch,
    mailoutbox,
):
    def broker_down(self, task, args, kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(ImmediateBackend, "enqueue", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            survey_answer(survey=survey, rating=2, comment="Demorou demais.", now=ANSWERED)
    (alert,) = _alerts(world)
    assert (alert.status, alert.attempts) == (OutboxStatus.PENDING, 0) and mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_tasks.outbox_sweep.call() == 1  # the periodic sweep, once the broker is back
    alert.refresh_from_db()
    assert alert.status == OutboxStatus.SENT
    (sent,) = mailoutbox
    assert sent.to == [world.manager.email] and "Demorou demais." in sent.body
