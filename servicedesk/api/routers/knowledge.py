"""The knowledge base (issue 10): search and read (anonymous callers too: public articles only),
write (staff), "foi útil?". Every read goes through knowledge.access's one scope, inside the
query: an article the caller may not read is 404 by id and absent from count, rank and snippets."""

from __future__ import annotations

import html
from typing import Annotated

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags
from ninja import Path, Query, Router

from servicedesk.api.auth import AUTH, anonymous_auth
from servicedesk.api.schemas.common import MAX_ID, ref, responses
from servicedesk.api.schemas.knowledge import (
    ArticleCreateIn,
    ArticleList,
    ArticleOut,
    ArticlePatchIn,
    ArticleQuery,
    FeedbackIn,
    FeedbackOut,
)
from servicedesk.core import clock
from servicedesk.knowledge import services
from servicedesk.knowledge.access import access_article_by_id, article_queryset_for
from servicedesk.knowledge.rendering import markdown_html
from servicedesk.knowledge.search import article_search

router = Router(tags=["Base de conhecimento"])
READERS = [*AUTH, anonymous_auth]  # reads only: a visitor without credentials reads public articles

ArticleId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id do artigo.")]


def _article(article) -> dict:
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "body": article.body,
        "body_html": markdown_html(article.body),
        "visibility": article.visibility,
        "status": article.status,
        "category": ref(article.category),
        "products": sorted(article.products.values_list("pk", flat=True)),
        "version": article.version,
        "url": settings.SITE_URL.rstrip("/") + reverse("knowledge:article", args=[article.slug]),
        "published_at": article.published_at,
        "updated_at": article.updated_at,
    }


def _hit(article, title_terms_rank: int, snippet_html: str) -> dict:
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "snippet": html.unescape(strip_tags(snippet_html)),
        "snippet_html": snippet_html,
        "visibility": article.visibility,
        "status": article.status,
        "rank": title_terms_rank,
    }


@router.get(
    "/kb/articles",
    response=responses({200: ArticleList}),
    auth=READERS,
    operation_id="kb_articles_list",
    summary="Buscar artigos",
)
def kb_articles_list(request: HttpRequest, query: Query[ArticleQuery]):
    """Artigos que você pode ler, mais relevantes primeiro (sem `q`: os atualizados por último).
    Sem autenticação: somente os artigos públicos publicados."""
    user = request.auth
    if query.q.strip():
        result = article_search(user, query=query.q, product_id=query.product, limit=query.limit, offset=query.offset)
        count = result.count
        items = [_hit(hit.article, hit.article.search_rank, str(hit.snippet_html)) for hit in result.hits]
    else:
        found = article_queryset_for(user)
        if query.product is not None:
            found = found.filter(products=query.product)
        count = found.count()
        rows = found.select_related("search").order_by("-updated_at", "-id")[query.offset : query.offset + query.limit]
        items = [_hit(article, 0, "") for article in rows]
    end = query.offset + len(items)
    return {"count": count, "items": items, "next_offset": end if end < count and items else None}


@router.get(
    "/kb/articles/{article_id}",
    response=responses({200: ArticleOut}),
    auth=READERS,
    operation_id="kb_articles_get",
    summary="Ler artigo",
)
def kb_articles_get(request: HttpRequest, article_id: ArticleId):
    """Um artigo que você pode ler (404 para os outros, existam ou não)."""
    return _article(access_article_by_id(request.auth, article_id))


@router.post(
    "/kb/articles",
    response=responses({201: ArticleOut}),
    operation_id="kb_articles_create",
    summary="Escrever artigo",
)
def kb_articles_create(request: HttpRequest, payload: ArticleCreateIn):
    """Equipe (analistas, gestores, administradores): um rascunho (versão 1). `status: publicada`
    publica na criação — somente revisores; recusado, nada é criado."""
    user = request.auth
    with transaction.atomic():
        article = services.article_create(
            actor=user,
            title=payload.title,
            body=payload.body,
            visibility=payload.visibility,
            products=payload.products,
            now=clock.now(),
        )
        services.article_status_set(article=article, actor=user, status=payload.status, now=clock.now())
    return 201, _article(access_article_by_id(user, article.pk))


@router.patch(
    "/kb/articles/{article_id}",
    response=responses({200: ArticleOut}),
    operation_id="kb_articles_update",
    summary="Editar artigo",
)
def kb_articles_update(request: HttpRequest, article_id: ArticleId, payload: ArticlePatchIn):
    """Equipe: cada alteração é uma nova versão; `status` publica ou arquiva (revisores). Tudo ou
    nada: uma parte recusada não altera o artigo."""
    user = request.auth
    article = access_article_by_id(user, article_id)
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    status = changes.pop("status", None)
    expected = changes.pop("expected_version", None)
    with transaction.atomic():
        if changes or expected is not None:
            article = services.article_update(
                article=article, actor=user, now=clock.now(), expected_version=expected, **changes
            )
        if status is not None:
            services.article_status_set(article=article, actor=user, status=status, now=clock.now())
    return _article(access_article_by_id(user, article_id))


@router.post(
    "/kb/articles/{article_id}/feedback",
    response=responses({201: FeedbackOut}),
    operation_id="kb_articles_feedback",
    summary="Foi útil?",
)
def kb_articles_feedback(request: HttpRequest, article_id: ArticleId, payload: FeedbackIn):
    """Sua resposta a "foi útil?" (uma por pessoa e artigo: a nova substitui a anterior)."""
    user = request.auth
    feedback = services.feedback_record(
        article=access_article_by_id(user, article_id),
        user=user,
        helpful=payload.helpful,
        comment=payload.comment,
        now=clock.now(),
    )
    return 201, {
        "id": feedback.pk,
        "article": article_id,
        "helpful": feedback.helpful,
        "comment": feedback.comment,
        "created_at": feedback.created_at,
    }
