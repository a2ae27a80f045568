"""Role checks through accounts.permissions: customers never see the console (404), staff do,
only managers and administrators see the manager view; CSRF on every state-changing form."""

import pytest

from servicedesk.console.views import ACTIONS

pytestmark = pytest.mark.django_db

CUSTOMERS = ["joana.acme", "lucia.acme", "pedro.acme", "rafael.horizonte", "helena.horizonte"]
STAFF = ["ana.analista", "marcos.manutencao", "carol.comercial", "gabriela.gestora", "admin"]


def _pages(ticket):
    return [
        "/console/",
        "/console/?queue=mine",
        f"/console/chamados/{ticket.pk}/",
        "/console/gestao/",
        *(f"/console/chamados/{ticket.pk}/painel/{panel}/" for panel in ("reclassificar", "ligacao", "videochamada")),
    ]


def _posts(ticket):
    return [f"/console/chamados/{ticket.pk}/{action}/" for action in ACTIONS] + ["/console/gestao/reatribuir/"]


@pytest.mark.parametrize("username", CUSTOMERS)
def test_customers_get_404_on_every_console_url(as_user, problem, username):
    client = as_user(username)
    before = problem.revision
    for url in _pages(problem):
        assert client.get(url).status_code == 404, url
    for url in _posts(problem):
        assert (
            client.post(url, {"expected_revision": before, "body": "x", "tickets": [problem.pk]}).status_code == 404
        ), url
    problem.refresh_from_db()
    assert problem.revision == before


def test_anonymous_visitors_are_sent_to_the_login_page(client, problem):
    for url in _pages(problem):
        response = client.get(url)
        assert response.status_code == 302 and "/conta/entrar/" in response["Location"], url


@pytest.mark.parametrize("username", STAFF)
def test_staff_see_the_queue_and_the_workspace(as_user, problem, username):
    client = as_user(username)
    assert client.get("/console/").status_code == 200
    assert client.get(f"/console/chamados/{problem.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("ana.analista", 404),
        ("marcos.manutencao", 404),
        ("carol.comercial", 404),
        ("gabriela.gestora", 200),
        ("admin", 200),
    ],
)
def test_only_managers_and_admins_see_the_manager_view(as_user, problem, username, status):
    assert as_user(username).get("/console/gestao/").status_code == status


@pytest.mark.parametrize("action", ["reclassificar", "atribuir", "reabertura-aprovar", "reabertura-recusar"])
@pytest.mark.parametrize("username", ["marcos.manutencao", "carol.comercial"])
def test_maintenance_and_commercial_staff_cannot_triage(as_user, problem, action, username):
    before = problem.revision
    response = as_user(username).post(
        f"/console/chamados/{problem.pk}/{action}/",
        {
            "expected_revision": problem.revision,
            "type": "Problema",
            "severity": "Crítica",
            "justification": "x",
            "request_id": 1,
        },
    )
    assert response.status_code == 403
    problem.refresh_from_db()
    assert problem.revision == before and problem.severity == "Alta"


def test_the_workspace_hides_triage_forms_from_maintenance(as_user, problem):
    html = as_user("marcos.manutencao").get(f"/console/chamados/{problem.pk}/").content.decode()
    assert "reclassificar/" not in html and "atribuir/" not in html
    assert "nota/" in html  # internal notes are for every staff member


def test_an_unknown_ticket_or_action_is_404(as_user, problem):
    client = as_user("ana.analista")
    assert client.get("/console/chamados/999999/").status_code == 404
    assert client.post(f"/console/chamados/{problem.pk}/apagar/", {}).status_code == 404
    assert client.get(f"/console/chamados/{problem.pk}/responder/").status_code == 405


@pytest.mark.parametrize("action", [*ACTIONS])
def test_every_workspace_form_needs_the_csrf_token(as_user, problem, action):
    client = as_user("admin", csrf=True)
    before = problem.revision
    response = client.post(
        f"/console/chamados/{problem.pk}/{action}/", {"expected_revision": problem.revision, "body": "x"}
    )
    assert response.status_code == 403
    problem.refresh_from_db()
    assert problem.revision == before


def test_the_reassignment_form_needs_the_csrf_token(as_user, problem):
    response = as_user("gabriela.gestora", csrf=True).post("/console/gestao/reatribuir/", {"tickets": [problem.pk]})
    assert response.status_code == 403


def test_the_forms_render_a_csrf_token(as_user, problem):
    client = as_user("admin")
    # The workspace, and the rarely used panels it loads when they are opened (htmx).
    pages = ["", "painel/reclassificar/", "painel/ligacao/", "painel/videochamada/"]
    html = "".join(client.get(f"/console/chamados/{problem.pk}/{page}").content.decode() for page in pages)
    assert html.count('name="csrfmiddlewaretoken"') >= len(ACTIONS) - 2  # reopen forms show only with a request
