"""The statement e-mail: the previous month's, to the approvers, from the first business day of
the month (1 January 2027 is a holiday, then a weekend: Monday 4 January 09:00), once."""

from __future__ import annotations

from servicedesk.reports.delivery import statements_send_due
from servicedesk.reports.models import StatementDelivery
from servicedesk.reports.tests.test_statements import approvers, december  # noqa: F401
from servicedesk.tickets.tests.factories import sp


def test_sent_once_on_the_first_business_day(world, approvers, december, mailoutbox):  # noqa: F811
    assert statements_send_due(now=sp(2027, 1, 1, 12)) == 0  # a holiday
    assert statements_send_due(now=sp(2027, 1, 4, 8, 59)) == 0  # before the first opening
    assert mailoutbox == []
    assert statements_send_due(now=sp(2027, 1, 4, 9)) == 2  # acme and the premium organization
    assert sorted(m.to[0] for m in mailoutbox) == sorted([approvers["acme"].email, approvers["premium"].email])
    acme = next(m for m in mailoutbox if m.to == [approvers["acme"].email])
    assert acme.subject == f"Extrato de SLA — dezembro de 2026 — {world.org.name}"
    assert "/relatorios/sla/2026-12/" in acme.body and "Diagnóstico no prazo: 100,0 %" in acme.body
    ((filename, content, mimetype),) = acme.attachments
    assert (filename, mimetype) == ("extrato-sla-2026-12.pdf", "application/pdf") and content.startswith(b"%PDF")
    assert world.customer.email not in [m.to[0] for m in mailoutbox]  # not an approver
    # the next run, or another worker: nothing more
    assert statements_send_due(now=sp(2027, 1, 4, 9, 15)) == 0
    assert statements_send_due(now=sp(2027, 1, 20, 9)) == 0
    assert len(mailoutbox) == 2
    assert set(StatementDelivery.objects.values_list("recipients", flat=True)) == {1}


def test_a_claimed_row_is_never_sent_again(world, approvers, december, mailoutbox):  # noqa: F811
    from datetime import date

    StatementDelivery.objects.create(organization=world.org, month=date(2026, 12, 1), claimed_at=sp(2027, 1, 4, 9))
    assert statements_send_due(now=sp(2027, 1, 4, 9, 1)) == 1
    assert [m.to for m in mailoutbox] == [[approvers["premium"].email]]


def test_a_failure_while_composing_claims_nothing_and_the_next_run_sends(
    world,
    approvers,  # noqa: F811
    december,  # noqa: F811
    mailoutbox,
    monkeypatch,
):
    """The claim and the outbox rows are one transaction: a worker that fails (or dies) after
    claiming an organization leaves no claim behind, so the statement is not lost."""
    from servicedesk.outbox.models import OutboxMessage
    from servicedesk.reports import delivery

    real_pdf = delivery.statement_pdf
    calls = []

    def failing_pdf(content):
        calls.append(content["month"])
        if len(calls) == 2:  # the second organization's PDF fails
            raise OSError("disco cheio")
        return real_pdf(content)

    monkeypatch.setattr(delivery, "statement_pdf", failing_pdf)
    before = OutboxMessage.objects.count()
    assert statements_send_due(now=sp(2027, 1, 4, 9)) == 1
    # the first organization was sent (its own transaction); the second left nothing
    assert StatementDelivery.objects.count() == 1
    assert len(mailoutbox) == 1
    assert OutboxMessage.objects.count() == before + 1
    monkeypatch.setattr(delivery, "statement_pdf", real_pdf)
    assert statements_send_due(now=sp(2027, 1, 4, 9, 15)) == 1
    assert StatementDelivery.objects.count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([approvers["acme"].email, approvers["premium"].email])
