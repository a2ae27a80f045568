"""Knowledge base (issue 10): categories, articles, their versions, feedback and deflections."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from servicedesk.core.models import TimeStamped


class Visibility(models.TextChoices):
    PUBLIC = "pública", "Pública (qualquer pessoa, sem login)"
    CUSTOMERS = "clientes", "Clientes (organizações que licenciam um dos produtos)"
    INTERNAL = "interna", "Interna (somente a equipe)"


class ArticleStatus(models.TextChoices):
    DRAFT = "rascunho", "Rascunho"  # being written; only staff read it
    PUBLISHED = "publicada", "Publicada"  # reviewed; read per its visibility
    ARCHIVED = "arquivada", "Arquivada"  # withdrawn; only staff read it


class Category(models.Model):
    name = models.CharField("nome", max_length=120, unique=True)
    slug = models.SlugField("identificador", max_length=140, unique=True)
    description = models.TextField("descrição", blank=True)
    position = models.PositiveSmallIntegerField("ordem", default=0)

    class Meta:
        verbose_name = "categoria"
        verbose_name_plural = "categorias"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Article(TimeStamped):
    title = models.CharField("título", max_length=200)
    slug = models.SlugField("identificador", max_length=220, unique=True)
    body = models.TextField("conteúdo (Markdown)")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="articles", verbose_name="categoria"
    )
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="articles", verbose_name="produtos")
    modules = models.ManyToManyField("catalog.Module", blank=True, related_name="articles", verbose_name="módulos")
    release_from = models.CharField("da versão", max_length=40, blank=True)
    release_to = models.CharField("até a versão", max_length=40, blank=True)
    visibility = models.CharField(
        "visibilidade", max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    status = models.CharField("situação", max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="autor"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="revisor",
    )
    published_at = models.DateTimeField("publicada em", null=True, blank=True)
    version = models.PositiveIntegerField("versão atual", default=1)
    view_count = models.PositiveIntegerField("visualizações", default=0)
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="chamado de origem",
        help_text="O chamado resolvido que o console transformou neste artigo.",
    )

    class Meta:
        verbose_name = "artigo"
        verbose_name_plural = "artigos"
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["status", "visibility"], name="article_status_visibility_idx")]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """One edit of an article, kept for ever (number 1 is the creation)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions", verbose_name="artigo")
    number = models.PositiveIntegerField("número")
    title = models.CharField("título", max_length=200)
    body = models.TextField("conteúdo (Markdown)")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="editor"
    )
    created_at = models.DateTimeField("em")

    class Meta:
        verbose_name = "versão do artigo"
        verbose_name_plural = "versões dos artigos"
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="articleversion_article_number_uniq")]

    def __str__(self) -> str:
        return f"{self.article} · v{self.number}"


def article_image_path(instance: ArticleImage, filename: str) -> str:
    # Never the uploaded name: no path tricks, no guessable URLs.
    return f"kb/{instance.article_id}/{instance.sha256[:2]}/{instance.sha256}"


class ArticleImage(models.Model):
    """An image of an article body, checked by content like ticket attachments and served only
    to those who may read the article (`![texto](/base-de-conhecimento/imagens/<id>/)`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images", verbose_name="artigo")
    file = models.FileField(upload_to=article_image_path, max_length=300)
    original_name = models.CharField("nome original", max_length=255)
    content_type = models.CharField("tipo", max_length=100)
    size = models.PositiveIntegerField("tamanho")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="enviada por"
    )
    created_at = models.DateTimeField("em")

    class Meta:
        verbose_name = "imagem de artigo"
        verbose_name_plural = "imagens de artigos"
        ordering = ["article", "id"]

    def __str__(self) -> str:
        return self.original_name


class ArticleSearch(models.Model):
    """The tokens of an article (knowledge.text.terms of its title and of its body's plain text),
    rewritten by every article write; indexed by SQLite FTS5 or PostgreSQL full-text search
    (migration 0002). Both databases look up the same tokens, so they find the same articles."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="search")
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    body_text = models.TextField(blank=True)  # the body as a reader sees it, for the snippets

    class Meta:
        verbose_name = "índice de busca do artigo"
        verbose_name_plural = "índices de busca dos artigos"

    def __str__(self) -> str:
        return str(self.article)


class ArticleFeedback(models.Model):
    """ "Foi útil?" A signed-in reader has one answer per article (a new one replaces it);
    anonymous readers of public articles answer as often as they like."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback", verbose_name="artigo")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="usuário",
    )
    helpful = models.BooleanField("foi útil")
    comment = models.TextField("comentário", blank=True)
    created_at = models.DateTimeField("em")

    class Meta:
        verbose_name = "avaliação de artigo"
        verbose_name_plural = "avaliações de artigos"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=models.Q(user__isnull=False), name="articlefeedback_one_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article}: {'sim' if self.helpful else 'não'}"


class Deflection(models.Model):
    """A customer found the answer in an article and did not open the ticket."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="usuário"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections", verbose_name="artigo")
    query = models.CharField("o que digitou", max_length=500, blank=True)
    created_at = models.DateTimeField("em")

    class Meta:
        verbose_name = "chamado evitado"
        verbose_name_plural = "chamados evitados"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.article}"
