"""Release awareness in the console (issue 11): the workspace's "Correção" card (link, publish),
and the report of the defects fixed per release (/console/relatorios/versoes/), scoped like the
SLA reports: an administrator everything, a manager the tickets of the teams she manages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from servicedesk.accounts.models import Role, Team, User
from servicedesk.catalog.models import Product, Release
from servicedesk.tickets import services
from servicedesk.tickets.models import EventKind, Ticket

pytestmark = pytest.mark.django_db
AT = datetime(2026, 12, 3, 11, tzinfo=ZoneInfo("America/Sao_Paulo"))


def post(client, ticket, action, **data):
    data.setdefault("expected_revision", ticket.revision)
    return client.post(f"/console/chamados/{ticket.pk}/{action}/", data)


@pytest.fixture
def fix(demo) -> Release:
    return Release.objects.create(
        product=Product.objects.get(code="weconnect-rh"), version="12.2.0", released_on=date(2026, 12, 15)
    )


@pytest.fixture
def horizonte_problem(demo) -> Ticket:
    return Ticket.objects.get(organization__slug="horizonte", type="Problema")


# --------------------------------------------------------------------------- the workspace


def test_maintenance_links_from_the_workspace_and_the_card_says_planned(as_user, problem, fix):
    client = as_user("marcos.manutencao")
    html = client.get(f"/console/chamados/{problem.pk}/").content.decode()
    assert 'id="correcao"' in html and "Nenhuma versão vinculada." in html
    assert f'<option value="{fix.pk}"' in html  # the product's releases
    response = post(client, problem, "versao-corrigida", release=fix.pk)
    assert response.status_code == 302
    assert Ticket.objects.get(pk=problem.pk).fixed_in_id == fix.pk
    html = client.get(f"/console/chamados/{problem.pk}/").content.decode()
    assert "Correção prevista na versão 12.2.0" in html
    assert "Publicar a versão 12.2.0" in html  # maintenance publishes
    [row] = [
        r for r in client.get(f"/console/chamados/{problem.pk}/").context["history"] if r["event"].kind == "fix_linked"
    ]
    assert (row["label"], row["detail"], row["public"]) == (
        "Correção vinculada a uma versão",
        "WeConnect RH 12.2.0",
        False,
    )


def test_publishing_from_the_workspace_tells_the_customer_once(
    as_user, demo, problem, fix, django_capture_on_commit_callbacks
):
    services.ticket_fix_link(ticket=problem, release_id=fix.pk, actor=demo["marcos.manutencao"], now=AT)
    client = as_user("marcos.manutencao")
    ticket = Ticket.objects.get(pk=problem.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, ticket, "publicar-versao").status_code == 302
    fix.refresh_from_db()
    assert fix.published_at is not None and fix.published_by == demo["marcos.manutencao"]
    # joana (requester) and lucia (the approver of Acme)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([demo["joana.acme"].email, demo["lucia.acme"].email])
    html = client.get(f"/console/chamados/{problem.pk}/").content.decode()
    assert "Corrigido na versão 12.2.0 (publicada em" in html and "Publicar a versão" not in html


@pytest.mark.parametrize("username", ["ana.analista", "carol.comercial"])
def test_who_lacks_the_capability_neither_sees_the_form_nor_gets_through(as_user, problem, fix, username):
    client = as_user(username)
    html = client.get(f"/console/chamados/{problem.pk}/").content.decode()
    assert 'id="correcao"' in html and "Vincular versão" not in html
    assert post(client, problem, "versao-corrigida", release=fix.pk).status_code == 403
    assert Ticket.objects.get(pk=problem.pk).fixed_in_id is None


def test_the_manager_links_but_does_not_publish(as_user, demo, problem, fix):
    services.ticket_fix_link(ticket=problem, release_id=fix.pk, actor=demo["gabriela.gestora"], now=AT)
    client = as_user("gabriela.gestora")
    ticket = Ticket.objects.get(pk=problem.pk)
    assert "Publicar a versão" not in client.get(f"/console/chamados/{problem.pk}/").content.decode()
    assert post(client, ticket, "publicar-versao").status_code == 403
    assert Release.objects.get(pk=fix.pk).published_at is None


def test_a_release_of_another_product_is_refused_in_portuguese_and_nothing_changes(as_user, problem):
    other = Release.objects.get(product__code="weconnect-portal", version="5.4.1")
    response = post(as_user("marcos.manutencao"), problem, "versao-corrigida", release=other.pk)
    assert response.status_code == 400
    assert "A versão escolhida é de outro produto" in response.content.decode()
    fresh = Ticket.objects.get(pk=problem.pk)
    assert fresh.fixed_in_id is None and fresh.revision == problem.revision
    assert not fresh.events.filter(kind=EventKind.FIX_LINKED).exists()


@pytest.mark.parametrize("value", ["", "doze", "-1", "99999999999999999999999"])
def test_bad_input_is_a_form_error_never_a_500(as_user, problem, value):
    response = post(as_user("marcos.manutencao"), problem, "versao-corrigida", release=value)
    assert response.status_code == 400
    assert Ticket.objects.get(pk=problem.pk).fixed_in_id is None


def test_customers_get_404_on_the_new_console_urls(as_user, problem, fix):
    client = as_user("joana.acme")
    assert post(client, problem, "versao-corrigida", release=fix.pk).status_code == 404
    assert post(client, problem, "publicar-versao").status_code == 404
    assert client.get("/console/relatorios/versoes/").status_code == 404


# --------------------------------------------------------------------------- the report


@pytest.fixture
def fixed_both(demo, problem, horizonte_problem, fix):
    """Acme's problem (team A) and Horizonte's (team B) fixed in 12.2.0, published."""
    for ticket in (problem, horizonte_problem):
        services.ticket_fix_link(ticket=ticket, release_id=fix.pk, actor=demo["marcos.manutencao"], now=AT)
    services.release_publish(release=fix, actor=demo["admin"], now=AT)
    return problem, horizonte_problem


@pytest.fixture
def beatriz(demo) -> User:
    """A manager of team B only."""
    user = User.objects.create_user(username="beatriz.gestora", password="x", role=Role.MANAGER)
    Team.objects.get(name="Suporte RH — Equipe B").managers.add(user)
    return user


def _listed(response) -> set[int]:
    return {t.pk for group in response.context["groups"] for t in group.tickets}


def test_the_report_lists_the_fixed_problems_per_release_for_administrators(as_user, fixed_both):
    acme, horizonte = fixed_both
    response = as_user("admin").get("/console/relatorios/versoes/")
    assert response.status_code == 200
    [group] = response.context["groups"]
    assert (group.product, group.version) == ("WeConnect RH", "12.2.0")
    assert [t.pk for t in group.tickets] == sorted([acme.pk, horizonte.pk])
    html = response.content.decode()
    assert "WeConnect RH 12.2.0" in html and "publicada em 03/12/2026" in html


def test_a_manager_of_another_team_sees_only_her_teams_tickets(client, beatriz, fixed_both):
    acme, horizonte = fixed_both
    assert acme.team.name == "Suporte RH — Equipe A" and horizonte.team.name == "Suporte RH — Equipe B"
    client.force_login(beatriz)
    response = client.get("/console/relatorios/versoes/")
    assert _listed(response) == {horizonte.pk}
    csv = client.get("/console/relatorios/versoes/?formato=csv").content.decode("utf-8-sig")
    assert f";{horizonte.pk};" in csv and f";{acme.pk};" not in csv


def test_the_csv_export_has_one_line_per_fixed_ticket(as_user, fixed_both):
    acme, horizonte = fixed_both
    response = as_user("gabriela.gestora").get("/console/relatorios/versoes/?formato=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="correcoes-por-versao.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").strip().split("\r\n")
    assert lines[0] == "Produto;Versão;Publicada em;Chamado;Título;Organização;Severidade;Status"
    assert [line.split(";")[:4] for line in lines[1:]] == [
        ["WeConnect RH", "12.2.0", "03/12/2026", str(pk)] for pk in sorted([acme.pk, horizonte.pk])
    ]


@pytest.mark.parametrize("username", ["ana.analista", "marcos.manutencao"])
def test_analysts_and_maintenance_do_not_get_the_report(as_user, fixed_both, username):
    assert as_user(username).get("/console/relatorios/versoes/").status_code == 403


def test_the_dashboard_links_to_the_report_for_managers_only(as_user):
    link = 'href="/console/relatorios/versoes/"'
    assert link in as_user("gabriela.gestora").get("/console/relatorios/").content.decode()
    assert link not in as_user("ana.analista").get("/console/relatorios/").content.decode()


def test_the_report_never_writes(as_user, fixed_both):
    before = list(Ticket.objects.order_by("pk").values_list("pk", "revision", "updated_at"))
    as_user("admin").get("/console/relatorios/versoes/?produto=abc")
    assert list(Ticket.objects.order_by("pk").values_list("pk", "revision", "updated_at")) == before


def test_the_xlsx_export_has_the_same_rows_as_the_csv(as_user, fixed_both):
    import io

    import openpyxl

    acme, horizonte = fixed_both
    response = as_user("gabriela.gestora").get("/console/relatorios/versoes/?formato=xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="correcoes-por-versao.xlsx"' in response["Content-Disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Produto", "Versão", "Publicada em", "Chamado", "Título", "Organização", "Severidade", "Status")
    assert [row[:4] for row in rows[1:]] == [
        ("WeConnect RH", "12.2.0", "03/12/2026", pk) for pk in sorted([acme.pk, horizonte.pk])
    ]


def test_the_xlsx_export_keeps_the_managers_scope(client, beatriz, fixed_both):
    import io

    import openpyxl

    _acme, horizonte = fixed_both
    client.force_login(beatriz)
    response = client.get("/console/relatorios/versoes/?formato=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[3] for row in rows[1:]] == [horizonte.pk]  # never team A's Acme problem
