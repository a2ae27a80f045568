"""Articles: rascunho → publicada → arquivada (and back to publicada), every edit a version.

Writers (`knowledge.write`: analysts, managers, administrators) create and edit; a reviewer
(`knowledge.publish`: managers, administrators) publishes and archives, and only a reviewer
changes the visibility of a published article (an edit cannot widen its audience unreviewed).
Each create and each edit that changes something writes an `ArticleVersion` (number, title, body,
editor, instant) and rewrites the article's search tokens in the same transaction. The slug is
fixed at creation, so a published URL never breaks. Every refused call changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.catalog.models import Module, Product, version_key
from servicedesk.core.errors import Conflict, DomainError, NotAllowed
from servicedesk.knowledge.models import (
    Article,
    ArticleSearch,
    ArticleStatus,
    ArticleVersion,
    Category,
    Visibility,
)
from servicedesk.knowledge.rendering import plain_text
from servicedesk.knowledge.text import terms

WRITERS_ONLY = gettext_noop("Somente analistas, gestores e administradores escrevem artigos.")
REVIEWERS_ONLY = gettext_noop(
    "Somente gestores e administradores publicam, arquivam ou mudam a visibilidade de artigos publicados."
)
TITLE_REQUIRED = gettext_noop("Informe o título do artigo.")
TITLE_TOO_LONG = gettext_noop("O título pode ter no máximo 200 caracteres.")
BODY_REQUIRED = gettext_noop("Escreva o conteúdo do artigo.")
BODY_TOO_LONG = gettext_noop("O conteúdo pode ter no máximo 100.000 caracteres.")
VISIBILITY_INVALID = gettext_noop("Escolha a visibilidade: pública, clientes ou interna.")
SLUG_INVALID = gettext_noop("O identificador usa só letras minúsculas sem acento, números e hífens.")
SLUG_TAKEN = gettext_noop("Já existe um artigo com este identificador.")
PRODUCT_UNKNOWN = gettext_noop("Produto desconhecido.")
MODULE_NOT_OF_PRODUCTS = gettext_noop("Cada módulo deve ser de um dos produtos do artigo.")
RELEASE_INVALID = gettext_noop("Informe a versão como números separados por pontos (ex.: 12.1.10).")
RELEASE_RANGE_INVALID = gettext_noop("A versão inicial não pode ser posterior à final.")
CATEGORY_UNKNOWN = gettext_noop("Categoria desconhecida.")
ARTICLE_CHANGED = gettext_noop("Este artigo mudou desde que você o abriu: recarregue e refaça a edição.")
CUSTOMERS_NEED_PRODUCT = gettext_noop(
    "Um artigo para clientes precisa de ao menos um produto: só quem o licencia o lê."
)
NOT_PUBLISHABLE = gettext_noop("Este artigo já está publicado.")
NOT_ARCHIVABLE = gettext_noop("Somente um artigo publicado pode ser arquivado.")
NO_BACK_TO_DRAFT = gettext_noop("Um artigo publicado ou arquivado não volta a rascunho: edite-o ou arquive-o.")

MAX_BODY = 100_000
_UNSET = object()


def _ensure(actor, capability: str, message: str) -> None:
    if not permissions.can(actor, capability):
        raise NotAllowed(message)


def _clean_title(title) -> str:
    title = " ".join(str(title or "").split())
    if not title:
        raise DomainError(TITLE_REQUIRED, field="title")
    if len(title) > 200:
        raise DomainError(TITLE_TOO_LONG, field="title")
    return title


def _clean_body(body) -> str:
    body = str(body or "").replace("\r\n", "\n").replace("\x00", "")
    if not body.strip():
        raise DomainError(BODY_REQUIRED, field="body")
    if len(body) > MAX_BODY:
        raise DomainError(BODY_TOO_LONG, field="body")
    return body


def _clean_visibility(visibility) -> str:
    if visibility not in Visibility.values:
        raise DomainError(VISIBILITY_INVALID, field="visibility")
    return visibility


def _clean_release(value, field: str) -> str:
    value = str(value or "").strip()
    if value and (len(value) > 40 or not all(part.isdigit() for part in value.split("."))):
        raise DomainError(RELEASE_INVALID, field=field)
    return value


def _clean_range(release_from: str, release_to: str) -> None:
    if release_from and release_to and version_key(release_from) > version_key(release_to):
        raise DomainError(RELEASE_RANGE_INVALID, field="release_to")


def _clean_products(products: Iterable) -> list[Product]:
    ids = {getattr(product, "pk", product) for product in products}
    found = list(Product.objects.filter(pk__in=[pk for pk in ids if isinstance(pk, int)]))
    if len(found) != len(ids):
        raise DomainError(PRODUCT_UNKNOWN, field="products")
    return found


def _clean_modules(modules: Iterable, products: list[Product]) -> list[Module]:
    ids = {getattr(module, "pk", module) for module in modules}
    found = list(Module.objects.filter(pk__in=[pk for pk in ids if isinstance(pk, int)]))
    product_ids = {product.pk for product in products}
    if len(found) != len(ids) or any(module.product_id not in product_ids for module in found):
        raise DomainError(MODULE_NOT_OF_PRODUCTS, field="modules")
    return found


def _clean_category(category) -> Category | None:
    if category is None or category == "":
        return None
    if isinstance(category, Category):
        return category
    found = Category.objects.filter(pk=category).first() if isinstance(category, int) else None
    if found is None:
        raise DomainError(CATEGORY_UNKNOWN, field="category")
    return found


def _new_slug(title: str, wanted: str) -> str:
    if wanted:
        if slugify(wanted) != wanted or len(wanted) > 200:
            raise DomainError(SLUG_INVALID, field="slug")
        if Article.objects.filter(slug=wanted).exists():
            raise DomainError(SLUG_TAKEN, field="slug")
        return wanted
    base = (slugify(title)[:200].strip("-")) or "artigo"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def article_index(article: Article) -> None:
    """Rewrite the article's search tokens from its title and body (knowledge.text)."""
    text = plain_text(article.body)
    ArticleSearch.objects.update_or_create(
        article=article,
        defaults={
            "title_terms": " ".join(terms(article.title)),
            "body_terms": " ".join(terms(text)),
            "body_text": text,
        },
    )


