"""The knowledge base (issue 10): search hits, articles, writes and feedback."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from servicedesk.api.schemas.common import CleanIn, DateTimeOut, Id, Ref, StrictIn

VisibilityValue = Literal["pública", "clientes", "interna"]
StatusValue = Literal["rascunho", "publicada", "arquivada"]


class ArticleQuery(CleanIn):
    q: str = Field("", max_length=200, description="Palavras (todas devem aparecer; sem acento e plural, tanto faz).")
    product: Id | None = Field(None, description="Somente artigos deste produto.")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10000)


class ArticleHit(Schema):
    id: int
    slug: str
    title: str
    snippet: str = Field(..., description="Trecho do conteúdo em texto puro.")
    snippet_html: str = Field(..., description="O mesmo trecho em HTML escapado, com as palavras em <mark>.")
    visibility: VisibilityValue
    status: StatusValue
    rank: int = Field(..., description="2: todas as palavras no título; 1: algumas; 0: só no conteúdo.")


class ArticleList(Schema):
    count: int = Field(..., description="Quantos artigos que você pode ler a busca encontra.")
    items: list[ArticleHit]
    next_offset: int | None = Field(..., description="Passe em ?offset= para a próxima página; null no fim.")


class ArticleOut(Schema):
    id: int
    slug: str
    title: str
    body: str = Field(..., description="O conteúdo em Markdown, como escrito (dados, não HTML).")
    body_html: str = Field(..., description="O conteúdo renderizado e sanitizado (nh3): seguro para exibir.")
    visibility: VisibilityValue
    status: StatusValue
    category: Ref | None
    products: list[int]
    version: int
    url: str = Field(..., description="O endereço do artigo no portal.")
    published_at: DateTimeOut | None
    updated_at: DateTimeOut


class ArticleCreateIn(StrictIn):
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=100_000)
    visibility: VisibilityValue = "interna"
    status: StatusValue = Field("rascunho", description="`publicada` publica na criação (somente revisores).")
    products: list[Id] = Field(default_factory=list, max_length=50)


class ArticlePatchIn(StrictIn):
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=100_000)
    visibility: VisibilityValue | None = None
    status: StatusValue | None = None
    products: list[Id] | None = Field(None, max_length=50)
    expected_version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="A versão que você editou (409 se mudou)."
    )


class FeedbackIn(StrictIn):
    helpful: bool
    comment: str = Field("", max_length=2000)


class FeedbackOut(Schema):
    id: int
    article: int
    helpful: bool
    comment: str
    created_at: DateTimeOut
