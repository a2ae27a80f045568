"""The technical advisory end to end in a real browser (domain.md §8, issue 9): the analyst proposes
in the console → the approver accepts in the portal → the analyst schedules and logs time → the
report goes out as a PDF → the approver contests → version 2 → validated → the commercial team
exports the batch.

Artifacts: the screenshots of every step under test-artifacts/screenshots/advisory-*.png, the
report PDFs and the first page of version 2 as a PNG (pdftoppm) under test-artifacts/advisory/.

Expected figures, by hand: a remote engagement at the demo's ASS-REMOTA price, R$ 180,00 an hour.
Version 1 logs 09:00–10:30 (90 min) tomorrow: one session, above the 60-minute remote minimum,
90 min × R$ 3,00 = R$ 270,00. The approver contests ("foram só 45 minutos"); the analyst corrects
the entry to 09:00–09:45: 45 min worked, but the session bills the 60-minute minimum, R$ 180,00 —
the one line the export carries.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from servicedesk.core import clock

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ROOT = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ROOT / "screenshots"
FILES = ROOT / "advisory"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _sla_seed_present(live_server):
    import importlib

    from django.apps import apps

    from servicedesk.sla.models import Plan

    if not Plan.objects.exists():
        importlib.import_module("servicedesk.sla.migrations.0002_seed_default_calendar_and_plans").seed(apps, None)


@pytest.fixture
def people(open_people):
    """One browser context per person (each keeps its own session), logged in on first use."""
    return open_people(_shot, accept_dialogs=True)


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"advisory-{name}.png"), full_page=True)


def _local(moment) -> str:
    """A `datetime-local` value in Brasília time."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("America/Sao_Paulo")).strftime("%Y-%m-%dT%H:%M")


def _download(page, selector: str, target: Path) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    FILES.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(target))
    return target.read_bytes()


