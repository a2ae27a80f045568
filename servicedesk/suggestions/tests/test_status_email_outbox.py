"""The author's e-mail of a status change is an outbox row of the move's transaction (issue 12,
"every e-mail the product sends"): a broker that is down at the commit loses nothing — the row
waits, PENDING, and the sweep sends it once the broker is back — and a move that rolls back
leaves no row and sends nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.tasks.backends.immediate import ImmediateBackend

from servicedesk.outbox import tasks as outbox_tasks
from servicedesk.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from servicedesk.suggestions import services
from servicedesk.suggestions.models import SuggestionEvent
from servicedesk.suggestions.workflow import SuggestionStatus
from servicedesk.tickets.tests.conftest import world  # noqa: F401
from servicedesk.tickets.tests.factories import T0

pytestmark = pytest.mark.django_db
PATH = "servicedesk.suggestions.notifications.status_email_send"


def _suggestion(world):  # noqa: F811
    return services.suggestion_create(
        author=world.customer,
        product=world.product,
        module=world.module,
        title="Exportar a folha em CSV",
        description="Queremos exportar a folha de pagamento em CSV para o BI.",
        now=T0,
    )


def _broker_down(self, task, args, kwargs):
    raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_broker_down_at_the_commit_leaves_a_pending_row_that_the_sweep_sends(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    suggestion = _suggestion(world)
    with monkeypatch.context() as patch:
        patch.setattr(ImmediateBackend, "enqueue", _broker_down)  # every enqueue fails, as with Redis down
        with django_capture_on_commit_callbacks(execute=True):
            services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=SuggestionStatus.ANALYSIS, now=T0)
    event = SuggestionEvent.objects.get(suggestion=suggestion, to_status=SuggestionStatus.ANALYSIS)
    (row,) = OutboxMessage.objects.all()
    assert (row.kind, row.path, row.payload, row.status, row.attempts) == (
        OutboxKind.CALL,
        PATH,
        {"event_id": event.pk},
        OutboxStatus.PENDING,
        0,
    )
    assert mail.outbox == [] and event.notified_at is None

    # The broker is back: the periodic sweep (its scheduled entry point) relays the row.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_tasks.outbox_sweep.call() == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["joana@cliente.example"], f"Sua sugestão de melhoria #{suggestion.pk} agora está: Em análise")
    ]
    event.refresh_from_db()
    assert event.notified_at is not None


def test_the_row_is_written_before_the_commit_and_rolled_back_with_the_move(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    suggestion = _suggestion(world)
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=SuggestionStatus.ANALYSIS, now=T0)
        assert OutboxMessage.objects.filter(path=PATH, status=OutboxStatus.PENDING).count() == 1  # not committed yet
    OutboxMessage.objects.all().delete()

    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=SuggestionStatus.FORWARDED, now=T0)
        raise RuntimeError("o que vinha depois falhou")
    assert not OutboxMessage.objects.exists()
    assert not SuggestionEvent.objects.filter(to_status=SuggestionStatus.FORWARDED).exists()
    assert mail.outbox == []
