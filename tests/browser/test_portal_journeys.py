"""Customer journeys in a real browser (Chromium): open a Problema, training stop, the main journey."""

import pytest

from servicedesk.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_trained_customer_opens_a_problem_with_a_screenshot(demo_live, login_as, live_server, screenshot_png):
    page = login_as("joana.acme")
    assert page.url.rstrip("/") == live_server.url
    page.click("text=+ Abrir chamado")
    page.click(".catalog-card >> text=Problema")  # the service catalog (issue 10): the type is the card
    page.check("input[name=severity][value=Alta]")
    page.select_option("#id_module", label="WeConnect RH › Folha de Pagamento")
    page.select_option("#id_release", label="WeConnect RH 12.0.0 (não suportada)")
    assert page.is_visible("#version-warning")
    page.select_option("#id_release", label="WeConnect RH 12.1.1")
    assert not page.is_visible("#version-warning")
    page.check("input[name=environment][value='produção']")
    page.fill("#id_title", "Holerite sem adicional noturno")
    page.fill("#id_description", "O adicional noturno de março não aparece no holerite dos vigilantes.")
    page.set_input_files("#id_files", str(screenshot_png))
    assert page.locator("[data-previews] img").count() == 1
    page.click("button:has-text('Abrir chamado')")
    page.wait_for_selector("text=Holerite sem adicional noturno")
    assert "aberto" in page.inner_text(".messages")
    assert page.locator("text=erro-folha.png").count() == 1
    page.goto(live_server.url + "/")
    row = page.locator("tr", has_text="Holerite sem adicional noturno")
    assert row.locator(".badge-sla").count() == 1
    assert "úteis" in row.locator(".badge-sla").inner_text()


def test_untrained_user_is_stopped_and_requests_training(demo_live, login_as, live_server):
    page = login_as("pedro.acme")
    page.goto(live_server.url + "/chamados/novo/")
    assert "Somente usuários treinados" in page.inner_text("main")
    page.select_option("#id_module", label="WeConnect RH › Férias")
    page.fill("#id_description", "Somos 3 pessoas no RH.")
    page.click("button:has-text('Solicitar treinamento')")
    page.wait_for_selector("text=Solicitação de treinamento")
    assert "treinamento" in page.inner_text(".messages").lower()


def test_customer_answers_then_confirms_the_solution(demo_live, login_as, live_server, screenshot_png):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from servicedesk.catalog.models import Module, Release
    from servicedesk.tickets import services
    from servicedesk.tickets.models import Ticket

    joana, ana = demo_live["joana.acme"], demo_live["ana.analista"]
    module = Module.objects.get(product__code="weconnect-rh", name="Folha de Pagamento")
    ticket = services.ticket_open(
        requester=joana,
        type="Problema",
        severity="Alta",
        environment="produção",
        module=module,
        release=Release.objects.get(product=module.product, version="12.1.1"),
        title="Férias calculadas em dobro",
        description="O terço de férias saiu em dobro.",
        files=[SimpleUploadedFile("tela.png", screenshot_png.read_bytes(), content_type="image/png")],
        now=clock.now(),
    )
    services.ticket_comment_add(ticket=ticket, author=ana, body="Estamos analisando.", now=clock.now())
    services.ticket_ask_customer(ticket=ticket, actor=ana, now=clock.now(), note="Qual matrícula apresenta o erro?")

    page = login_as("joana.acme")
    page.goto(f"{live_server.url}/chamados/{ticket.pk}/")
    assert "Prazo pausado" in page.inner_text("main")
    page.fill("#id_body", "Matrícula 4521, competência março.")
    page.click("button:has-text('Enviar mensagem')")
    page.wait_for_selector("text=Mensagem enviada")
    assert Ticket.objects.get(pk=ticket.pk).status == "EM ATENDIMENTO"
    assert "Prazo pausado" not in page.inner_text("main")

    services.ticket_resolve(
        ticket=Ticket.objects.get(pk=ticket.pk), actor=ana, now=clock.now(), note="Corrigido no patch."
    )
    page.reload()
    page.click("button:has-text('Confirmar solução')")
    page.wait_for_selector("text=Solução confirmada")
    assert Ticket.objects.get(pk=ticket.pk).status == "ENCERRADO"
