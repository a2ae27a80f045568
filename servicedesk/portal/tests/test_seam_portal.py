"""The portal on the ticket seam (issue 7): evidence is all or nothing, a colleague without
training sees no action he could not take (domain.md §3), and nothing he posts changes the ticket."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.portal.tests.conftest import png_upload
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _state(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return ticket.status, ticket.revision, ticket.comments.count(), ticket.attachments.count()


def test_several_evidence_files_are_all_or_nothing(demo, login, acme_ticket):
    before = _state(acme_ticket)
    bad = SimpleUploadedFile("programa.exe", b"MZ\x90\x00" + b"\x00" * 64, content_type="image/png")
    response = login(demo["joana.acme"]).post(
        f"/chamados/{acme_ticket.pk}/responder/",
        {"files": [png_upload("boa.png"), bad], "expected_revision": acme_ticket.revision},
    )
    assert response.status_code == 422
    assert "programa.exe" in response.content.decode()
    assert _state(acme_ticket) == before


def test_an_untrained_colleague_is_offered_nothing_and_refused_everything(demo, login, acme_ticket):
    pedro = login(demo["pedro.acme"])
    page = pedro.get(f"/chamados/{acme_ticket.pk}/").content.decode()
    assert f'action="/chamados/{acme_ticket.pk}/cancelar/"' not in page
    assert f'action="/chamados/{acme_ticket.pk}/responder/"' not in page
    assert "Nenhuma ação disponível." in page
    before = _state(acme_ticket)
    revision = acme_ticket.revision
    cancel = pedro.post(f"/chamados/{acme_ticket.pk}/cancelar/", {"expected_revision": revision, "reason": "x"})
    reply = pedro.post(f"/chamados/{acme_ticket.pk}/responder/", {"expected_revision": revision, "body": "x"})
    assert (cancel.status_code, reply.status_code) == (422, 422)
    assert "Usuários sem treinamento válido acompanham os chamados" in cancel.content.decode()
    assert _state(acme_ticket) == before
