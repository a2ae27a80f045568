"""The last runs of the stored-files check (`storage_check.files_check`), read by the back
office (a read-only list) and by `/metrics`."""

from __future__ import annotations

from django.db import models


class StorageCheck(models.Model):
    ran_at = models.DateTimeField("executada em", db_index=True)
    files = models.PositiveIntegerField("arquivos no armazenamento", default=0)
    rows = models.PositiveIntegerField("registros com arquivo", default=0)
    orphans = models.PositiveIntegerField("arquivos sem registro", default=0)
    orphans_deleted = models.PositiveIntegerField("arquivos sem registro apagados", default=0)
    missing = models.PositiveIntegerField("registros sem arquivo", default=0)
    mismatched = models.PositiveIntegerField("arquivos com sha256 diferente", default=0)
    # {"orphans": [{"name", "age_seconds", "deleted"}], "missing": [{"model", "id", "name"}],
    #  "mismatched": [{"model", "id", "name", "expected", "actual"}]} — at most DETAILS_MAX each.
    details = models.JSONField("detalhes", default=dict)

    class Meta:
        verbose_name = "verificação dos arquivos"
        verbose_name_plural = "verificações dos arquivos"
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M} UTC"

    @property
    def problems(self) -> int:
        return self.orphans + self.missing + self.mismatched
