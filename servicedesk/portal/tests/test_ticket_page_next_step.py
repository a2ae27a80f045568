"""The ticket page (issue 8): the automatic-closing date, the status and the primary action before
the conversation, one place to add files (evidence without a message included), and no
irrelevant block on a training request."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from servicedesk.core import clock
from servicedesk.portal.tests.conftest import png_upload
from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db
BRASILIA = ZoneInfo("America/Sao_Paulo")


def _page(client, ticket) -> str:
    return client.get(f"/chamados/{ticket.pk}/").content.decode()


def _closing_text(ticket: Ticket) -> str:
    moment = Ticket.objects.get(pk=ticket.pk).auto_close_at.astimezone(BRASILIA)
    return (
        "Se não houver resposta, o chamado será encerrado automaticamente em "
        f"{moment:%d/%m/%Y} às {moment:%H:%M} (horário de Brasília)."
    )


@pytest.mark.parametrize("move", ["ask", "resolve"])
def test_the_automatic_closing_date_is_shown_while_the_ticket_waits_for_the_customer(demo, login, acme_ticket, move):
    analyst = demo["ana.analista"]
    client = login(demo["joana.acme"])
    assert "encerrado automaticamente em" not in _page(client, acme_ticket)  # NOVO: no closing to announce
    if move == "ask":
        services.ticket_ask_customer(ticket=acme_ticket, actor=analyst, now=clock.now(), note="Qual a matrícula?")
    else:
        services.ticket_resolve(ticket=acme_ticket, actor=analyst, now=clock.now(), note="Corrigido.")
    assert Ticket.objects.get(pk=acme_ticket.pk).auto_close_at is not None
    assert _closing_text(acme_ticket) in _page(client, acme_ticket)


def test_a_reply_that_resumes_the_ticket_removes_the_closing_date(demo, login, acme_ticket):
    services.ticket_ask_customer(ticket=acme_ticket, actor=demo["ana.analista"], now=clock.now(), note="Detalhes?")
    services.ticket_comment_add(ticket=acme_ticket, author=demo["joana.acme"], body="Seguem", now=clock.now())
    assert "encerrado automaticamente em" not in _page(login(demo["joana.acme"]), acme_ticket)


def test_status_deadlines_and_confirmation_come_before_the_conversation(demo, login, acme_ticket):
    """On a phone the page is one column in DOM order: what to do comes first."""
    services.ticket_comment_add(ticket=acme_ticket, author=demo["ana.analista"], body="Analisando", now=clock.now())
    services.ticket_resolve(ticket=acme_ticket, actor=demo["ana.analista"], now=clock.now(), note="Verba corrigida.")
    body = _page(login(demo["joana.acme"]), acme_ticket)
    status = body.index('id="status-title"')
    confirm = body.index(f'action="/chamados/{acme_ticket.pk}/confirmar/"')
    deadlines = body.index("Prazos (SLA)")
    conversation = body.index('id="conv-title"')
    history = body.index('id="timeline-title"')
    assert status < confirm < deadlines < body.index('id="desc-title"') < conversation < history
    assert body.count("Confirmar solução") == 1
    # The team's solution is quoted next to the button, with a link to it in the conversation.
    assert "Solução informada por Ana Souza:" in body and "Verba corrigida." in body
    comment = Ticket.objects.get(pk=acme_ticket.pk).comments.get(body="Verba corrigida.")
    assert f'href="#msg-{comment.pk}"' in body and f'id="msg-{comment.pk}"' in body


def test_the_waiting_ticket_puts_the_question_and_reply_on_top(demo, login, acme_ticket):
    services.ticket_ask_customer(
        ticket=acme_ticket, actor=demo["ana.analista"], now=clock.now(), note="Qual matrícula apresenta o erro?"
    )
    body = _page(login(demo["joana.acme"]), acme_ticket)
    reply_button = body.index('id="primary-action" href="#reply-form"')
    assert body.index('id="status-title"') < reply_button < body.index('id="conv-title"')
    assert "Ana Souza perguntou:" in body and body.index("Qual matrícula apresenta o erro?") < body.index("conv-title")


def test_there_is_one_place_to_add_files(demo, login, acme_ticket):
    body = _page(login(demo["joana.acme"]), acme_ticket)
    assert len(re.findall(r'<input type="file"', body)) == 1
    assert "/evidencias/" not in body and "Adicionar evidência" not in body
    form = body[body.index('id="reply-form"') - 200 :]
    form = form[: form.index("</form>")]
    assert f'action="/chamados/{acme_ticket.pk}/responder/"' in form and 'type="file"' in form


def test_evidence_without_a_message_is_added_to_the_ticket_not_as_an_empty_message(demo, login, acme_ticket):
    acme_ticket.refresh_from_db()
    comments = acme_ticket.comments.count()
    response = login(demo["joana.acme"]).post(
        f"/chamados/{acme_ticket.pk}/responder/",
        {
            "body": "  ",
            "files": [png_upload("log-1.png"), png_upload("log-2.png")],
            "expected_revision": acme_ticket.revision,
        },
        follow=True,
    )
    assert "Evidência anexada." in response.content.decode()
    loose = acme_ticket.attachments.filter(comment__isnull=True, original_name__startswith="log-")
    assert sorted(a.original_name for a in loose) == ["log-1.png", "log-2.png"]
    assert acme_ticket.comments.count() == comments  # no empty message in the conversation
    body = response.content.decode()
    assert body.index("log-1.png") < body.index('id="conv-title"')  # listed with the evidence


def test_a_message_with_files_stays_one_message(demo, login, acme_ticket):
    acme_ticket.refresh_from_db()
    login(demo["joana.acme"]).post(
        f"/chamados/{acme_ticket.pk}/responder/",
        {"body": "Segue o log", "files": [png_upload("log.png")], "expected_revision": acme_ticket.revision},
    )
    comment = acme_ticket.comments.get(body="Segue o log")
    assert list(comment.attachments.values_list("original_name", flat=True)) == ["log.png"]


def test_neither_message_nor_files_is_refused_and_changes_nothing(demo, login, acme_ticket):
    acme_ticket.refresh_from_db()
    before = (acme_ticket.revision, acme_ticket.comments.count(), acme_ticket.attachments.count())
    response = login(demo["joana.acme"]).post(
        f"/chamados/{acme_ticket.pk}/responder/", {"body": "", "expected_revision": acme_ticket.revision}
    )
    assert response.status_code == 422 and services.COMMENT_EMPTY in response.content.decode()
    acme_ticket.refresh_from_db()
    assert (acme_ticket.revision, acme_ticket.comments.count(), acme_ticket.attachments.count()) == before


def test_a_stale_evidence_upload_is_a_conflict_and_stores_nothing(demo, login, acme_ticket):
    acme_ticket.refresh_from_db()
    stale = acme_ticket.revision
    services.ticket_comment_add(ticket=acme_ticket, author=demo["ana.analista"], body="Analisando", now=clock.now())
    response = login(demo["joana.acme"]).post(
        f"/chamados/{acme_ticket.pk}/responder/",
        {"body": "", "files": [png_upload("tarde.png")], "expected_revision": stale},
    )
    assert response.status_code == 409
    assert not acme_ticket.attachments.filter(original_name="tarde.png").exists()


def test_a_training_request_shows_no_environment_remote_access_or_evidence(demo, login, folha):
    pedro = demo["pedro.acme"]
    ticket = services.ticket_training_request(requester=pedro, module=folha, description="", now=clock.now())
    body = _page(login(pedro), ticket)
    assert "Solicitação de treinamento" in body
    assert "Ambiente" not in body and "Acesso remoto" not in body and "Versão" not in body
    assert 'type="file"' not in body and "evidências" not in body.lower()
    assert f'action="/chamados/{ticket.pk}/responder/"' in body  # he may still write to the training team
    # The same blocks stay on a support ticket.
    question = services.ticket_open(
        requester=demo["joana.acme"],
        type="Dúvida",
        severity=None,
        environment="homologação",
        module=folha,
        title="Como programar férias?",
        description="Dúvida de uso.",
        now=clock.now(),
    )
    body = _page(login(demo["joana.acme"]), question)
    assert "Ambiente" in body and "Acesso remoto" in body and 'type="file"' in body
