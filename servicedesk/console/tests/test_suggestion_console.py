"""Suggestion triage in the console: every staff member reads and moves them along the
workflow; only the allowed moves are offered; a refused move changes nothing; customers 404."""

from __future__ import annotations

import pytest
from django.test import Client

from servicedesk.catalog.models import Product
from servicedesk.core import clock
from servicedesk.portal.tests.conftest import acme_ticket, folha, horizonte_ticket  # noqa: F401
from servicedesk.suggestions import services
from servicedesk.suggestions.models import SuggestionEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestion(demo):
    return services.suggestion_create(
        author=demo["joana.acme"],
        product=Product.objects.get(code="weconnect-rh"),
        title="Exportar <b>CSV</b>",
        description="Para o BI.",
        now=clock.now(),
    )


def staff(demo, who="ana.analista") -> Client:
    client = Client()
    client.force_login(demo[who])
    return client


def test_the_triage_list_and_page(demo, suggestion):
    html = staff(demo).get("/console/sugestoes/").content.decode()
    assert "Exportar &lt;b&gt;CSV&lt;/b&gt;" in html and "Acme Alimentos" in html
    page = staff(demo).get(f"/console/sugestoes/{suggestion.pk}/").content.decode()
    assert '<option value="em análise">Em análise</option>' in page
    assert 'value="recusada"' not in page  # not a move from recebida


def test_customers_get_404_on_the_console_pages(demo, suggestion):
    customer = Client()
    customer.force_login(demo["joana.acme"])
    for url in ("/console/sugestoes/", f"/console/sugestoes/{suggestion.pk}/"):
        assert customer.get(url).status_code == 404
    assert customer.post(f"/console/sugestoes/{suggestion.pk}/situacao/", {"status": "em análise"}).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == "recebida"


def test_staff_move_and_refuse_with_a_reason(demo, suggestion):
    client = staff(demo, "marcos.manutencao")
    url = f"/console/sugestoes/{suggestion.pk}/situacao/"
    assert client.post(url, {"status": "em análise", "expected_status": "recebida"}).status_code == 302
    response = client.post(url, {"status": "recusada", "reason": "", "expected_status": "em análise"})
    assert response.status_code == 422
    assert services.REASON_REQUIRED_MESSAGE in response.content.decode()
    response = client.post(url, {"status": "planejada", "expected_status": "em análise"})
    assert response.status_code == 409
    response = client.post(url, {"status": "encaminhada", "expected_status": "recebida"})  # stale form
    assert response.status_code == 409 and "recarregue" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == "em análise" and SuggestionEvent.objects.count() == 2
    client.post(url, {"status": "recusada", "reason": "Fora do escopo.", "expected_status": "em análise"})
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reason) == ("recusada", "Fora do escopo.")
    assert "Situação final" in client.get(f"/console/sugestoes/{suggestion.pk}/").content.decode()


def test_linking_only_the_organization_s_tickets(demo, suggestion, acme_ticket, horizonte_ticket):  # noqa: F811
    client = staff(demo)
    url = f"/console/sugestoes/{suggestion.pk}/chamados/"
    assert client.post(url, {"ticket": acme_ticket.pk}).status_code == 302
    assert client.post(url, {"ticket": horizonte_ticket.pk}).status_code == 422
    assert list(suggestion.tickets.all()) == [acme_ticket]
