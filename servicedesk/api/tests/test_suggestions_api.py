"""GET/POST /api/v1/suggestions and GET /api/v1/suggestions/{id}: customers see their
organization's only (404 otherwise), staff all; errors are problem+json in Portuguese."""

from __future__ import annotations

import pytest

from servicedesk.catalog.models import Product
from servicedesk.core import clock
from servicedesk.suggestions import services
from servicedesk.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def product(demo):
    return Product.objects.get(code="weconnect-rh")


def suggest(user, product, title="Exportar CSV"):
    return services.suggestion_create(
        author=user, product=product, title=title, description="Para o BI.", now=clock.now()
    )


def test_a_customer_posts_a_suggestion(joana, demo, product, module_id, acme_ticket):
    response = joana.post(
        "/suggestions",
        {
            "product": product.pk,
            "module": module_id,
            "title": "Exportar CSV",
            "description": "BI",
            "tickets": [acme_ticket.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["status_label"], body["tickets"]) == ("recebida", "Recebida", [acme_ticket.pk])
    assert body["organization"]["name"] == "Acme Alimentos S.A."
    assert body["history"][0]["to_status"] == "recebida" and body["history"][0]["from_status"] is None
    assert Suggestion.objects.get().author == demo["joana.acme"]


def test_refusals_are_problems_and_write_nothing(joana, ana, product, horizonte_ticket):
    cases = [
        ({"product": product.pk, "title": "", "description": ""}, 422, "title"),
        ({"product": 999999, "title": "A", "description": "B"}, 422, "product"),
        ({"product": product.pk, "title": "A", "description": "B", "tickets": [horizonte_ticket.pk]}, 422, "tickets"),
        ({"product": product.pk, "title": "A", "description": "B", "status": "planejada"}, 422, None),
    ]
    for body, status, field in cases:
        response = joana.post("/suggestions", body)
        assert response.status_code == status, (body, response.content)
        assert response["Content-Type"].startswith(PROBLEM)
        if field:
            assert field in {e["field"] for e in response.json()["errors"]}
    assert joana.post("/suggestions", cases[0][0]).json()["detail"] == services.TITLE_REQUIRED
    staff = ana.post("/suggestions", {"product": product.pk, "title": "A", "description": "B"})
    assert staff.status_code == 403 and staff["Content-Type"].startswith(PROBLEM)
    assert not Suggestion.objects.exists()


def test_customers_read_their_organization_only(joana, rafael, ana, demo, product):
    ours = suggest(demo["lucia.acme"], product, "Da Acme")
    theirs = suggest(demo["rafael.horizonte"], product, "Do Horizonte")
    assert [s["id"] for s in joana.get("/suggestions").json()["items"]] == [ours.pk]
    assert [s["id"] for s in rafael.get("/suggestions").json()["items"]] == [theirs.pk]
    assert joana.get(f"/suggestions/{ours.pk}").status_code == 200
    missing = joana.get(f"/suggestions/{theirs.pk}")
    assert missing.status_code == 404 and missing["Content-Type"].startswith(PROBLEM)
    assert missing.json()["detail"] == "Sugestão não encontrada."
    assert {s["id"] for s in ana.get("/suggestions").json()["items"]} == {ours.pk, theirs.pk}


def test_a_staff_note_never_reaches_the_customer_by_api(joana, ana, demo, product):
    suggestion = suggest(demo["joana.acme"], product)
    services.suggestion_move(
        suggestion=suggestion, actor=demo["ana.analista"], to="em análise", reason="nota interna", now=clock.now()
    )
    body = joana.get(f"/suggestions/{suggestion.pk}").json()
    assert "nota interna" not in str(body)
    assert body["history"][1]["by"] == "Equipe WeConnect"
    assert ana.get(f"/suggestions/{suggestion.pk}").json()["history"][1]["reason"] == "nota interna"


def test_the_list_pages_by_cursor_and_filters_by_status(joana, demo, product):
    made = [suggest(demo["joana.acme"], product, f"S{n}") for n in range(3)]
    services.suggestion_move(suggestion=made[0], actor=demo["ana.analista"], to="em análise", now=clock.now())
    first = joana.get("/suggestions", {"limit": 2}).json()
    second = joana.get("/suggestions", {"limit": 2, "cursor": first["next_cursor"]}).json()
    ids = [s["id"] for s in first["items"] + second["items"]]
    assert sorted(ids) == sorted(s.pk for s in made) and second["next_cursor"] is None
    assert [s["id"] for s in joana.get("/suggestions", {"status": "em análise"}).json()["items"]] == [made[0].pk]
