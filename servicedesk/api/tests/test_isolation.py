"""Tenant isolation: another organization's objects do not exist (404), on every endpoint and kind."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.api.tests.conftest import question_body
from servicedesk.core import clock
from servicedesk.tickets import services
from servicedesk.tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db

READS = ["", "/comments", "/history", "/sla"]
WRITES = [
    ("/comments", {"body": "Olá"}),
    ("/transitions", {"to": "CANCELADO", "comment": "engano"}),
    ("/reclassification", {"severity": "Crítica", "justification": "teste"}),
]


@pytest.mark.parametrize("suffix", READS)
def test_reads_of_another_organizations_ticket_are_404(rafael, acme_ticket, suffix):
    response = rafael.get(f"/tickets/{acme_ticket.pk}{suffix}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Chamado não encontrado."


@pytest.mark.parametrize("suffix,body", WRITES)
def test_writes_on_another_organizations_ticket_are_404_and_change_nothing(rafael, acme_ticket, suffix, body):
    before = (acme_ticket.status, acme_ticket.severity, acme_ticket.revision, acme_ticket.comments.count())
    response = rafael.post(f"/tickets/{acme_ticket.pk}{suffix}", body)
    assert response.status_code == 404
    acme_ticket.refresh_from_db()
    assert (acme_ticket.status, acme_ticket.severity, acme_ticket.revision, acme_ticket.comments.count()) == before


def test_unknown_ticket_looks_the_same_as_another_organizations(rafael, acme_ticket):
    unknown = rafael.get("/tickets/987654")
    elsewhere = rafael.get(f"/tickets/{acme_ticket.pk}")
    assert (unknown.status_code, elsewhere.status_code) == (404, 404)
    assert elsewhere.json() == unknown.json()
    assert elsewhere["Content-Type"] == unknown["Content-Type"] == "application/problem+json"


def test_list_shows_only_the_own_organization(rafael, joana, acme_ticket, horizonte_ticket):
    numbers = {t["number"] for t in rafael.get("/tickets", {"limit": 200}).json()["items"]}
    assert horizonte_ticket.pk in numbers and acme_ticket.pk not in numbers
    assert rafael.get("/tickets", {"organization": acme_ticket.organization_id}).json()["items"] == []
    assert rafael.get("/tickets", {"text": str(acme_ticket.pk)}).json()["items"] == []


def test_staff_see_every_organization(ana, acme_ticket, horizonte_ticket):
    numbers = {t["number"] for t in ana.get("/tickets", {"limit": 200}).json()["items"]}
    assert {acme_ticket.pk, horizonte_ticket.pk} <= numbers


def test_attachments_of_another_organization_are_404(rafael, joana, acme_ticket):
    attachment = acme_ticket.attachments.first()
    assert joana.client.get(f"/api/v1/attachments/{attachment.pk}", headers=joana._headers({})).status_code == 200
    response = rafael.client.get(f"/api/v1/attachments/{attachment.pk}", headers=rafael._headers({}))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_internal_attachments_and_notes_are_hidden_from_customers(joana, ana, demo, acme_ticket):
    upload = SimpleUploadedFile("interno.txt", b"senha do banco: nao", "text/plain")
    comment = services.ticket_comment_add(
        ticket=acme_ticket, author=demo["ana.analista"], body="Nota", now=clock.now(), internal=True, files=[upload]
    )
    attachment = comment.attachments.get()
    assert joana.client.get(f"/api/v1/attachments/{attachment.pk}", headers=joana._headers({})).status_code == 404
    assert ana.client.get(f"/api/v1/attachments/{attachment.pk}", headers=ana._headers({})).status_code == 200
    assert comment.pk not in {c["id"] for c in joana.get(f"/tickets/{acme_ticket.pk}/comments").json()["items"]}


def test_linked_ticket_of_another_organization_is_unknown(rafael, acme_ticket, module_id):
    response = rafael.post("/tickets", question_body(module_id, linked_ticket=acme_ticket.pk))
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": "linked_ticket", "reason": "Chamado vinculado não encontrado."}


def test_pending_uploads_belong_to_the_uploader(rafael, joana, acme_ticket):
    upload_id = joana.upload().json()["id"]
    response = rafael.post(
        f"/tickets/{Ticket.objects.filter(organization__slug='horizonte').first().pk}/comments",
        {
            "body": "Anexo",
            "attachments": [upload_id],
        },
    )
    assert response.status_code == 422
    assert not Comment.objects.filter(body="Anexo").exists()