def _record_version(article: Article, *, editor, now: datetime) -> None:
    ArticleVersion.objects.create(
        article=article, number=article.version, title=article.title, body=article.body, editor=editor, created_at=now
    )


@transaction.atomic
def article_create(
    *,
    actor,
    title: str,
    body: str,
    now: datetime,
    visibility: str = Visibility.INTERNAL,
    category=None,
    products: Iterable = (),
    modules: Iterable = (),
    release_from: str = "",
    release_to: str = "",
    slug: str = "",
) -> Article:
    """A draft article (version 1), written by `actor`."""
    _ensure(actor, "knowledge.write", WRITERS_ONLY)
    title, body = _clean_title(title), _clean_body(body)
    visibility = _clean_visibility(visibility)
    release_from, release_to = _clean_release(release_from, "release_from"), _clean_release(release_to, "release_to")
    _clean_range(release_from, release_to)
    product_rows = _clean_products(products)
    module_rows = _clean_modules(modules, product_rows)
    article = Article.objects.create(
        title=title,
        slug=_new_slug(title, str(slug or "").strip()),
        body=body,
        category=_clean_category(category),
        release_from=release_from,
        release_to=release_to,
        visibility=visibility,
        status=ArticleStatus.DRAFT,
        author=actor,
        version=1,
    )
    article.products.set(product_rows)
    article.modules.set(module_rows)
    _record_version(article, editor=actor, now=now)
    article_index(article)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    actor,
    now: datetime,
    expected_version: int | None = None,
    title=_UNSET,
    body=_UNSET,
    visibility=_UNSET,
    category=_UNSET,
    products=_UNSET,
    modules=_UNSET,
    release_from=_UNSET,
    release_to=_UNSET,
) -> Article:
    """Edit the given fields; a change writes version n+1. `expected_version`: the version the
    editor started from (a stale edit is a Conflict)."""
    _ensure(actor, "knowledge.write", WRITERS_ONLY)
    row = Article.objects.select_for_update().get(pk=article.pk)
    if expected_version is not None and expected_version != row.version:
        raise Conflict(ARTICLE_CHANGED)
    changed = False
    if title is not _UNSET and (title := _clean_title(title)) != row.title:
        row.title, changed = title, True
    if body is not _UNSET and (body := _clean_body(body)) != row.body:
        row.body, changed = body, True
    if visibility is not _UNSET and _clean_visibility(visibility) != row.visibility:
        if row.status == ArticleStatus.PUBLISHED:
            _ensure(actor, "knowledge.publish", REVIEWERS_ONLY)
        if (
            visibility == Visibility.CUSTOMERS
            and row.status == ArticleStatus.PUBLISHED
            and products is _UNSET
            and not row.products.exists()
        ):
            raise DomainError(CUSTOMERS_NEED_PRODUCT, field="products")
        row.visibility, changed = visibility, True
    if category is not _UNSET and (category := _clean_category(category)) != row.category:
        row.category, changed = category, True
    new_from = row.release_from if release_from is _UNSET else _clean_release(release_from, "release_from")
    new_to = row.release_to if release_to is _UNSET else _clean_release(release_to, "release_to")
    _clean_range(new_from, new_to)
    if (new_from, new_to) != (row.release_from, row.release_to):
        row.release_from, row.release_to, changed = new_from, new_to, True
    product_rows = list(row.products.all()) if products is _UNSET else _clean_products(products)
    if products is not _UNSET and {p.pk for p in product_rows} != set(row.products.values_list("pk", flat=True)):
        if not product_rows and row.visibility == Visibility.CUSTOMERS and row.status == ArticleStatus.PUBLISHED:
            raise DomainError(CUSTOMERS_NEED_PRODUCT, field="products")
        changed = True
    if modules is not _UNSET or products is not _UNSET:
        module_rows = list(row.modules.all()) if modules is _UNSET else list(modules)
        module_rows = _clean_modules(module_rows, product_rows)
        if {m.pk for m in module_rows} != set(row.modules.values_list("pk", flat=True)):
            changed = True
    if not changed:
        return row
    row.version += 1
    row.save()
    if products is not _UNSET:
        row.products.set(product_rows)
    if modules is not _UNSET or products is not _UNSET:
        row.modules.set(module_rows)
    _record_version(row, editor=actor, now=now)
    article_index(row)
    return row


