"""Visitors answer "foi útil?" on public articles without an account: the answers are limited
per address (KB_ANONYMOUS_FEEDBACK_PER_HOUR); over it a Portuguese 429 page, nothing recorded."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from servicedesk.knowledge.models import ArticleFeedback
from servicedesk.knowledge.tests.conftest import kb  # noqa: F401  (the small knowledge base)

pytestmark = pytest.mark.django_db


@override_settings(KB_ANONYMOUS_FEEDBACK_PER_HOUR=2)
def test_anonymous_feedback_is_limited_per_address(kb):  # noqa: F811
    article = kb.article("Cálculo de férias", "As férias proporcionais.")
    url = f"/base-de-conhecimento/{article.slug}/avaliar/"
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    assert [visitor.post(url, {"helpful": "sim"}).status_code for _ in range(2)] == [302, 302]
    refused = visitor.post(url, {"helpful": "nao", "comment": "spam"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Recebemos muitas avaliações deste endereço na última hora." in refused.content.decode()
    assert ArticleFeedback.objects.count() == 2
    assert not ArticleFeedback.objects.filter(comment="spam").exists()
    # Another address has its own count; a signed-in customer is not counted by address.
    assert Client(REMOTE_ADDR="203.0.113.8").post(url, {"helpful": "sim"}).status_code == 302
    customer = Client(REMOTE_ADDR="203.0.113.7")
    customer.force_login(kb.customer)
    assert customer.post(url, {"helpful": "sim"}).status_code == 302
    assert ArticleFeedback.objects.count() == 4
