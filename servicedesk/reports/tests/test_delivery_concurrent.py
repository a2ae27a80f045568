"""The statement e-mail with two workers at once, on PostgreSQL (issue 11: "once per organization
and month, safe with several workers"): the unique claim, taken in the same transaction as the
outbox rows, lets exactly one worker write each organization's e-mails."""

from __future__ import annotations

import pytest
from django.db import connection

from servicedesk.outbox.models import OutboxMessage
from servicedesk.reports.delivery import statements_send_due
from servicedesk.reports.models import StatementDelivery
from servicedesk.reports.tests.test_statements import approvers, december  # noqa: F401
from servicedesk.tickets.tests.factories import sp
from servicedesk.tickets.tests.test_release_fixes_concurrent import at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"),
]


def test_two_workers_at_once_send_each_organization_once(world, approvers, december):  # noqa: F811
    before = OutboxMessage.objects.count()
    sent: list[int] = []
    errors = at_once(
        lambda: sent.append(statements_send_due(now=sp(2027, 1, 4, 9))),
        lambda: sent.append(statements_send_due(now=sp(2027, 1, 4, 9))),
    )
    assert errors == []
    assert sorted(sent) in ([0, 2], [1, 1])  # the two organizations, split between them either way
    assert StatementDelivery.objects.count() == 2
    # one e-mail per approver (acme's and the premium organization's), never two
    recipients = sorted(OutboxMessage.objects.order_by("pk")[before:].values_list("recipients", flat=True))
    assert recipients == sorted([approvers["acme"].email, approvers["premium"].email])
