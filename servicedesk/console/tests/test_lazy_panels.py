"""The workspace's rarely used forms (reclassification, phone call, video call) arrive when their
panel opens (htmx GET of /console/chamados/<n>/painel/<nome>/); the page itself does not build
them. Without JavaScript, ?painel=<nome> opens the page with that form in place; a refused post
shows the form again, in place, with its errors."""

import pytest

from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

PANELS = {  # URL name → a field only that form has
    "reclassificar": 'name="justification"',
    "ligacao": 'name="contact_name"',
    "videochamada": 'name="participants"',
}


def test_the_workspace_links_the_panels_instead_of_rendering_them(as_user, problem):
    html = as_user("ana.analista").get(f"/console/chamados/{problem.pk}/").content.decode()
    for panel, field in PANELS.items():
        assert field not in html
        assert f'hx-get="/console/chamados/{problem.pk}/painel/{panel}/"' in html
        assert f'href="?painel={panel}"' in html


@pytest.mark.parametrize("panel", PANELS)
def test_each_panel_renders_its_form_for_the_ticket(as_user, problem, panel):
    response = as_user("ana.analista").get(f"/console/chamados/{problem.pk}/painel/{panel}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert PANELS[panel] in html
    assert f'action="/console/chamados/{problem.pk}/{panel}/"' in html
    assert f'name="expected_revision" value="{problem.revision}"' in html
    assert "<html" not in html  # a fragment, not a page


def test_the_phone_panel_is_prefilled_with_the_requester(as_user, problem):
    html = as_user("ana.analista").get(f"/console/chamados/{problem.pk}/painel/ligacao/").content.decode()
    assert f'value="{problem.requester}"' in html


@pytest.mark.parametrize("panel", PANELS)
def test_without_javascript_the_link_opens_the_page_with_the_form(as_user, problem, panel):
    html = as_user("ana.analista").get(f"/console/chamados/{problem.pk}/?painel={panel}").content.decode()
    assert PANELS[panel] in html
    others = [field for name, field in PANELS.items() if name != panel]
    assert not any(field in html for field in others)


def test_a_refused_post_shows_its_form_in_place_with_the_error(as_user, problem):
    response = as_user("ana.analista").post(
        f"/console/chamados/{problem.pk}/reclassificar/",
        {"expected_revision": problem.revision, "type": "Problema", "severity": "Crítica", "justification": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'name="justification"' in html
    assert "errorlist" in html
    problem.refresh_from_db()
    assert problem.severity != "Crítica"


def test_unknown_panels_and_missing_capabilities_are_404(as_user, problem):
    analyst = as_user("ana.analista")
    assert analyst.get(f"/console/chamados/{problem.pk}/painel/nada/").status_code == 404
    assert analyst.get(f"/console/chamados/{problem.pk}/?painel=nada").status_code == 200  # ignored, page as usual
    # Maintenance logs calls but does not reclassify (accounts.permissions).
    maintenance = as_user("marcos.manutencao")
    assert maintenance.get(f"/console/chamados/{problem.pk}/painel/reclassificar/").status_code == 404
    assert maintenance.get(f"/console/chamados/{problem.pk}/painel/ligacao/").status_code == 200


def test_a_ticket_the_user_may_not_see_is_404(as_user, problem):
    missing = (Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    assert as_user("ana.analista").get(f"/console/chamados/{missing}/painel/ligacao/").status_code == 404
