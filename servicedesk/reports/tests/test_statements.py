"""The monthly SLA statement: contents worked out by hand, approvers only, never another
organization's tickets — by page, PDF and API."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest

from servicedesk.core import clock
from servicedesk.tickets import services
from servicedesk.tickets.tests.factories import T0, CustomerFactory, sp

H = timedelta(hours=1)


@pytest.fixture
def approvers(world):
    return {
        "acme": CustomerFactory(username="aprova", organization=world.org, is_approver=True),
        "premium": CustomerFactory(username="aprova2", organization=world.premium_org, is_approver=True),
    }


@pytest.fixture
def december(world, monkeypatch):
    """acme (STARTER), opened Tue 1 Dec 10:00: Alta — answered at 11:00 (diagnosis met, 1 business
    hour), asked the customer at 12:00, answered Wed 2 Dec 10:00 (a pause of 6 business hours:
    12–13, 14–18, 9–10), reclassified to Crítica with a fato gerador; Baixa in homologação.
    premium_org: one Crítica ticket (never in acme's statement). Read on 10 December 12:00."""
    monkeypatch.setattr(clock, "now", lambda: sp(2026, 12, 10, 12))
    alta = world.open_problem(severity="Alta")
    services.ticket_comment_add(ticket=alta, author=world.analyst, body="Analisando.", now=T0 + H)
    services.ticket_ask_customer(ticket=alta, actor=world.analyst, now=T0 + 2 * H, note="Envie o holerite.")
    alta.refresh_from_db()
    services.ticket_comment_add(ticket=alta, author=world.customer, body="Segue.", now=sp(2026, 12, 2, 10))
    alta.refresh_from_db()
    services.ticket_reclassify(
        ticket=alta,
        actor=world.analyst,
        now=sp(2026, 12, 2, 11),
        severity="Crítica",
        justification="Folha parada para todos.",
        triggering_fact="Fechamento da folha no dia 5",
    )
    staging = world.open_problem(severity="Baixa", environment="homologação")
    theirs = world.open_problem(requester=world.premium_customer, severity="Crítica")
    return {"alta": alta, "staging": staging, "theirs": theirs}


def test_statement_contents(world, client, approvers, december):
    client.force_login(approvers["acme"])
    body = client.get("/api/v1/organizations/me/statements/2026-12").json()
    assert body["organization"]["name"] == world.org.name
    assert (body["month"], body["from"], body["to"]) == ("2026-12", "2026-12-01", "2026-12-31")
    tickets = {t["number"]: t for t in body["tickets"]}
    assert set(tickets) == {december["alta"].pk, december["staging"].pk}  # never the other organization's
    alta = tickets[december["alta"].pk]
    assert alta["severity"] == "Crítica"
    assert alta["diagnosis"]["outcome"] == "met" and alta["diagnosis"]["business_seconds"] == 3600
    assert alta["pauses"] == [
        {
            "status": "AGUARDANDO CLIENTE",
            "started_at": "2026-12-01T12:00:00-03:00",
            "ended_at": "2026-12-02T10:00:00-03:00",
            "business_seconds": 6 * 3600,
        }
    ]
    (change,) = alta["reclassifications"]
    assert (change["from_severity"], change["to_severity"]) == ("Alta", "Crítica")
    assert change["justification"] == "Folha parada para todos."
    assert change["triggering_fact"] == "Fechamento da folha no dia 5"
    # STARTER Crítica solution: 5 days = 40 business hours + the 6 h pause → breached by 10 Dec 12:00
    assert alta["solution"]["outcome"] == "breached"
    assert tickets[december["staging"].pk]["contractual"] is False
    assert tickets[december["staging"].pk]["diagnosis"]["outcome"] == ""
    (critica,) = body["compliance"]["by_severity"]
    assert critica["severity"] == "Crítica"
    assert critica["diagnosis"] == {"met": 1, "breached": 0, "compliance": 1.0, "avg_business_seconds": 3600.0}
    assert critica["solution"]["breached"] == 1


def test_portal_page_and_pdf(world, client, approvers, december, tmp_path):
    client.force_login(approvers["acme"])
    page = client.get("/relatorios/sla/2026-12/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Extrato de SLA" in html and "dezembro de 2026" in html
    assert f'data-ticket="{december["alta"].pk}"' in html
    assert f'data-ticket="{december["theirs"].pk}"' not in html
    assert "Fechamento da folha no dia 5" in html and "01/12/2026 12:00" in html
    pdf = client.get("/relatorios/sla/2026-12/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    api_pdf = client.get("/api/v1/organizations/me/statements/2026-12.pdf")
    assert api_pdf.status_code == 200 and api_pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "extrato.pdf"
        path.write_bytes(pdf.content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "Extrato de SLA — dezembro de 2026" in text
        assert f"{december['alta'].pk}" in text and "Fechamento da folha" in text


@pytest.mark.parametrize(
    "url",
    [
        "/relatorios/sla/2026-12/",
        "/relatorios/sla/2026-12/pdf/",
        "/relatorios/sla/",
        "/api/v1/organizations/me/statements/2026-12",
        "/api/v1/organizations/me/statements/2026-12.pdf",
    ],
)
def test_non_approvers_get_404(world, client, approvers, december, url):
    client.force_login(world.customer)  # a user of the organization who is not an approver
    assert client.get(url).status_code == 404
    for user in (world.analyst, world.manager):  # staff: the API's 404, the portal's refusal of staff
        client.force_login(user)
        assert client.get(url).status_code == (404 if url.startswith("/api/") else 403), (user, url)


def test_other_organization_and_bad_months(world, client, approvers, december):
    client.force_login(approvers["premium"])
    body = client.get("/api/v1/organizations/me/statements/2026-12").json()
    assert [t["number"] for t in body["tickets"]] == [december["theirs"].pk]
    pdf = client.get("/relatorios/sla/2026-12/pdf/")
    assert pdf.status_code == 200
    for month in ("2026-13", "1900-01", "2026-1", "abc"):
        assert client.get(f"/relatorios/sla/{month}/").status_code == 404
    assert client.get("/api/v1/organizations/me/statements/2026-13").status_code == 404
    assert client.get("/api/v1/organizations/me/statements/abc").status_code == 422


def test_the_ticket_list_comes_in_pages_and_the_totals_are_the_months(world, client, approvers, december, monkeypatch):
    from servicedesk.reports import statements

    monkeypatch.setattr(statements, "STATEMENT_PAGE_SIZE", 1)
    client.force_login(approvers["acme"])
    url = "/api/v1/organizations/me/statements/2026-12"
    first, second, past = (client.get(url, {"page": n}).json() for n in (1, 2, 99))
    assert [t["number"] for t in first["tickets"]] == [december["alta"].pk]  # opened first
    assert [t["number"] for t in second["tickets"]] == [december["staging"].pk]
    assert [t["number"] for t in past["tickets"]] == [december["staging"].pk]  # past the end: the last page
    assert (first["tickets_total"], first["pages"], first["page"], second["page"]) == (2, 2, 1, 2)
    assert first["compliance"] == second["compliance"]  # the whole month's, on every page
    assert client.get(url, {"page": 0}).status_code == 422
    page = client.get("/relatorios/sla/2026-12/", {"pagina": "2"}).content.decode()
    assert f'data-ticket="{december["staging"].pk}"' in page and f'data-ticket="{december["alta"].pk}"' not in page
    assert "Chamados 2–2 de 2" in page and 'rel="prev"' in page and 'rel="next"' not in page
    page = client.get("/relatorios/sla/2026-12/", {"pagina": "abc"}).content.decode()
    assert f'data-ticket="{december["alta"].pk}"' in page and "Chamados 1–1 de 2" in page


def test_the_whole_statement_takes_the_same_queries_whatever_its_size(world, approvers, december):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicedesk.reports.statements import statement

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            content = statement(world.org, year=2026, month=12, now=sp(2026, 12, 10, 12))
        return len(captured.captured_queries), len(content["tickets"])

    small = queries()
    for hour in (11, 14, 15):
        ticket = world.open_problem(severity="Normal", now=sp(2026, 12, 3, hour))
        services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=sp(2026, 12, 3, hour, 30), note="Log?")
    large = queries()
    assert (small[1], large[1]) == (2, 5)
    assert large[0] == small[0]
