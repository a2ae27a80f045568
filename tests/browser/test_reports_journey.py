"""The SLA reports end to end in a real browser (issue 11): a support manager opens the dashboard,
filters PREMIUM × Crítica, drills into the breached tickets (the console queue with the same
filters) and exports the XLSX; an approver downloads the monthly statement PDF; a customer
answers the satisfaction survey from the e-mail's link.

Artifacts: screenshots under test-artifacts/screenshots/reports-*.png; the XLSX, the statement
PDF and its first page as a PNG (pdftoppm) under test-artifacts/reports/.

The story, by hand: a PREMIUM Crítica ticket of Banco Horizonte opened 7 days ago and never
answered — its diagnosis (6 business hours) and solution (8 business hours, one business day)
deadlines have passed (7 calendar days hold at least 5 weekdays), so both clocks are breached.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.core import clock

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ROOT = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ROOT / "screenshots"
FILES = ROOT / "reports"
SP = ZoneInfo("America/Sao_Paulo")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people(open_people):
    """One browser context per person (each keeps its own session), logged in on first use."""
    return open_people(_shot)


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"reports-{name}.png"), full_page=True)


def _download(page, selector: str, target: Path) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    FILES.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(target))
    return target.read_bytes()


def _breached_critical(users):
    from servicedesk.catalog.models import Module
    from servicedesk.demo.data import demo_screenshot_png
    from servicedesk.tickets import services

    return services.ticket_open(
        requester=users["rafael.horizonte"],
        type="Problema",
        severity="Crítica",
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="Folha de Pagamento"),
        version_text="12.1.1",
        title="Folha de dezembro parada para todos",
        description="O cálculo da folha não termina e ninguém consegue fechar o mês.",
        files=[SimpleUploadedFile("tela.png", demo_screenshot_png(), content_type="image/png")],
        now=clock.now() - timedelta(days=7),
    )


def test_manager_drills_into_breaches_and_exports_approver_downloads_customer_answers(demo_live, people, live_server):
    import openpyxl

    from servicedesk.tickets.models import Ticket

    ticket = _breached_critical(demo_live)
    ticket.refresh_from_db()
    assert ticket.plan_code == "PREMIUM" and ticket.team is not None

    # 1. The manager opens the dashboard and filters PREMIUM × Crítica.
    manager = people("gabriela.gestora")
    manager.goto(f"{live_server.url}/console/relatorios/")
    assert "Relatórios de SLA" in manager.inner_text("h1")
    manager.select_option("#r-plan", "PREMIUM")
    manager.select_option("#r-severity", "Crítica")
    manager.click("#report-filters button[type=submit]")
    manager.wait_for_load_state()
    assert "plan=PREMIUM" in manager.url and "severity=" in manager.url
    rows = manager.locator("#compliance-table tbody tr")
    assert rows.count() == 1  # the filters leave one plan × severity
    cells = [c.strip() for c in rows.first.locator("th, td").all_text_contents()]
    assert cells[:2] == ["PREMIUM", "Crítica"]
    solution_breached = int(cells[8])
    assert solution_breached >= 1  # at least this ticket's solution
    assert manager.locator("#paused").count() == 1 and manager.locator("#billed").count() == 1
    _shot(manager, "1-dashboard-premium-critica")

    # 2. The breached solutions drill down to the console queue with the same filters.
    manager.locator("#compliance-table a[data-outcome=breached]").nth(1).click()
    manager.wait_for_load_state()
    assert "/console/" in manager.url and "outcome=solution%3Abreached" in manager.url
    assert "plan=PREMIUM" in manager.url and "scope=reports" in manager.url
    listed = {int(n) for n in manager.locator("[data-ticket]").evaluate_all("els => els.map(e => e.dataset.ticket)")}
    assert ticket.pk in listed
    assert len(listed) == solution_breached  # the list is the figure
    for number in listed:
        other = Ticket.objects.get(pk=number)
        assert (other.plan_code, other.severity) == ("PREMIUM", "Crítica")
    _shot(manager, "2-breached-queue")

    # 3. Back on the dashboard, the XLSX export: the same row, a sheet per table.
    manager.go_back()
    manager.wait_for_load_state()
    raw = _download(manager, "a[data-export=xlsx]", FILES / "sla-premium-critica.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(raw))
    assert book.sheetnames == [
        "Cumprimento do SLA",
        "Tempo pausado",
        "Assessoria faturada",
        "Carga por analista",
        "Idade do backlog",
        "Satisfação",
        "Reclassificações",
    ]
    header, *body = list(book["Cumprimento do SLA"].iter_rows(values_only=True))
    assert header[:3] == ("Plano", "Severidade", "Diagnóstico no prazo")
    assert len(body) == 1 and body[0][:2] == ("PREMIUM", "Crítica")
    assert body[0][header.index("Solução violada")] == solution_breached
    assert [c.strip() for c in cells[2:4]] == [str(body[0][2]), str(body[0][3])]

    # 4. The approver downloads the monthly statement of the ticket's month as a PDF.
    month = ticket.opened_at.astimezone(SP).strftime("%Y-%m")
    approver = people("helena.horizonte")
    approver.goto(f"{live_server.url}/relatorios/sla/{month}/")
    assert "Extrato de SLA" in approver.inner_text("h1")
    assert approver.locator(f'[data-ticket="{ticket.pk}"]').count() in (0, 1)  # on this page or a later one
    _shot(approver, "3-statement")
    pdf = _download(approver, "a[data-download=pdf]", FILES / f"extrato-sla-{month}.pdf")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(FILES / f"extrato-sla-{month}.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Extrato de SLA" in text and "Banco Horizonte" in text
        assert "Folha de dezembro parada para todos" in " ".join(text.split())  # every ticket is in the PDF
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
                str(FILES / f"extrato-sla-{month}.pdf"),
                str(FILES / "statement-page-1"),
            ],
            check=True,
            timeout=60,
        )
        assert (FILES / "statement-page-1.png").stat().st_size > 5_000


def test_a_customer_answers_the_survey_from_the_e_mail_link(demo_live, people, live_server):
    from django.core import mail

    from servicedesk.catalog.models import Module
    from servicedesk.surveys.models import SatisfactionSurvey
    from servicedesk.surveys.services import surveys_send_due
    from servicedesk.tickets import services

    joana, ana = demo_live["joana.acme"], demo_live["ana.analista"]
    now = clock.now()
    ticket = services.ticket_open(
        requester=joana,
        type="Dúvida",
        severity=None,
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="Folha de Pagamento"),
        title="Como lançar horas extras no feriado?",
        description="Precisamos lançar as horas extras do feriado de novembro.",
        now=now - timedelta(hours=3),
    )
    services.ticket_resolve(ticket=ticket, actor=ana, now=now - timedelta(hours=2), note="Use a rubrica 150.")
    ticket.refresh_from_db()
    services.ticket_confirm_solution(ticket=ticket, actor=joana, now=now - timedelta(hours=1))
    mail.outbox.clear()
    assert surveys_send_due(now=now) >= 1
    [message] = [m for m in mail.outbox if m.to == [joana.email]]
    link = re.search(r"https?://[^/\s]+(/pesquisa/[^\s/]+/)", message.body).group(1)

    customer = people("joana.acme")
    customer.goto(live_server.url + link)
    assert "Como foi o atendimento?" in customer.inner_text("h1")
    assert f"#{ticket.pk}" in customer.inner_text("main")
    customer.check("#survey-form input[name=rating][value='4']")
    customer.fill("#survey-comment", "Resolvido rápido, obrigada.")
    _shot(customer, "4-survey")
    customer.click("#survey-form button[type=submit]")
    customer.wait_for_selector("text=Obrigado! Sua avaliação foi registrada.")
    _shot(customer, "5-survey-thanks")
    survey = SatisfactionSurvey.objects.get(ticket=ticket)
    assert (survey.rating, survey.comment) == (4, "Resolvido rápido, obrigada.")
    # the link answers once: opening it again shows the answer and no form
    customer.goto(live_server.url + link)
    assert customer.locator("#survey-form").count() == 0
    assert "Nota: 4 de 5" in customer.inner_text("main")
