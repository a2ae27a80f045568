"""Two concurrent identical POST /tickets with one Idempotency-Key create one ticket (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from servicedesk.api.tests.conftest import ApiClient, make_token, question_body
from servicedesk.tickets.models import Ticket

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_concurrent_identical_posts_create_one_ticket(demo, module_id):
    from django.db import connections

    raw = make_token(demo["joana.acme"])
    before = Ticket.objects.count()
    barrier = threading.Barrier(2)
    responses = []

    def post():
        try:
            barrier.wait(timeout=10)
            responses.append(ApiClient(raw).post("/tickets", question_body(module_id), **{"Idempotency-Key": "race"}))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in responses] == [201, 201], [r.content for r in responses]
    assert responses[0].json() == responses[1].json()
    assert sorted(r["Idempotent-Replayed"] for r in responses) == ["false", "true"]
    assert Ticket.objects.count() == before + 1
