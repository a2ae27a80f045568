"""The one scope: customers read the documents of their organization's licensed products (read
at every call), staff read all, anyone else nothing; the portal's shelves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicedesk.core.errors import NotFound
from servicedesk.documents import services
from servicedesk.documents.access import access_document, document_queryset_for
from servicedesk.documents.selectors import document_list_with_counts, document_shelves_for
from servicedesk.tickets.tests.factories import T0, StaffFactory

pytestmark = pytest.mark.django_db


def test_customers_see_their_licensed_products_only(docs):
    folha = docs.upload("Manual da Folha")
    ponto = docs.upload("Manual do Ponto", product=docs.ponto)
    assert list(document_queryset_for(docs.customer)) == [folha]
    assert list(document_queryset_for(docs.ponto_customer)) == [ponto]
    assert list(document_queryset_for(docs.unlicensed)) == []
    assert list(document_queryset_for(None)) == []
    assert set(document_queryset_for(docs.maintenance)) == {folha, ponto}
    assert access_document(docs.customer, folha.pk) == folha
    for user, document in [(docs.customer, ponto), (docs.ponto_customer, folha), (docs.unlicensed, folha)]:
        with pytest.raises(NotFound):
            access_document(user, document.pk)


@pytest.mark.parametrize("pk", [0, -1, 2**63, "abc", None, "1; drop"])
def test_impossible_ids_are_not_found(docs, pk):
    with pytest.raises(NotFound):
        access_document(docs.analyst, pk)


def test_removing_the_licence_removes_access_at_once(docs):
    document = docs.upload()
    assert access_document(docs.customer, document.pk) == document
    docs.customer.organization.licensed_products.remove(docs.folha)
    with pytest.raises(NotFound):
        access_document(docs.customer, document.pk)
    with pytest.raises(NotFound):
        services.document_download(user=docs.customer, document_id=document.pk, address=None, now=T0)


def test_an_inactive_customer_sees_nothing(docs):
    docs.upload()
    docs.customer.is_active = False
    docs.customer.save()
    assert list(document_queryset_for(docs.customer)) == []


def test_withdrawn_documents_stay_visible_to_staff_only(docs):
    document = docs.upload()
    services.document_withdraw(document=document, actor=docs.analyst, now=T0)
    assert list(document_queryset_for(docs.customer)) == []
    assert list(document_queryset_for(StaffFactory())) == [document]


def test_shelves_group_by_product_and_release_newest_first_with_supported_marked(docs, django_assert_num_queries):
    old = docs.upload("Manual 11", release=docs.folha_old, at=T0)
    general = docs.upload("Leiaute eSocial", release=None, kind="leiaute", at=T0)
    new_a = docs.upload("Notas 12.0.1", release=docs.folha_new, kind="notas-de-versao", at=T0)
    new_b = docs.upload("Manual 12.0.1", release=docs.folha_new, at=T0 + timedelta(hours=1))
    prev = docs.upload("Manual 12.0.0", release=docs.folha_prev, at=T0)
    ponto = docs.upload("Manual do Ponto", product=docs.ponto)
    docs.customer.organization.licensed_products.add(docs.ponto)

    with django_assert_num_queries(2):
        shelves = document_shelves_for(docs.customer)

    # Folha de Pagamento before Ponto Eletrônico (by name); releases 12.0.1, 12.0.0, 11.0.0, then
    # the documents of no release; within a release the newest first.
    assert [s.product for s in shelves] == [docs.folha, docs.ponto]
    folha = shelves[0].releases
    assert [(r.release, r.supported, r.documents) for r in folha] == [
        (docs.folha_new, True, [new_b, new_a]),
        (docs.folha_prev, True, [prev]),
        (docs.folha_old, False, [old]),
        (None, False, [general]),
    ]
    assert [(r.release, r.documents) for r in shelves[1].releases] == [(None, [ponto])]


def test_console_counts_downloads(docs):
    document = docs.upload()
    docs.upload("Outro")
    for _ in range(3):
        services.document_download(user=docs.customer, document_id=document.pk, address=None, now=T0)[1].close()
    counts = {d.title: d.download_count for d in document_list_with_counts()}
    assert counts == {"Manual da Folha": 3, "Outro": 0}
