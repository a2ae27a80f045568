"""The dashboard's satisfaction (per analyst, team, organization and month, with the form's
filters), its reclassifications list (up/down counted by hand), the median times, and their
exports — each in the reports' scope. Expected values worked out by hand."""

from __future__ import annotations

import re
from datetime import timedelta
from hashlib import sha256

import pytest

from servicedesk.accounts.models import Role
from servicedesk.core import clock
from servicedesk.reports import selectors as reports
from servicedesk.surveys.models import SatisfactionSurvey
from servicedesk.tickets import services
from servicedesk.tickets.tests.factories import T0, StaffFactory, TeamFactory, sp

H = timedelta(hours=1)
URL = "/console/relatorios/"
NOW = sp(2026, 12, 4, 12)
PARAMS = {"de": "2026-12", "ate": "2026-12", "agrupar": "plan"}


def _csv(client, table: str, **params) -> list[str]:
    response = client.get(URL, {**PARAMS, **params, "formato": "csv", "tabela": table})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return response.content.decode("utf-8-sig").splitlines()


# --------------------------------------------------------------------------- satisfaction


def _answer(ticket, *, rating: int, at, analyst, team) -> None:
    SatisfactionSurvey.objects.create(
        ticket=ticket,
        requester=ticket.requester,
        organization=ticket.organization,
        team=team,
        analyst=analyst,
        token_hash=sha256(f"t{ticket.pk}".encode()).hexdigest(),
        created_at=at - H,
        rating=rating,
        answered_at=at,
    )


