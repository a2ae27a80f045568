"""The demo documentation: uploaded through the service, idempotent, read by the demo customers."""

import pytest

from servicedesk.demo.documents_story import DEMO_DOCUMENTS, load_demo_documents
from servicedesk.documents.access import document_queryset_for
from servicedesk.documents.models import Document
from servicedesk.documents.selectors import document_shelves_for


@pytest.mark.django_db
def test_demo_documents_load_once_and_reach_the_demo_customers(demo):
    first = load_demo_documents()
    assert load_demo_documents() == first
    assert Document.objects.count() == len(DEMO_DOCUMENTS) == 6
    assert {d.content_type for d in first} == {"application/pdf", "text/plain"}
    assert document_queryset_for(demo["joana.acme"]).count() == 6
    shelves = document_shelves_for(demo["rafael.horizonte"])
    rh = shelves[1]  # "Portal do Colaborador" sorts before "WeConnect RH"
    assert rh.product.code == "weconnect-rh"
    # 12.1.1 and 12.1.0 supported (the latest and the patch before it); 12.0.0 not; then the layout.
    assert [(g.release.version if g.release else None, g.supported) for g in rh.releases] == [
        ("12.1.1", True),
        ("12.1.0", True),
        ("12.0.0", False),
        (None, False),
    ]
