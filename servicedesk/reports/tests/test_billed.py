"""Advisory hours and amounts billed in the reports (reports.billed): the advisory's own billing
lines, grouped by month and organization, in the reports' scope. Prices of
advisory/tests/helpers.py: remote hour R$ 180,00."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from servicedesk.accounts.models import Role
from servicedesk.advisory import services
from servicedesk.advisory.tests.helpers import build_advisory
from servicedesk.core.errors import NotAllowed
from servicedesk.reports.billed import advisory_billed
from servicedesk.reports.selectors import Period
from servicedesk.tickets.tests.factories import StaffFactory, TeamFactory, sp

DECEMBER = Period(date(2026, 12, 1), date(2026, 12, 31))


@pytest.fixture
def billed(world):
    adv = build_advisory(world)
    engagement = adv.accepted()
    adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 9, 40))  # 40 min → 60 billed: R$ 180,00
    adv.log(engagement, sp(2026, 12, 3, 9), sp(2026, 12, 3, 11, 30))  # 150 min: R$ 450,00
    report = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 12))
    services.report_decide(report=report, actor=adv.approver, now=sp(2026, 12, 3, 14), decision="validado")
    return adv


def test_hours_and_amounts_billed_per_month_and_organization(world, billed):
    admin = StaffFactory(username="admin", role=Role.ADMIN)
    (row,) = advisory_billed(user=admin, period=DECEMBER)
    assert (row.month, row.organization_id, row.lines) == ("2026-12", world.org.pk, 2)
    assert (row.minutes, row.billable_minutes, row.billed_hours, row.amount) == (
        190,
        210,
        Decimal("3.50"),
        Decimal("630.00"),
    )
    assert advisory_billed(user=admin, period=Period(date(2026, 11, 1), date(2026, 11, 30))) == []
    # the narrowing filters apply through the lines' tickets
    assert advisory_billed(user=admin, period=DECEMBER, filters={"organization": world.other_org.pk}) == []


def test_billed_figures_are_scoped_like_the_rest(world, billed):
    other_manager = StaffFactory(username="outro.gestor", role=Role.MANAGER)
    TeamFactory(name="Suporte B").managers.add(other_manager)
    assert advisory_billed(user=other_manager, period=DECEMBER) == []
    assert [r.amount for r in advisory_billed(user=world.manager, period=DECEMBER)] == [Decimal("630.00")]
    # an analyst: the lines of his own sessions (or of his tickets) only
    assert [r.amount for r in advisory_billed(user=billed.analyst, period=DECEMBER)] == [Decimal("630.00")]
    assert advisory_billed(user=billed.second_analyst, period=DECEMBER) == []
    with pytest.raises(NotAllowed):
        advisory_billed(user=billed.approver, period=DECEMBER)


def test_the_dashboard_and_its_exports_show_what_was_billed(world, client, billed):
    import io

    import openpyxl

    params = {"de": "2026-12", "ate": "2026-12"}
    client.force_login(world.manager)
    html = client.get("/console/relatorios/", params).content.decode()
    table = html.split('id="billed-table"')[1].split("</table>")[0]
    assert "dez/2026" in table and world.org.name in table
    assert "3 h 10 min" in table and "3,50" in table and "R$ 630,00" in table  # worked 190 min, billed 210
    csv = client.get("/console/relatorios/", {**params, "formato": "csv", "tabela": "assessoria"})
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Mês;Organização;Linhas;Horas trabalhadas;Horas faturadas;Valor faturado (R$)",
        f"2026-12;{world.org.name};2;3,17;3,50;630,00",
    ]
    book = openpyxl.load_workbook(io.BytesIO(client.get("/console/relatorios/", {**params, "formato": "xlsx"}).content))
    assert book.sheetnames[:3] == ["Cumprimento do SLA", "Tempo pausado", "Assessoria faturada"]
    assert list(book["Assessoria faturada"].iter_rows(values_only=True))[1] == (
        "2026-12",
        world.org.name,
        2,
        3.17,
        3.5,
        630,
    )
    # another team's manager: nothing billed
    other_manager = StaffFactory(username="outro.gestor", role=Role.MANAGER)
    client.force_login(other_manager)
    assert "R$ 630,00" not in client.get("/console/relatorios/", params).content.decode()
