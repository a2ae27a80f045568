"""Who reads which article: the one scope of the knowledge base, used by every channel (pages,
search, snippets, suggestions, API).

* `pública` and published: anyone, signed in or not;
* `clientes` and published: customer users of an organization that licenses one of the
  article's products (an article with no product reaches no customer), and staff;
* `interna`, and every draft or archived article: staff only.

Anything out of reach is "not found" (404), never "forbidden", so slugs and ids do not leak.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import Organization
from servicedesk.core.errors import NotFound
from servicedesk.knowledge.models import Article, ArticleImage, ArticleStatus, Visibility

ARTICLE_NOT_FOUND = gettext_noop("Artigo não encontrado.")

_CUSTOMER_ROLES = frozenset({permissions.CUSTOMER, permissions.APPROVER})


def licensed_by_organization(organization_id: int) -> Exists:
    """Whether the article (OuterRef) names a product `organization_id` licenses."""
    licences = Organization.licensed_products.through.objects.filter(organization_id=organization_id)
    return Exists(
        Article.products.through.objects.filter(article_id=OuterRef("pk"), product_id__in=licences.values("product_id"))
    )


def article_queryset_for(user) -> QuerySet[Article]:
    """The articles `user` (None or anonymous for a visitor) may read."""
    articles = Article.objects.all()
    role = permissions.effective_role(user)
    if role in permissions.STAFF_ROLE_NAMES:
        return articles
    published = articles.filter(status=ArticleStatus.PUBLISHED)
    if role in _CUSTOMER_ROLES:
        return published.filter(
            Q(visibility=Visibility.PUBLIC)
            | Q(Q(visibility=Visibility.CUSTOMERS) & licensed_by_organization(user.organization_id))
        )
    return published.filter(visibility=Visibility.PUBLIC)


def access_article(user, slug: str) -> Article:
    """The article of `slug` if `user` may read it, else NotFound."""

    if not isinstance(slug, str) or not slug or len(slug) > 220:
        raise NotFound(ARTICLE_NOT_FOUND)
    article = article_queryset_for(user).select_related("category").filter(slug=slug).first()
    if article is None:
        raise NotFound(ARTICLE_NOT_FOUND)
    return article


def access_article_by_id(user, pk) -> Article:

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(ARTICLE_NOT_FOUND) from None
    if not 0 < pk < 2**63:
        raise NotFound(ARTICLE_NOT_FOUND)
    article = article_queryset_for(user).select_related("category").filter(pk=pk).first()
    if article is None:
        raise NotFound(ARTICLE_NOT_FOUND)
    return article


def access_article_image(user, pk) -> ArticleImage:
    """An article's image if `user` may read the article (the same scope), else NotFound."""

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(ARTICLE_NOT_FOUND) from None
    if not 0 < pk < 2**63:
        raise NotFound(ARTICLE_NOT_FOUND)
    image = ArticleImage.objects.filter(pk=pk, article__in=article_queryset_for(user)).first()
    if image is None:
        raise NotFound(ARTICLE_NOT_FOUND)
    return image
