"""What readers tell of an article: "foi útil?", views, and the tickets it spared (deflections).

Each service checks again that the reader may read the article (knowledge.access), so no channel
can record anything on an article its caller could not open; a refused call changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.core.errors import DomainError, NotAllowed, NotFound
from servicedesk.knowledge.access import ARTICLE_NOT_FOUND, article_queryset_for
from servicedesk.knowledge.models import Article, ArticleFeedback, Deflection

HELPFUL_REQUIRED = gettext_noop("Responda se o artigo foi útil: sim ou não.")
COMMENT_TOO_LONG = gettext_noop("O comentário pode ter no máximo 2.000 caracteres.")
CUSTOMERS_ONLY = gettext_noop("Somente usuários de clientes registram que um artigo resolveu o problema.")
MAX_COMMENT = 2000
MAX_QUERY = 500


def _readable(article: Article, user) -> None:
    if not article_queryset_for(user).filter(pk=article.pk).exists():
        raise NotFound(ARTICLE_NOT_FOUND)


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


@transaction.atomic
def feedback_record(*, article: Article, user, helpful, comment: str = "", now: datetime) -> ArticleFeedback:
    """Record (or, for a signed-in reader, replace) the answer to "foi útil?"."""
    if not isinstance(helpful, bool):
        raise DomainError(HELPFUL_REQUIRED, field="helpful")
    comment = str(comment or "").replace("\x00", "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(COMMENT_TOO_LONG, field="comment")
    _readable(article, user)
    if not _signed_in(user):
        return ArticleFeedback.objects.create(article=article, helpful=helpful, comment=comment, created_at=now)
    feedback, _ = ArticleFeedback.objects.update_or_create(
        article=article, user=user, defaults={"helpful": helpful, "comment": comment, "created_at": now}
    )
    return feedback


def article_view_record(*, article: Article, user) -> None:
    """One more view (an UPDATE … SET view_count = view_count + 1: no lost count under load)."""
    _readable(article, user)
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def deflection_record(*, article: Article, user, query: str = "", now: datetime) -> Deflection:
    """A customer says the article solved the problem: no ticket is opened; reports count these."""
    if not permissions.can(user, "portal.access"):
        raise NotAllowed(CUSTOMERS_ONLY)
    _readable(article, user)
    query = " ".join(str(query or "").replace("\x00", "").split())[:MAX_QUERY]
    return Deflection.objects.create(user=user, article=article, query=query, created_at=now)