@transaction.atomic
def article_publish(*, article: Article, actor, now: datetime) -> Article:
    """A reviewer publishes a draft (or republishes an archived article)."""
    _ensure(actor, "knowledge.publish", REVIEWERS_ONLY)
    row = Article.objects.select_for_update().get(pk=article.pk)
    if row.status == ArticleStatus.PUBLISHED:
        raise Conflict(NOT_PUBLISHABLE)
    if row.visibility == Visibility.CUSTOMERS and not row.products.exists():
        raise DomainError(CUSTOMERS_NEED_PRODUCT, field="products")
    row.status, row.reviewer, row.published_at = ArticleStatus.PUBLISHED, actor, now
    row.save(update_fields=["status", "reviewer", "published_at", "updated_at"])
    return row


@transaction.atomic
def article_archive(*, article: Article, actor, now: datetime) -> Article:
    _ensure(actor, "knowledge.publish", REVIEWERS_ONLY)
    row = Article.objects.select_for_update().get(pk=article.pk)
    if row.status != ArticleStatus.PUBLISHED:
        raise Conflict(NOT_ARCHIVABLE)
    row.status = ArticleStatus.ARCHIVED
    row.save(update_fields=["status", "updated_at"])
    return row


def article_status_set(*, article: Article, actor, status: str, now: datetime) -> Article:
    """Move an article to `status` (the API's `status` field): publicada → article_publish,
    arquivada → article_archive, the current status → nothing; never back to rascunho."""
    if status == article.status:
        return article
    if status == ArticleStatus.PUBLISHED:
        return article_publish(article=article, actor=actor, now=now)
    if status == ArticleStatus.ARCHIVED:
        return article_archive(article=article, actor=actor, now=now)
    raise DomainError(NO_BACK_TO_DRAFT, field="status")
