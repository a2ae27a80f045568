"""Staff journeys in a real browser (Chromium): the analyst's day on a ticket, the manager's reassignment."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.core import clock

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _sla_seed_present(live_server):
    """The SLA plans and calendar come from a data migration; on PostgreSQL a preceding
    transactional test's flush may leave them missing, so put them back before the demo data."""
    import importlib

    from django.apps import apps

    from servicedesk.sla.models import Plan

    if not Plan.objects.exists():
        importlib.import_module("servicedesk.sla.migrations.0002_seed_default_calendar_and_plans").seed(apps, None)


def _open_problem(demo_live, *, title: str, now):
    from servicedesk.catalog.models import Module
    from servicedesk.demo.data import demo_screenshot_png
    from servicedesk.tickets import services

    return services.ticket_open(
        requester=demo_live["joana.acme"],
        type="Problema",
        severity="Alta",
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="Ponto Eletrônico"),
        version_text="12.1.1",
        title=title,
        description="As marcações de ponto de ontem não foram importadas.",
        files=[SimpleUploadedFile("ponto.png", demo_screenshot_png(), content_type="image/png")],
        now=now,
    )


def _transition(page, status: str, note: str):
    """The workspace's one status menu: choose the status, write the message, confirm."""
    page.select_option("#id_status_to", value=status)
    page.fill("#id_status_note", note)
    page.click("#status-menu button:has-text('Alterar status')")
    page.wait_for_load_state()


def test_analyst_replies_asks_for_details_and_resolves(demo_live, login_as, live_server):
    from servicedesk.tickets import services
    from servicedesk.tickets.models import Ticket

    ticket = _open_problem(demo_live, title="Marcações de ponto não importadas", now=clock.now())
    page = login_as("ana.analista")
    assert page.url.startswith(f"{live_server.url}/console/")
    page.select_option("#f-organization", label="Acme Alimentos S.A.")  # htmx re-renders the table only
    page.wait_for_url("**organization=**")
    page.wait_for_selector("#queue-results tr:has-text('Marcações de ponto não importadas')")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_analyst_queue.png"), full_page=True)

    page.click("text=Marcações de ponto não importadas")
    page.wait_for_selector("h1:has-text('Marcações de ponto não importadas')")
    assert "NOVO" in page.inner_text(".ws-badges")

    page.fill("#id_reply_body", "Olá, Joana. Já estamos analisando a importação do ponto.")
    page.click("button:has-text('Enviar resposta')")
    page.wait_for_selector(".alert-success")
    assert "cumprido em" in page.inner_text("#sla")  # the diagnosis clock is met
    assert "EM ATENDIMENTO" in page.inner_text(".ws-badges")

    _transition(page, "AGUARDANDO CLIENTE", "Envie o arquivo AFD exportado do relógio.")
    assert "Relógio do SLA pausado" in page.inner_text("#sla")
    assert Ticket.objects.get(pk=ticket.pk).status == "AGUARDANDO CLIENTE"

    services.ticket_comment_add(
        ticket=Ticket.objects.get(pk=ticket.pk),
        author=demo_live["joana.acme"],
        body="Segue o arquivo AFD.",
        now=clock.now(),
    )
    page.reload()
    assert "Segue o arquivo AFD." in page.inner_text("#conversa")
    assert "Relógio do SLA pausado" not in page.inner_text("#sla")

    _transition(page, "RESOLVIDO", "Reprocessamos a importação; as marcações aparecem no espelho de ponto.")
    page.wait_for_selector(".alert-success")
    assert "RESOLVIDO" in page.inner_text(".ws-badges")
    assert Ticket.objects.get(pk=ticket.pk).status == "RESOLVIDO"


def test_manager_reassigns_a_breached_ticket(demo_live, login_as, live_server):
    from servicedesk.tickets import services
    from servicedesk.tickets.models import Ticket

    late = _open_problem(demo_live, title="Férias calculadas em dobro", now=clock.now() - timedelta(days=30))
    services.ticket_sla_alerts(ticket_id=late.pk, now=clock.now())
    assert Ticket.objects.get(pk=late.pk).breached

    page = login_as("gabriela.gestora")
    page.click(".mainnav >> text=Gestão")
    page.click("text=Violados")
    row = page.locator("tr", has_text="Férias calculadas em dobro")
    assert row.locator(".badge-sla-breached").count() == 1
    row.locator(f"#sel-{late.pk}").check()
    page.select_option("#id_bulk_assignee", label="Bruno Lima")
    page.click("button:has-text('Reatribuir')")
    page.wait_for_selector(".alert-success")
    assert "1 chamado reatribuído." in page.inner_text(".messages")
    assert Ticket.objects.get(pk=late.pk).assignee == demo_live["bruno.analista"]


def test_analyst_logs_a_phone_call_from_the_panel_loaded_on_opening(demo_live, login_as, live_server):
    """The phone-call form is not in the page until its panel opens (htmx); then it works as before."""
    from servicedesk.channels.models import PhoneCall

    ticket = _open_problem(demo_live, title="Ponto não importado (ligação)", now=clock.now())
    page = login_as("ana.analista")
    page.goto(f"{live_server.url}/console/chamados/{ticket.pk}/")
    assert page.locator("#contatos input[name=contact_name]").count() == 0
    page.click("#contatos summary:has-text('Registrar ligação')")
    form = page.locator("#contatos form[action$='/ligacao/']")
    form.locator("input[name=contact_name]").wait_for()
    assert form.locator("input[name=contact_name]").input_value() == str(demo_live["joana.acme"])
    form.locator("input[name=duration], input[name=duration_minutes]").first.fill("12")
    form.locator("textarea[name=summary]").fill("Cliente explicou o horário da importação do ponto.")
    form.locator("button:has-text('Registrar ligação')").click()
    page.wait_for_selector("#contatos .contact-log li")
    assert "Cliente explicou o horário da importação do ponto." in page.inner_text("#contatos .contact-log")
    call = PhoneCall.objects.get(ticket=ticket)
    assert call.duration_minutes == 12 and call.staff.username == "ana.analista"
