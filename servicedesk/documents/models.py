"""Documents of the products (manuals, release notes, file layouts) and the log of their downloads."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from servicedesk.catalog.models import Product, Release


class DocumentKind(models.TextChoices):
    MANUAL = "manual", "Manual"
    RELEASE_NOTES = "notas-de-versao", "Notas de versão"
    FILE_LAYOUT = "leiaute", "Leiaute de arquivo (eSocial, folha)"
    OTHER = "outro", "Outro"


def document_path(instance: Document, filename: str) -> str:
    # As attachments: the stored name never contains the uploaded name (no path tricks, no
    # guessable URLs); the storage adds a suffix when two documents have the same content.
    return f"documents/{instance.product_id}/{instance.sha256[:2]}/{instance.sha256}"


class Document(models.Model):
    title = models.CharField("título", max_length=200)
    kind = models.CharField("tipo", max_length=20, choices=DocumentKind.choices, default=DocumentKind.MANUAL)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="documents", verbose_name="produto")
    release = models.ForeignKey(
        Release, on_delete=models.PROTECT, null=True, blank=True, related_name="documents", verbose_name="versão"
    )
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = models.CharField("nome do arquivo", max_length=255)
    content_type = models.CharField("tipo de conteúdo", max_length=100)
    size = models.PositiveBigIntegerField("tamanho (bytes)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="enviado por"
    )
    uploaded_at = models.DateTimeField("enviado em")
    # Withdrawn documents leave the portal and the API at once; staff still see them (and their log).
    withdrawn_at = models.DateTimeField("retirado em", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="retirado por",
    )

    class Meta:
        verbose_name = "documento"
        verbose_name_plural = "documentos"
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["product", "-uploaded_at"], name="document_product_uploaded_idx")]

    def __str__(self) -> str:
        return self.title


class DocumentDownload(models.Model):
    """One row per download (who, when, from where), written in the request that served the file."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="downloads", verbose_name="documento")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="usuário"
    )
    at = models.DateTimeField("em")
    address = models.GenericIPAddressField("endereço", null=True, blank=True)

    class Meta:
        verbose_name = "download de documento"
        verbose_name_plural = "downloads de documentos"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.document} — {self.user}"