def test_from_proposal_to_the_exported_batch(demo_live, people, live_server):
    from zoneinfo import ZoneInfo

    from servicedesk.advisory.models import ActivityReport, BillingLine, Proposal
    from servicedesk.catalog.models import Module
    from servicedesk.demo.data import load_price_list
    from servicedesk.sla.engine.policy import TicketStatus
    from servicedesk.tickets import services
    from servicedesk.tickets.models import Ticket

    load_price_list()
    ticket = services.ticket_open(
        requester=demo_live["joana.acme"],
        type="Solicitação",
        severity="Normal",
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="Ponto Eletrônico"),
        version_text="12.1.1",
        title="Parametrizar o banco de horas da nova convenção",
        description="Precisamos de ajuda para configurar o banco de horas da convenção coletiva de 2027.",
        files=[],
        now=clock.now(),
    )
    tomorrow = (clock.now().astimezone(ZoneInfo("America/Sao_Paulo")) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )

    # 1. The analyst drafts the proposal on the ticket and sends it.
    ana = people("ana.analista")
    ana.goto(f"{live_server.url}/console/chamados/{ticket.pk}/")
    ana.click("summary:has-text('Preparar proposta de assessoria')")
    draft = ana.locator(f"form[action$='/chamados/{ticket.pk}/assessoria/proposta/']")
    draft.locator("textarea[name=scope]").fill("Parametrização do banco de horas da convenção 2027, remota.")
    draft.locator("select[name=modality]").select_option("remota")
    draft.locator("select[name=billing]").select_option("hora")
    draft.locator("input[name=estimated_hours]").fill("2,5")
    draft.locator("select[name=price_item]").select_option("ASS-REMOTA")
    draft.locator("button:has-text('Salvar rascunho')").click()
    ana.wait_for_selector(".advisory-proposal .badge:has-text('Em preparação')")
    assert "COM-PROPOSTA" in ana.inner_text(".ws-badges")
    assert "R$ 450,00" in ana.inner_text(".advisory-proposal")  # 2,5 h × R$ 180,00
    ana.click(".advisory-proposal button:has-text('Enviar ao cliente')")
    ana.wait_for_selector(".advisory-proposal .badge:has-text('Aguardando aprovação')")
    _shot(ana, "1-proposal-sent")
    proposal = Proposal.objects.get(ticket=ticket)

    # 2. The approver sees it on the portal home and accepts it on the ticket page.
    lucia = people("lucia.acme")
    lucia.goto(f"{live_server.url}/")
    assert "Aguardando sua aprovação" in lucia.content()
    _shot(lucia, "2-approver-home")
    lucia.goto(f"{live_server.url}/chamados/{ticket.pk}/")
    accept = lucia.locator(f"form[action$='/propostas/{proposal.pk}/decisao/']:has(input[value=aceita])")
    lucia.locator(
        f"details:has(form[action$='/propostas/{proposal.pk}/decisao/'] input[value=aceita]) > summary"
    ).click()
    accept.locator("button:has-text('Confirmar aceite')").click()
    lucia.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.status == "aceita" and proposal.decided_by.username == "lucia.acme"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ADVISORY
    _shot(lucia, "3-accepted")
    engagement = proposal.engagement

    # 3. The analyst schedules tomorrow morning's video call and logs 90 minutes.
    ana.goto(f"{live_server.url}/console/chamados/{ticket.pk}/")
    ana.click(f"#assessoria-{engagement.pk} summary:has-text('Agendar')")
    schedule = ana.locator(f"form[action$='/assessoria/{engagement.pk}/agendar/']")
    schedule.locator("input[name=starts_at]").fill(_local(tomorrow))
    schedule.locator("input[name=ends_at]").fill(_local(tomorrow + timedelta(hours=2)))
    schedule.locator("input[name=location]").fill("https://meet.weconnect.example/acme-banco-de-horas")
    schedule.locator("button:has-text('Agendar e enviar convite')").click()
    ana.wait_for_selector(f"#assessoria-{engagement.pk} .advisory-appointments li")

    ana.click(f"#assessoria-{engagement.pk} summary:has-text('Apontar horas')")
    entry = ana.locator(f"form[action$='/assessoria/{engagement.pk}/apontamentos/']")
    entry.locator("input[name=started_at]").fill(_local(tomorrow))
    entry.locator("input[name=ended_at]").fill(_local(tomorrow + timedelta(minutes=90)))
    entry.locator("textarea[name=activity], input[name=activity]").first.fill(
        "Parametrização do banco de horas e testes com o RH."
    )
    entry.locator("button:has-text('Registrar apontamento')").click()
    ana.wait_for_selector(f"#assessoria-{engagement.pk} .advisory-session")
    assert "R$ 270,00" in ana.inner_text(f"#assessoria-{engagement.pk} .advisory-session")

    # 4. The report, version 1, goes out; its PDF is downloadable in the console.
    ana.click(f"#assessoria-{engagement.pk} button:has-text('Enviar relatório para validação (versão 1)')")
    ana.wait_for_selector(f"#assessoria-{engagement.pk} .advisory-reports td:has-text('v1')")
    _shot(ana, "4-report-v1-sent")
    pdf_v1 = _download(ana, f"#assessoria-{engagement.pk} .advisory-reports a:has-text('Baixar PDF')", FILES / "v1.pdf")
    assert pdf_v1.startswith(b"%PDF")
    report_v1 = ActivityReport.objects.get(engagement=engagement, version=1)
    assert report_v1.amount == 270

    # 5. The approver contests it with a comment.
    lucia.goto(f"{live_server.url}/chamados/{ticket.pk}/")
    lucia.locator(
        f"details:has(form[action$='/relatorios/{report_v1.pk}/decisao/'] input[value=contestado]) > summary"
    ).click()
    contest = lucia.locator(f"form[action$='/relatorios/{report_v1.pk}/decisao/']:has(input[value=contestado])")
    contest.locator("textarea[name=comment]").fill("Foram só 45 minutos: a reunião terminou às 9h45.")
    contest.locator("button:has-text('Enviar contestação')").click()
    lucia.wait_for_selector("text=Foram só 45 minutos")
    report_v1.refresh_from_db()
    assert report_v1.status == "contestado"
    _shot(lucia, "5-contested")

    # 6. The analyst corrects the entry and sends version 2 (45 min, billed at the 60-min minimum).
    ana.goto(f"{live_server.url}/console/chamados/{ticket.pk}/")
    assert "Foram só 45 minutos" in ana.inner_text(f"#assessoria-{engagement.pk} .advisory-reports")
    ana.click(f"#assessoria-{engagement.pk} .session-entries summary")
    correction = ana.locator(f"#assessoria-{engagement.pk} form.entry-form:has(button:has-text('Salvar correção'))")
    correction.locator("input[name=ended_at]").fill(_local(tomorrow + timedelta(minutes=45)))
    correction.locator("button:has-text('Salvar correção')").click()
    ana.wait_for_selector(f"#assessoria-{engagement.pk} .advisory-session:has-text('45 min trabalhados')")
    assert "R$ 180,00" in ana.inner_text(f"#assessoria-{engagement.pk} .advisory-session")
    ana.click(f"#assessoria-{engagement.pk} button:has-text('Enviar relatório para validação (versão 2)')")
    ana.wait_for_selector(f"#assessoria-{engagement.pk} .advisory-reports td:has-text('v2')")
    report_v2 = ActivityReport.objects.get(engagement=engagement, version=2)
    assert (report_v2.minutes, report_v2.billable_minutes, report_v2.amount) == (45, 60, 180)

    # 7. The approver downloads version 2 from the portal and validates it.
    lucia.goto(f"{live_server.url}/chamados/{ticket.pk}/")
    pdf_v2 = _download(lucia, f"a[href$='/relatorios/{report_v2.pk}/pdf/']", FILES / "v2.pdf")
    assert pdf_v2.startswith(b"%PDF")
    lucia.locator(
        f"details:has(form[action$='/relatorios/{report_v2.pk}/decisao/'] input[value=validado]) > summary"
    ).click()
    lucia.locator(f"form[action$='/relatorios/{report_v2.pk}/decisao/']:has(input[value=validado]) button").click()
    lucia.wait_for_load_state()
    report_v2.refresh_from_db()
    assert report_v2.status == "validado"
    assert list(
        BillingLine.objects.filter(report__engagement=engagement).values_list("billable_minutes", "amount")
    ) == [(60, 180)]
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status != TicketStatus.ADVISORY  # the validation ends the advisory pause
    _shot(lucia, "6-validated")

    # 8. The commercial team exports the batch and downloads its CSV.
    carol = people("carol.comercial")
    carol.goto(f"{live_server.url}/console/assessoria/")
    assert "R$ 180,00" in carol.content()
    carol.click("form.advisory-export button:has-text('Exportar faturamento')")
    carol.wait_for_selector("text=Lote 1 exportado")
    _shot(carol, "7-exported")
    raw = _download(carol, "a[href$='/csv/']", FILES / "lote-1.csv")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert any("180,00" in row for row in rows[1:-1]), rows  # the one line, decimal comma
    assert BillingLine.objects.get(report=report_v2).batch.number == 1

    # The PDF's first page as a picture, kept beside the screenshots.
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(FILES / "v2.pdf"),
                str(FILES / "report-v2-page-1"),
            ],
            check=True,
            timeout=60,
        )
        assert (FILES / "report-v2-page-1.png").stat().st_size > 5_000