@pytest.fixture
def answers(world, monkeypatch):
    """Suporte A, December: Acme STARTER 5 and 2 (Ana), Horizonte PREMIUM 4 (nobody assigned);
    Acme November 3 (Ana: outside the period). Suporte B: Acme December 1 (Bruno)."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    world.analyst.first_name = "Ana"
    world.analyst.save(update_fields=["first_name"])
    bruno = StaffFactory(username="bruno", first_name="Bruno")
    team_b = TeamFactory(name="Suporte B")
    admin = StaffFactory(username="chefe", role=Role.ADMIN)
    _answer(world.open_problem(), rating=5, at=sp(2026, 12, 2, 10), analyst=world.analyst, team=world.team)
    _answer(world.open_problem(), rating=2, at=sp(2026, 12, 3, 10), analyst=world.analyst, team=world.team)
    premium = world.open_problem(requester=world.premium_customer, severity="Crítica")
    _answer(premium, rating=4, at=sp(2026, 12, 3, 11), analyst=None, team=world.team)
    november = world.open_problem(now=sp(2026, 11, 2, 10))
    _answer(november, rating=3, at=sp(2026, 11, 20, 10), analyst=world.analyst, team=world.team)
    theirs = world.open_problem()
    services.ticket_assign(ticket=theirs, actor=admin, now=T0, assignee=None, team=team_b)
    _answer(theirs, rating=1, at=sp(2026, 12, 3, 12), analyst=bruno, team=team_b)
    return admin


def test_satisfaction_per_analyst_team_organization_and_month(world, client, answers):
    client.force_login(world.manager)
    acme, horizonte = world.org.name, world.premium_org.name
    lines = _csv(client, "satisfacao")
    assert lines[0] == "Por;Nome;Respostas;Nota média (1–5);Notas ≤ 2"
    # Ana: (5 + 2) / 2 = 3.5, one ≤ 2; unassigned: 4; the team: (5 + 2 + 4) / 3 = 3.67
    assert sorted(lines[1:]) == sorted(
        [
            "Analista;Ana;2;3,50;1",
            "Analista;Sem responsável;1;4,00;0",
            "Equipe;Suporte A;3;3,67;1",
            f"Organização;{acme};2;3,50;1",
            f"Organização;{horizonte};1;4,00;0",
            "Mês;2026-12;3;3,67;1",
        ]
    )
    html = client.get(URL, PARAMS).content.decode()
    table = html.split('id="satisfaction-table"')[1].split("</table>")[0]
    assert "Suporte B" not in table and "Bruno" not in table
    assert "<td>3,67</td>" in table


def test_satisfaction_honours_the_forms_filters_and_period(world, client, answers):
    client.force_login(world.manager)
    lines = _csv(client, "satisfacao", plan="PREMIUM")
    assert sorted(lines[1:]) == sorted(
        [
            "Analista;Sem responsável;1;4,00;0",
            "Equipe;Suporte A;1;4,00;0",
            f"Organização;{world.premium_org.name};1;4,00;0",
            "Mês;2026-12;1;4,00;0",
        ]
    )
    lines = _csv(client, "satisfacao", analyst=world.analyst.pk, de="2026-11", ate="2026-12")
    # Ana over November and December: 5, 2 and 3 → 3.33; per month 3 (Nov) and 3.5 (Dec)
    assert "Analista;Ana;3;3,33;1" in lines
    assert "Mês;2026-11;1;3,00;0" in lines and "Mês;2026-12;2;3,50;1" in lines
    assert len(lines) == 1 + 5  # Ana, the team, Acme, two months


def test_satisfaction_export_scope(world, client, answers):
    client.force_login(answers)  # the administrator sees Suporte B's answer as well
    lines = _csv(client, "satisfacao")
    assert "Analista;Bruno;1;1,00;1" in lines and "Equipe;Suporte B;1;1,00;1" in lines
    assert "Mês;2026-12;4;3,00;2" in lines  # (5 + 2 + 4 + 1) / 4
    client.force_login(world.manager)
    assert not [line for line in _csv(client, "satisfacao") if "Bruno" in line or "Suporte B" in line]


# --------------------------------------------------------------------------- reclassifications


@pytest.fixture
def reclassified(world, monkeypatch):
    """December, Suporte A: Alta → Crítica (up, with a triggering fact), Alta → Baixa (down),
    Crítica → Normal (down), Problema → Solicitação Normal→Normal (type only); November: one up
    (outside the period). Suporte B: Alta → Crítica (another team's)."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    admin = StaffFactory(username="chefe", role=Role.ADMIN)

    def reclassify(ticket, at, **change):
        return services.ticket_reclassify(ticket=ticket, actor=admin, now=at, **change)

    up = world.open_problem(severity="Alta")
    reclassify(
        up, T0 + H, severity="Crítica", justification="Folha parada.", triggering_fact="Toda a empresa sem folha."
    )
    down = world.open_problem(severity="Alta")
    reclassify(down, T0 + 2 * H, severity="Baixa", justification="Há contorno.")
    twice = world.open_problem(severity="Crítica")
    reclassify(twice, T0 + 3 * H, severity="Normal", justification="Afeta um usuário.")
    kind = world.open_problem(severity="Normal")
    reclassify(kind, T0 + 4 * H, type="Solicitação", justification="É um pedido de melhoria.")
    old = world.open_problem(severity="Alta", now=sp(2026, 11, 2, 10))
    reclassify(old, sp(2026, 11, 3, 10), severity="Crítica", justification="Antigo.")
    theirs = world.open_problem(severity="Alta")
    services.ticket_assign(ticket=theirs, actor=admin, now=T0, assignee=None, team=TeamFactory(name="Suporte B"))
    reclassify(theirs, T0 + 5 * H, severity="Crítica", justification="Outra equipe.")
    return {"admin": admin, "up": up, "down": down, "twice": twice, "kind": kind, "theirs": theirs}


def test_reclassifications_counted_and_listed(world, client, reclassified):
    client.force_login(world.manager)
    html = client.get(URL, PARAMS).content.decode()
    # up: Alta → Crítica; down: Alta → Baixa and Crítica → Normal; type only: Problema → Solicitação
    assert "1 para maior urgência, 2 para menor, 1 só de tipo; 1 com fato gerador." in html
    table = html.split('id="reclassifications-table"')[1].split("</table>")[0]
    assert re.findall(r'data-direction="(\w+)"', table) == ["type", "down", "down", "up"]  # newest first
    assert f"#{reclassified['theirs'].pk}" not in table
    assert "Toda a empresa sem folha." in table and "Alta → Crítica" in table
    lines = _csv(client, "reclassificacoes")
    assert lines[0] == (
        "Chamado;Título;Data;Por;Tipo (de → para);Severidade (de → para);Direção;Justificativa;Fato gerador"
    )
    assert len(lines) == 1 + 4
    up = reclassified["up"]
    assert lines[4] == (
        f"{up.pk};{up.title};01/12/2026 11:00;Analista;Problema → Problema;Alta → Crítica;"
        "para maior urgência;Folha parada.;Toda a empresa sem folha."
    )
    kind = reclassified["kind"]
    assert lines[1].startswith(f"{kind.pk};") and ";Problema → Solicitação;Normal → Normal;só de tipo;" in lines[1]


def test_reclassifications_scope_and_filters(world, client, reclassified):
    client.force_login(reclassified["admin"])
    html = client.get(URL, PARAMS).content.decode()
    assert "2 para maior urgência, 2 para menor, 1 só de tipo; 1 com fato gerador." in html
    assert len(_csv(client, "reclassificacoes")) == 1 + 5
    client.force_login(world.manager)
    lines = _csv(client, "reclassificacoes", severity="Crítica")  # the ticket's severity now
    assert [line.split(";")[0] for line in lines[1:]] == [str(reclassified["up"].pk)]


# --------------------------------------------------------------------------- median times


@pytest.fixture
def timed(world, monkeypatch):
    """Three STARTER Alta tickets opened Tue 1 Dec 10:00 (business hours 9–13, 14–18), answered at
    11:00, 12:00 and 15:00 (diagnosis 1 h, 2 h, 4 h: median 2 h, mean 2.33 h) and resolved at
    Tue 12:00, Tue 17:00 and Wed 11:00 (solution 2 h, 6 h, 7 h + 2 h = 9 h: median 6 h, mean 5.67 h)."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    for answered, resolved in (
        (sp(2026, 12, 1, 11), sp(2026, 12, 1, 12)),
        (sp(2026, 12, 1, 12), sp(2026, 12, 1, 17)),
        (sp(2026, 12, 1, 15), sp(2026, 12, 2, 11)),
    ):
        ticket = world.open_problem(severity="Alta")
        services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Analisando.", now=answered)
        services.ticket_resolve(ticket=ticket, actor=world.analyst, now=resolved, note="Feito.")


def test_median_diagnosis_and_solution_times(world, client, timed):
    (row,) = reports.compliance(
        user=world.manager, period=reports.Period.month(2026, 12), now=NOW, group_by=("plan",), median=True
    )
    assert row.diagnosis.median_business_seconds == 2 * 3600
    assert row.solution.median_business_seconds == 6 * 3600
    assert row.diagnosis.avg_business_seconds == pytest.approx(7 * 3600 / 3)
    assert row.solution.avg_business_seconds == pytest.approx(17 * 3600 / 3)
    client.force_login(world.manager)
    html = client.get(URL, PARAMS).content.decode()
    # STARTER: diagnosis 3 met, 0 breached, 100 %, mean 2,3 h, median 2,0 h; solution mean 5,7 h, median 6,0 h
    assert "<td>2,3 h</td><td>2,0 h</td>" in html and "<td>5,7 h</td><td>6,0 h</td>" in html
    lines = _csv(client, "cumprimento")
    assert lines[1] == "STARTER;3;0;100,00;2,33;2,00;3;0;100,00;5,67;6,00"
