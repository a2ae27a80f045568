"""The outbox: every e-mail a row of the sender's transaction, relayed once, retried with
back-off, swept when its relay was lost, and shown to administrators when it keeps failing."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.test import Client

from servicedesk.core import clock
from servicedesk.outbox import services, tasks
from servicedesk.outbox.models import OutboxKind, OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db

FAILURES = {"left": 0}


class FlakySmtpBackend(LocmemBackend):
    """Refuses the first FAILURES["left"] messages as an SMTP server that went away would."""

    def send_messages(self, messages):
        if FAILURES["left"] > 0:
            FAILURES["left"] -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def relay_after_commit(settings):
    """The production path: the e-mail is a row; the relay sends it only after the commit."""
    settings.OUTBOX_DELIVER_AT_ONCE = False
    settings.OUTBOX_EMAIL_BACKEND = "servicedesk.outbox.tests.test_outbox.FlakySmtpBackend"
    FAILURES["left"] = 0


def _send(subject="Olá", to="cliente@example.com"):
    return send_mail(subject, "corpo", "suporte@weconnect.example", [to])


def test_an_email_is_a_row_of_the_senders_transaction_and_is_sent_after_the_commit(
    relay_after_commit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _send()
        row = OutboxMessage.objects.get()
        assert (row.kind, row.status, row.recipients) == (
            OutboxKind.EMAIL,
            OutboxStatus.PENDING,
            "cliente@example.com",
        )
        assert mail.outbox == []  # nothing leaves before the commit
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert [m.subject for m in mail.outbox] == ["Olá"]


def test_a_rolled_back_act_leaves_no_row_and_sends_nothing(relay_after_commit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _send()
        raise RuntimeError("o ato falhou")
    assert OutboxMessage.objects.count() == 0 and mail.outbox == []


def test_when_the_relay_cannot_be_enqueued_the_row_stays_and_the_next_sweep_sends_it(
    relay_after_commit, django_capture_on_commit_callbacks, monkeypatch
):
    class BrokerDown:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("Error 111 connecting to redis")

    with monkeypatch.context() as patch:
        patch.setattr(tasks, "relay_outbox_message", BrokerDown())
        with django_capture_on_commit_callbacks(execute=True):
            _send()  # the user's act succeeds
        assert services.outbox_sweep(now=clock.now() + timedelta(minutes=5)) == 0  # still down: waits
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.PENDING and mail.outbox == []
    # Its relay was never enqueued: due at the next sweep, not only after STUCK_AFTER (2 min).
    assert row.created_at <= row.next_attempt_at < row.created_at + services.STUCK_AFTER

    assert services.outbox_sweep(now=row.next_attempt_at) == 1  # the broker is back
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(mail.outbox) == 1
    assert services.outbox_sweep(now=row.created_at + timedelta(hours=1)) == 0  # sent rows are left alone


def test_a_row_whose_relay_was_enqueued_is_swept_only_once_it_is_stuck(
    relay_after_commit, django_capture_on_commit_callbacks, monkeypatch
):
    class Enqueued:  # the broker took the relay, no worker ran it (yet)
        def __init__(self):
            self.calls = []

        def enqueue(self, message_id):
            self.calls.append(message_id)

    relay = Enqueued()
    monkeypatch.setattr(tasks, "relay_outbox_message", relay)
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    row = OutboxMessage.objects.get()
    assert relay.calls == [row.pk] and row.next_attempt_at == row.created_at + services.STUCK_AFTER
    assert services.outbox_sweep(now=row.created_at + timedelta(seconds=60)) == 0  # not stuck yet
    assert services.outbox_sweep(now=row.created_at + services.STUCK_AFTER) == 1
    assert relay.calls == [row.pk, row.pk]


def test_an_smtp_failure_is_retried_with_exponential_back_off(relay_after_commit, django_capture_on_commit_callbacks):
    FAILURES["left"] = 2
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.last_error == "smtplib.SMTPServerDisconnected: Connection unexpectedly closed"
    first_failure = row.next_attempt_at - timedelta(seconds=30)  # 30 s after the first failure

    assert services.outbox_sweep(now=first_failure + timedelta(seconds=29)) == 0  # still backing off
    assert services.outbox_sweep(now=first_failure + timedelta(seconds=30)) == 1  # fails again
    row.refresh_from_db()
    assert row.attempts == 2 and row.status == OutboxStatus.PENDING
    second_failure = row.next_attempt_at - timedelta(seconds=60)  # then 60 s
    assert services.outbox_sweep(now=second_failure + timedelta(seconds=59)) == 0
    assert services.outbox_sweep(now=second_failure + timedelta(seconds=60)) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 3, "")
    assert len(mail.outbox) == 1


def test_the_back_off_doubles_up_to_an_hour():
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4, 8, 20)] == [30, 60, 120, 240, 3600, 3600]


def test_two_relays_of_one_row_send_one_email(relay_after_commit):
    _send()  # in the test's transaction: no relay ran yet
    row = OutboxMessage.objects.get()
    assert services.outbox_deliver(row.pk) is True
    assert services.outbox_deliver(row.pk) is False
    assert tasks.relay_outbox_message.call(row.pk) is False
    assert len(mail.outbox) == 1


def test_a_row_that_keeps_failing_is_failed_and_administrators_see_its_error(relay_after_commit, settings, demo):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    FAILURES["left"] = 5
    _send(subject="Convite para a videochamada")
    row = OutboxMessage.objects.get(subject="Convite para a videochamada")
    services.outbox_deliver(row.pk)
    services.outbox_deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 2)
    OutboxMessage.objects.exclude(pk=row.pk).delete()  # the demo's own e-mails
    assert services.outbox_sweep(now=clock.now() + timedelta(days=1)) == 0  # no longer retried by itself

    client = Client()
    client.force_login(demo["admin"])
    page = client.get("/admin/outbox/outboxmessage/?status=failed").content.decode()
    assert "Convite para a videochamada" in page and "SMTPServerDisconnected" in page

    FAILURES["left"] = 0  # the administrator fixed the SMTP server and sends it again
    response = client.post(
        "/admin/outbox/outboxmessage/", {"action": "retry", "_selected_action": [row.pk]}, follow=True
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.attempts == 0
    mail.outbox.clear()
    assert services.outbox_deliver(row.pk) is True and [m.subject for m in mail.outbox] == [
        "Convite para a videochamada"
    ]


def test_a_customer_cannot_open_the_outbox(demo):
    client = Client()
    client.force_login(demo["ana"] if "ana" in demo else next(u for u in demo.values() if u.role == "customer"))
    assert client.get("/admin/outbox/outboxmessage/").status_code == 302


def test_the_email_comes_out_as_it_went_in(relay_after_commit):
    message = EmailMultiAlternatives(
        "[#7] Convite",
        "texto",
        "suporte@weconnect.example",
        ["a@example.com"],
        cc=["b@example.com"],
        bcc=["c@example.com"],
        reply_to=["analista@weconnect.example"],
        headers={"X-Ticket": "7"},
    )
    message.attach_alternative("<p>texto</p>", "text/html")
    message.attach("convite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST")
    message.attach("relatorio.pdf", b"%PDF-1.4 \x00\xff", "application/pdf")
    message.send()
    row = OutboxMessage.objects.get()
    assert row.recipients == "a@example.com, b@example.com, c@example.com"
    services.outbox_deliver(row.pk)
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        "[#7] Convite",
        "texto",
        ["a@example.com"],
        ["b@example.com"],
        ["c@example.com"],
        ["analista@weconnect.example"],
    )
    assert sent.extra_headers == {"X-Ticket": "7"}
    assert [tuple(a) for a in sent.alternatives] == [("<p>texto</p>", "text/html")]
    assert [tuple(a) for a in sent.attachments] == [
        ("convite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST"),
        ("relatorio.pdf", b"%PDF-1.4 \x00\xff", "application/pdf"),
    ]


def test_a_call_row_runs_its_function_once_after_the_commit(relay_after_commit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.outbox_call("servicedesk.outbox.tests.test_outbox.record_call", value="x")
    row = OutboxMessage.objects.get()
    assert (row.kind, row.status) == (OutboxKind.CALL, OutboxStatus.SENT)
    assert CALLS == ["x"]
    services.outbox_deliver(row.pk)
    assert CALLS == ["x"]
    CALLS.clear()


def test_a_call_to_a_wrong_path_fails_in_the_callers_transaction():
    with pytest.raises(ImportError):
        services.outbox_call("servicedesk.outbox.tests.test_outbox.no_such_function")
    assert OutboxMessage.objects.count() == 0


CALLS: list = []


def record_call(*, value):
    CALLS.append(value)


def _row(status, *, sent_days_ago=None, created_days_ago=40):
    now = clock.now()
    return OutboxMessage.objects.create(
        kind=OutboxKind.EMAIL,
        subject=f"{status} {sent_days_ago}",
        status=status,
        created_at=now - timedelta(days=created_days_ago),
        next_attempt_at=now - timedelta(days=created_days_ago),
        sent_at=None if sent_days_ago is None else now - timedelta(days=sent_days_ago),
    )


def test_the_purge_deletes_sent_rows_past_the_retention_and_keeps_failed_and_pending(settings, monkeypatch):
    settings.OUTBOX_SENT_RETENTION_DAYS = 30
    monkeypatch.setattr(services, "PURGE_BATCH", 2)  # several batches
    old_sent = [_row(OutboxStatus.SENT, sent_days_ago=31) for _ in range(3)]
    recent_sent = _row(OutboxStatus.SENT, sent_days_ago=29)
    failed = _row(OutboxStatus.FAILED, created_days_ago=90)
    pending = _row(OutboxStatus.PENDING, created_days_ago=90)

    assert services.outbox_purge(now=clock.now()) == 3
    assert not OutboxMessage.objects.filter(pk__in=[row.pk for row in old_sent]).exists()
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent_sent.pk, failed.pk, pending.pk}
    assert services.outbox_purge(now=clock.now()) == 0  # twice changes nothing more


def test_the_purge_follows_the_retention_setting(settings):
    settings.OUTBOX_SENT_RETENTION_DAYS = 7
    _row(OutboxStatus.SENT, sent_days_ago=8)
    kept = _row(OutboxStatus.SENT, sent_days_ago=6)
    assert tasks.outbox_purge.call() == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [kept.pk]
