"""Products, their modules and releases (domain.md §4: supported = latest release or the patch before it)."""

import re

from django.conf import settings
from django.db import models

from servicedesk.core.models import TimeStamped


def version_key(version: str) -> list[int]:
    """Numeric sort key of a dotted version ("12.1.10" > "12.1.9")."""
    return [int(part) for part in re.findall(r"\d+", version)]


class Product(TimeStamped):
    code = models.SlugField("código", max_length=40, unique=True)
    name = models.CharField("nome", max_length=120)

    class Meta:
        verbose_name = "produto"
        verbose_name_plural = "produtos"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Module(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="modules", verbose_name="produto")
    name = models.CharField("nome", max_length=120)

    class Meta:
        verbose_name = "módulo"
        verbose_name_plural = "módulos"
        ordering = ["product__name", "name"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="module_product_name_unique")]

    def __str__(self) -> str:
        return f"{self.product.name} › {self.name}"


class Release(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="releases", verbose_name="produto")
    version = models.CharField("versão", max_length=40)
    # Zero-padded copy of the version so the database orders releases numerically.
    sort_key = models.CharField(max_length=120, editable=False, db_index=True)
    released_on = models.DateField("data de lançamento")
    # Published: the release is out for customers; the tickets it fixes are announced then
    # (tickets.services.fixes.release_publish, the only writer of these two columns).
    published_at = models.DateTimeField("publicada em", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="publicada por",
    )

    class Meta:
        verbose_name = "versão"
        verbose_name_plural = "versões"
        ordering = ["product__name", "-sort_key"]
        constraints = [models.UniqueConstraint(fields=["product", "version"], name="release_product_version_unique")]

    def __str__(self) -> str:
        return f"{self.product.name} {self.version}"

    def save(self, *args, **kwargs):
        # Trivial derived default, kept here so the admin and fixtures stay consistent.
        self.sort_key = ".".join(f"{n:06d}" for n in version_key(self.version))
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
