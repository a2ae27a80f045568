"""Word search over the knowledge base: the one selector of the portal, the console, the
suggestions of the new-ticket form and the API.

The query is reduced to our tokens (knowledge.text.query_terms: accents off, plurals folded,
stemmed, function words dropped); every token must appear, in the title or the body. The match
runs INSIDE the reader's scope (knowledge.access.article_queryset_for), in one query, so a search
never counts, ranks or snippets an article its reader may not open. Indexes: SQLite FTS5 in the
embedded default, PostgreSQL full-text search (GIN) in production (migration 0002); both look up
the same tokens, and the rank is computed the same way on both so they list the same articles in
the same order:

    rank 2 — every word in the title; 1 — some in the title; 0 — only in the body;
    then the most read first, then by title.

Snippets and highlights are built in Python from the stored plain text (escaped HTML, <mark>).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Count, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from servicedesk.knowledge.access import article_queryset_for
from servicedesk.knowledge.models import Article
from servicedesk.knowledge.text import highlight, query_terms, snippet

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

# The match is an array computed once from the GIN index (an InitPlan), and the articles are
# read by primary key from it. As a subquery the planner either pulled it up into a semi-join and
# walked every article in rank order, recomputing each one's document (1.5 s for a word in 1,200
# of 20,000 articles), or — kept apart with OFFSET 0 — hashed it and scanned all 17,000 published
# articles to probe the hash (28 ms); `id = ANY(ARRAY(…))` reads only the matches (14 ms).
_PG_MATCH = (
    '"knowledge_article"."id" = ANY(ARRAY(SELECT article_id FROM knowledge_articlesearch WHERE '
    "to_tsvector('servicedesk_kb'::regconfig, title_terms || ' ' || body_terms) @@ "
    "to_tsquery('servicedesk_kb'::regconfig, %s)))"
)
_PG_TITLE = (
    "SELECT article_id FROM knowledge_articlesearch WHERE to_tsvector('servicedesk_kb'::regconfig, title_terms)"
    " @@ to_tsquery('servicedesk_kb'::regconfig, %s)"
)
_PG_RANK = f'("knowledge_article"."id" IN ({_PG_TITLE}))::int + ("knowledge_article"."id" IN ({_PG_TITLE}))::int'
_SQLITE_MATCH = "SELECT rowid FROM knowledge_article_fts WHERE knowledge_article_fts MATCH %s"
_SQLITE_RANK = f'("knowledge_article"."id" IN ({_SQLITE_MATCH})) + ("knowledge_article"."id" IN ({_SQLITE_MATCH}))'


@dataclass(frozen=True)
class Hit:
    article: Article
    title_html: SafeString
    snippet_html: SafeString


@dataclass(frozen=True)
class SearchResult:
    terms: list[str]
    count: int
    hits: list[Hit]


def _match_and_rank(terms: list[str]) -> tuple[RawSQL, RawSQL]:
    # Tokens are [a-z0-9]+ (knowledge.text), so they need no quoting in either query language;
    # they still travel as parameters, never as SQL text.
    if connection.vendor == "postgresql":
        every, some = " & ".join(terms), " | ".join(terms)
        return RawSQL(_PG_MATCH, [every], output_field=BooleanField()), RawSQL(_PG_RANK, [every, some])  # noqa: S611
    quoted = [f'"{term}"' for term in terms]
    every, some = " AND ".join(quoted), " OR ".join(quoted)
    return (
        RawSQL(_SQLITE_MATCH, [every]),  # noqa: S611
        RawSQL(_SQLITE_RANK, [f"title : ({every})", f"title : ({some})"]),  # noqa: S611
    )


def article_search_queryset(user, *, query: str, product_id: int | None = None) -> QuerySet[Article]:
    """The articles `user` may read that `query` finds, ranked (annotated `search_rank`);
    none when the query has no word to look for."""
    terms = query_terms(query)
    articles = article_queryset_for(user)
    if not terms:
        return articles.none()
    if product_id is not None:
        articles = articles.filter(products=product_id)
    match, rank = _match_and_rank(terms)
    found = articles.filter(match) if connection.vendor == "postgresql" else articles.filter(pk__in=match)
    return found.annotate(search_rank=rank).order_by("-search_rank", "-view_count", "title", "id")


def article_search(
    user, *, query: str, product_id: int | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> SearchResult:
    """Count and the ranked hits with highlighted title and snippet (two queries)."""
    terms = query_terms(query)
    found = article_search_queryset(user, query=query, product_id=product_id)
    if not terms:
        return SearchResult(terms=[], count=0, hits=[])
    limit = max(1, min(limit, MAX_LIMIT))
    # The ranking query stays narrow (ids, rank, the count as a window over the same matches);
    # the page's rows, with the plain text of their snippets, are read by id afterwards.
    ranked = list(
        found.annotate(search_total=Window(Count("*"))).values_list("pk", "search_total", "search_rank")[
            offset : offset + limit
        ]
    )
    count = ranked[0][1] if ranked else (found.count() if offset else 0)
    by_id = (
        Article.objects.select_related("search", "category")
        .defer("body", "search__title_terms", "search__body_terms")
        .in_bulk([pk for pk, _, _ in ranked])
        if ranked
        else {}
    )
    rows = []
    for pk, _, rank in ranked:
        article = by_id[pk]
        article.search_rank = rank
        rows.append(article)
    wanted = set(terms)
    hits = [
        Hit(
            article=article,
            title_html=mark_safe(highlight(article.title, wanted)),  # noqa: S308 — escaped by text.highlight
            snippet_html=mark_safe(snippet(_body_text(article), wanted)),  # noqa: S308 — escaped by text.snippet
        )
        for article in rows
    ]
    return SearchResult(terms=terms, count=count, hits=hits)


def _body_text(article: Article) -> str:
    try:
        return article.search.body_text
    except Article.search.RelatedObjectDoesNotExist:
        return ""
