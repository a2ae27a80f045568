"""/console/relatorios/: figures, drill-down to the queue with the same filters, CSV/XLSX, scope."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape

import openpyxl
import pytest

from servicedesk.accounts.models import Role
from servicedesk.core import clock
from servicedesk.tickets import services
from servicedesk.tickets.tests.factories import T0, StaffFactory, TeamFactory, sp

H = timedelta(hours=1)
URL = "/console/relatorios/"


@pytest.fixture
def december(world, monkeypatch):
    """Read on 4 December 12:00: PREMIUM Crítica — diagnosis met on time, solution met late;
    STARTER Alta ×2 — one diagnosis met, one breached (due Thu 15:00); another team's STARTER
    Crítica whose diagnosis (10 h, due Wed 13:00) is breached."""
    monkeypatch.setattr(clock, "now", lambda: sp(2026, 12, 4, 12))
    # The queue's view and selectors bound `clock.now` when they were imported (the drill-down reads it there).
    monkeypatch.setattr("servicedesk.core.clock.now", lambda: sp(2026, 12, 4, 12))
    premium = world.open_problem(requester=world.premium_customer, severity="Crítica")
    services.ticket_comment_add(ticket=premium, author=world.analyst, body="Analisando.", now=T0 + H)
    services.ticket_resolve(ticket=premium, actor=world.analyst, now=sp(2026, 12, 2, 12), note="Feito.")
    starter = world.open_problem(severity="Alta")
    services.ticket_comment_add(ticket=starter, author=world.analyst, body="Analisando.", now=T0 + H)
    late = world.open_problem(severity="Alta")
    other_team = TeamFactory(name="Suporte B")
    admin = StaffFactory(username="chefe", role=Role.ADMIN)
    theirs = world.open_problem(severity="Crítica")
    services.ticket_assign(ticket=theirs, actor=admin, now=T0, assignee=None, team=other_team)
    return {"premium": premium, "starter": starter, "late": late, "theirs": theirs, "admin": admin}


def _links(html: str, outcome: str) -> list[str]:
    return [unescape(m) for m in re.findall(rf'<a href="([^"]+)" data-outcome="{outcome}">', html)]


def test_dashboard_figures_and_drilldown(world, client, december):
    client.force_login(world.manager)
    page = client.get(URL, {"de": "2026-12", "ate": "2026-12", "agrupar": "plan,severity"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "dez/2026" in html
    assert "Suporte B" not in html.split("compliance-table")[1].split("</table>")[0]
    # her team: PREMIUM Crítica (diag 1 met / sol 1 breached), STARTER Alta (diag 1 met, 1 breached)
    assert 'data-figure="diagnosis-compliance">66,7 %' in html
    breached = _links(html, "breached")
    assert len(breached) == 4  # 2 rows × 2 clocks
    starter_diag = next(url for url in breached if "plan=STARTER" in url and "diagnosis" in url)
    queue = client.get(starter_diag)
    assert queue.status_code == 200
    numbers = set(map(int, re.findall(r'data-ticket="(\d+)"', queue.content.decode())))
    assert numbers == {december["late"].pk}


def test_the_queue_drilldown_keeps_the_reports_scope(world, client, december):
    client.force_login(world.manager)
    url = "/console/?queue=all&scope=reports&outcome=diagnosis:breached&counted_from=2026-12-01&counted_to=2026-12-31"
    numbers = set(map(int, re.findall(r'data-ticket="(\d+)"', client.get(url).content.decode())))
    assert numbers == {december["late"].pk}  # never the other team's breached Crítica
    client.force_login(december["admin"])
    client.get("/console/?limpar=1")
    numbers = set(map(int, re.findall(r'data-ticket="(\d+)"', client.get(url).content.decode())))
    assert numbers == {december["late"].pk, december["theirs"].pk}


def test_exports_are_the_table(world, client, december):
    client.force_login(world.manager)
    params = {"de": "2026-12", "ate": "2026-12", "agrupar": "plan,severity"}
    csv = client.get(URL, {**params, "formato": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Plano;Severidade;Diagnóstico no prazo;Diagnóstico violado;Diagnóstico cumprimento (%)")
    assert lines[1].startswith("PREMIUM;Crítica;1;0;100,00;1,00;1,00;0;1;0,00;10,00;10,00")
    assert lines[2].startswith("STARTER;Alta;1;1;50,00;1,00;1,00;0;0;;;")
    assert len(lines) == 3  # never the other team's row
    xlsx = client.get(URL, {**params, "formato": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == ("PREMIUM", "Crítica", 1, 0, 100)
    assert rows[2][:5] == ("STARTER", "Alta", 1, 1, 50)
    assert len(rows) == 3


def test_customers_get_404_and_bad_filters_a_message(world, client, december):
    client.force_login(world.customer)
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"formato": "csv"}).status_code == 404
    client.force_login(world.manager)
    page = client.get(URL, {"de": "2026-99", "ate": "xx", "agrupar": "cor"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Informe os meses no formato AAAA-MM" in html
    assert "Agrupamento desconhecido: cor" in html
