"""Who sees which figures: administrators everything, a manager her teams, an analyst his own
tickets, customers nothing (the scope is applied in the selector, whatever the channel)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from servicedesk.accounts.models import Role
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.reports.selectors import Period, compliance, parse_group_by
from servicedesk.tickets import services
from servicedesk.tickets.tests.factories import T0, StaffFactory, TeamFactory, sp

H = timedelta(hours=1)
DECEMBER = Period(date(2026, 12, 1), date(2026, 12, 31))
LATER = sp(2026, 12, 30, 12)


@pytest.fixture
def two_teams(world):
    """Two tickets of the world's team (one assigned to ana) and one of another team."""
    other_team = TeamFactory(name="Suporte B")
    other_manager = StaffFactory(username="marcos", role=Role.MANAGER)
    other_team.managers.add(other_manager)
    bruno = StaffFactory(username="bruno", teams=[other_team])
    mine = world.open_problem(severity="Alta")
    services.ticket_assign(ticket=mine, actor=world.manager, now=T0, assignee=world.analyst)
    world.open_problem(severity="Baixa")
    theirs = world.open_problem(severity="Crítica")
    services.ticket_assign(
        ticket=theirs, actor=StaffFactory(username="root", role=Role.ADMIN), now=T0, assignee=bruno, team=other_team
    )
    return {"other_manager": other_manager, "bruno": bruno, "admin": StaffFactory(username="chefe", role=Role.ADMIN)}


def _counted(user) -> int:
    rows = compliance(user=user, period=DECEMBER, now=LATER)
    return sum(r.diagnosis.breached + r.diagnosis.met for r in rows)


def test_each_role_sees_its_scope(world, two_teams):
    # every diagnosis is breached by 30 December (nobody answered)
    assert _counted(two_teams["admin"]) == 3
    assert _counted(world.manager) == 2  # her team only
    assert _counted(two_teams["other_manager"]) == 1
    assert _counted(world.analyst) == 1  # his own ticket
    assert _counted(two_teams["bruno"]) == 1
    by_severity = compliance(user=world.manager, period=DECEMBER, now=LATER, group_by=("severity",))
    assert [r.keys["severity"] for r in by_severity] == ["Alta", "Baixa"]  # never the other team's Crítica


def test_customers_get_nothing(world, two_teams):
    for user in (world.customer, world.premium_customer):
        with pytest.raises(NotAllowed):
            compliance(user=user, period=DECEMBER, now=LATER)


def test_filters_narrow_the_figures(world, two_teams):
    rows = compliance(user=two_teams["admin"], period=DECEMBER, now=LATER, filters={"severity": "Crítica"})
    assert [(r.diagnosis.breached, r.diagnosis.compliance) for r in rows] == [(1, 0.0)]
    assert compliance(user=two_teams["admin"], period=DECEMBER, now=LATER, filters={"plan": "PREMIUM"}) == []


def test_nothing_counted_is_null_compliance(world, two_teams):
    rows = compliance(user=two_teams["admin"], period=DECEMBER, now=T0 + H)  # all pending, none due yet
    assert rows == []


def test_bad_group_by_and_period_are_domain_errors():
    assert parse_group_by("plan, severity,plan") == ("plan", "severity")
    with pytest.raises(DomainError):
        parse_group_by("plan,color")
    with pytest.raises(DomainError):
        Period.checked(date(2026, 12, 2), date(2026, 12, 1))


def test_the_filter_menus_offer_only_the_scope(world, two_teams, client):
    """A manager's menus list her teams and their members, an analyst's only himself; the
    administrator's every team and analyst (the figures are scoped anyway: no names leak)."""
    from servicedesk.reports.selectors import scope_teams_and_analysts

    def names(user):
        teams, analysts = scope_teams_and_analysts(user)
        return sorted(t.name for t in teams), sorted(u.username for u in analysts)

    assert names(world.manager) == (["Suporte A"], ["ana", "gabriela"])
    assert names(two_teams["other_manager"]) == (["Suporte B"], ["bruno", "marcos"])
    assert names(world.analyst) == ([], ["ana"])
    admin_teams, admin_analysts = names(two_teams["admin"])
    assert {"Suporte A", "Suporte B"} <= set(admin_teams) and {"ana", "bruno", "gabriela", "marcos"} <= set(
        admin_analysts
    )
    with pytest.raises(NotAllowed):
        scope_teams_and_analysts(world.customer)
    client.force_login(world.manager)
    page = client.get("/console/relatorios/").content.decode()
    assert "Suporte A" in page and "Suporte B" not in page and ">bruno<" not in page
