"""The monthly management report PDF (/console/relatorios/gerencial/<AAAA-MM>.pdf): its text,
extracted from the PDF, worked out by hand from test_console's December; scoped like the rest."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from servicedesk.reports.tests.test_console import december  # noqa: F401  (the fixture)

URL = "/console/relatorios/gerencial/2026-12.pdf"
pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")


def _text(tmp_path, content: bytes) -> str:
    path = tmp_path / "gerencial.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_the_management_report_of_a_managers_teams(world, client, december, tmp_path):  # noqa: F811
    client.force_login(world.manager)
    response = client.get(URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="relatorio-gerencial-2026-12.pdf"' in response["Content-Disposition"]
    text = _text(tmp_path, response.content)
    assert "Relatório gerencial de SLA — dezembro de 2026" in text
    # her team: PREMIUM Crítica diagnosis 1 on time (1,0 h), solution 1 late; STARTER Alta
    # diagnosis 1 on time, 1 breached (due Thu 03/12 15:00); total diagnosis 2 of 3 = 66,7 %
    assert "PREMIUM Crítica 1 0 100,0 % 1,0 h 0 1 0,0 % 10,0 h" in text
    assert "STARTER Alta 1 1 50,0 % 1,0 h 0 0 —" in text
    assert "Total 2 1 66,7 %" in text
    # the breaches: the PREMIUM solution due Wed 02/12 10:00 and the STARTER diagnosis — never
    # the other team's Crítica
    assert "Violações no mês (2)" in text
    assert "02/12/2026 10:00" in text and "03/12/2026 15:00" in text
    # (the other team's STARTER Crítica: 10 h from Tue 10:00 = Tue 7 h + Wed 09–12 → Wed 12:00)
    assert "02/12/2026 12:00" not in text
    assert "dezembro de 2026 66,7 % 0,0 %" in text  # the trend's last month
    # open now: her three tickets (RESOLVIDO waits for the customer), the late Alta breached
    assert "Backlog agora: 3 abertos, 0 em risco, 1 violados" in text
    assert "Escopo: equipes de" in text and "Suporte A" in text
    assert "Nenhuma linha de faturamento de assessoria neste mês." in text


def test_an_administrator_sees_every_team_and_customers_get_404(world, client, december, tmp_path):  # noqa: F811
    client.force_login(december["admin"])
    text = _text(tmp_path, client.get(URL).content)
    assert "Violações no mês (3)" in text and "02/12/2026 12:00" in text
    assert client.get("/console/relatorios/gerencial/2026-13.pdf").status_code == 404
    client.force_login(world.customer)
    assert client.get(URL).status_code == 404
