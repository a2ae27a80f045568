"""The daily loop in a real browser (issue 8): e-mails read from the .eml files the embedded
default writes, a live queue that shows a customer's answer by itself, word search, and a canned
reply inserted into the composer. Screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

import os
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.core import clock

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def eml_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "servicedesk.core.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SITE_URL = "https://suporte.weconnect.example"
    return Path(settings.EMAIL_FILE_PATH)


def _mails(directory: Path) -> list:
    parse = BytesParser(policy=policy.default).parsebytes
    return [parse(path.read_bytes()) for path in sorted(directory.glob("*.eml"))]


def _open_problem(users, *, title: str, description: str):
    from servicedesk.catalog.models import Module
    from servicedesk.demo.data import demo_screenshot_png
    from servicedesk.tickets import services

    return services.ticket_open(
        requester=users["joana.acme"],
        type="Problema",
        severity="Alta",
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="Folha de Pagamento"),
        version_text="12.1.1",
        title=title,
        description=description,
        files=[SimpleUploadedFile("tela.png", demo_screenshot_png(), content_type="image/png")],
        now=clock.now(),
    )


def test_the_acknowledgment_and_the_reply_e_mails(demo_live, login_as, live_server, eml_dir, screenshot_png):
    page = login_as("joana.acme")
    page.goto(f"{live_server.url}/chamados/novo/")
    page.click("label:has-text('Dúvida')")
    page.select_option("#id_module", label="WeConnect RH › Férias")
    page.click("label:has-text('Produção')")
    page.fill("#id_title", "Como programar férias coletivas de dezembro?")
    page.fill("#id_description", "Precisamos programar férias coletivas para toda a equipe em dezembro.")
    page.click("button[type=submit]:has-text('Abrir chamado')")
    page.wait_for_selector("text=aberto")
    number = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    ack = [m for m in _mails(eml_dir) if m["To"] == "joana.acme@demo.weconnect.example"]
    assert [m["Subject"] for m in ack] == [
        f"[#{number}] Recebemos seu chamado: Como programar férias coletivas de dezembro?"
    ]
    body = ack[0].get_body(("plain",)).get_content()
    assert f"Recebemos seu chamado #{number}" in body
    assert f"https://suporte.weconnect.example/chamados/{number}/" in body
    assert "Prazo de diagnóstico:" in body and "(horário de Brasília)" in body
    assert "exceto feriados" in body

    from servicedesk.tickets import services
    from servicedesk.tickets.models import Ticket

    services.ticket_comment_add(
        ticket=Ticket.objects.get(pk=number),
        author=demo_live["ana.analista"],
        body="Bom dia! Use o menu Férias › Programação coletiva.",
        now=clock.now(),
    )
    reply = [m for m in _mails(eml_dir) if "Nova resposta" in m["Subject"]]
    assert len(reply) == 1
    text = reply[0].get_body(("plain",)).get_content()
    assert "Ana Souza, da equipe WeConnect, respondeu ao seu chamado:" in text
    assert "> Bom dia! Use o menu Férias › Programação coletiva." in text
    assert "Responder a este e-mail não chega à equipe" in text
    # The link of the e-mail opens the ticket in the portal (the same path on the live server).
    page.goto(f"{live_server.url}/chamados/{number}/")
    assert "Programação coletiva" in page.inner_text("main")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_email_link_opens_the_ticket.png"), full_page=True)


def test_the_queue_shows_a_customer_answer_by_itself(demo_live, login_as, live_server, settings):
    from servicedesk.tickets import services
    from servicedesk.tickets.models import Ticket

    settings.CONSOLE_QUEUE_REFRESH_SECONDS = 1
    ticket = _open_problem(demo_live, title="Holerite sem adicional noturno", description="Falta o adicional.")
    ana = demo_live["ana.analista"]
    services.ticket_assign(ticket=ticket, actor=ana, assignee=ana, now=clock.now())
    services.ticket_ask_customer(ticket=Ticket.objects.get(pk=ticket.pk), actor=ana, now=clock.now(), note="Qual mês?")
    page = login_as("ana.analista")
    page.goto(f"{live_server.url}/console/?queue=mine")
    row = page.locator("#queue-results tr", has_text="Holerite sem adicional noturno")
    row.wait_for()
    assert "cliente respondeu" not in row.inner_text()
    waiting_before = page.inner_text("[data-counter='waiting']")
    services.ticket_comment_add(
        ticket=Ticket.objects.get(pk=ticket.pk), author=demo_live["joana.acme"], body="Novembro.", now=clock.now()
    )
    page.locator("#queue-results tr:has-text('Holerite sem adicional noturno') .badge-replied").wait_for(timeout=8000)
    assert int(page.inner_text("[data-counter='waiting']")) == int(waiting_before) - 1  # counters refresh too
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_live_queue_customer_replied.png"), full_page=True)


def test_word_search_finds_every_word_in_any_order(demo_live, login_as, live_server):
    _open_problem(
        demo_live,
        title="Horas extras não aparecem no holerite",
        description="Na folha de dezembro as horas extras de 50% sumiram.",
    )
    _open_problem(demo_live, title="Férias em dobro", description="Cálculo de férias errado.")
    page = login_as("ana.analista")
    page.goto(f"{live_server.url}/console/?queue=open")
    page.fill("#f-q", "dezembro HORAS extras")
    page.wait_for_url("**q=dezembro**")
    page.wait_for_selector("#queue-results tr:has-text('Horas extras não aparecem no holerite')")
    assert "Férias em dobro" not in page.inner_text("#queue-results")
    page.fill("#f-q", "acme")
    page.wait_for_url("**q=acme**")
    page.wait_for_selector("#queue-results tr:has-text('Férias em dobro')")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_word_search.png"), full_page=True)


def test_a_canned_reply_is_inserted_into_the_composer(demo_live, login_as, live_server):
    from servicedesk.replies import services as replies

    ticket = _open_problem(demo_live, title="Eventos do eSocial rejeitados", description="S-1200 rejeitado.")
    replies.canned_reply_create(
        actor=demo_live["ana.analista"],
        title="Pedir o recibo do eSocial",
        body="Olá, {cliente}. Envie o recibo do evento rejeitado no chamado #{numero}.",
        team=None,
        now=clock.now(),
    )
    page = login_as("ana.analista")
    page.goto(f"{live_server.url}/console/chamados/{ticket.pk}/")
    page.click("summary:has-text('Inserir resposta pronta')")
    with page.expect_response(lambda response: "/respostas-prontas/" in response.url and "q=recibo" in response.url):
        page.fill("#canned-q", "recibo")
    page.wait_for_selector("#canned-results:not(.htmx-settling)")
    page.click("button.canned-item:has-text('Pedir o recibo do eSocial')")
    expected = f"Olá, Joana Ferreira. Envie o recibo do evento rejeitado no chamado #{ticket.pk}."
    assert page.input_value("#id_reply_body") == expected
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_canned_reply_inserted.png"), full_page=True)
