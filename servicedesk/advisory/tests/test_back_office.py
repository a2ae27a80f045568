"""The back office keeps the price list "Serviços e Valores"; everything else of the advisory is
read there (it changes only through the services, with the ticket's history)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from servicedesk.accounts.models import Role, User
from servicedesk.advisory.models import PriceItem
from servicedesk.advisory.tests.helpers import REMOTE

BACKENDS = ["django.contrib.auth.backends.ModelBackend", "servicedesk.accounts.admin_site.BusinessAdministratorBackend"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def office(settings) -> Client:
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    person = User.objects.create_user(username="beatriz.admin", password="x", role=Role.ADMIN, is_staff=True)
    client = Client()
    client.force_login(person)
    return client


def test_a_business_administrator_adds_a_new_price_from_a_date(adv, office):
    response = office.post(
        "/admin/advisory/priceitem/add/",
        {
            "code": REMOTE,
            "description": "Assessoria técnica remota",
            "unit": "hora_remota",
            "price": "1210,50",  # a decimal comma, as people type it in pt-BR
            "valid_from": "01/02/2027",
            "valid_until": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    row = PriceItem.objects.get(code=REMOTE, valid_from="2027-02-01")
    assert row.price == Decimal("1210.50")


def test_a_price_some_proposal_used_is_read_only_and_kept(adv, office):
    adv.draft()
    item = PriceItem.objects.get(code=REMOTE)
    page = office.get(f"/admin/advisory/priceitem/{item.pk}/change/").content.decode()
    assert 'name="price"' not in page  # shown, not editable
    assert office.post(f"/admin/advisory/priceitem/{item.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PriceItem.objects.filter(pk=item.pk, price=Decimal("180.00")).exists()


def test_proposals_and_billing_are_read_only_in_the_back_office(adv, office):
    adv.draft()
    for table in ("proposal", "engagement", "activityreport", "billingline", "billingbatch"):
        assert office.get(f"/admin/advisory/{table}/").status_code == 200, table
        assert office.get(f"/admin/advisory/{table}/add/").status_code == 403, table
