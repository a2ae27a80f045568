"""Improvement suggestions (domain.md §10): the suggestion and the history of its status."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from servicedesk.suggestions.workflow import LABELS, SuggestionStatus

STATUS_CHOICES = [(status.value, LABELS[status]) for status in SuggestionStatus]


class Suggestion(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="suggestions", verbose_name="organização"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suggestions", verbose_name="autor"
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="suggestions", verbose_name="produto"
    )
    module = models.ForeignKey(
        "catalog.Module",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name="módulo",
    )
    title = models.CharField("título", max_length=200)
    description = models.TextField("descrição")
    status = models.CharField("situação", max_length=20, choices=STATUS_CHOICES, default=SuggestionStatus.RECEIVED)
    reason = models.TextField("motivo mostrado ao cliente", blank=True)
    tickets = models.ManyToManyField(
        "tickets.Ticket", blank=True, related_name="suggestions", verbose_name="chamados vinculados"
    )
    created_at = models.DateTimeField("recebida em")
    updated_at = models.DateTimeField("atualizada em")

    class Meta:
        verbose_name = "sugestão de melhoria"
        verbose_name_plural = "sugestões de melhoria"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="suggestion_org_recent_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="suggestion_status_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def status_label(self) -> str:
        return LABELS[SuggestionStatus(self.status)]


class SuggestionEvent(models.Model):
    """One status change (or the receipt: from_status empty), with who, when and why."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events", verbose_name="sugestão")
    from_status = models.CharField("de", max_length=20, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField("para", max_length=20, choices=STATUS_CHOICES)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="por")
    at = models.DateTimeField("em")
    reason = models.TextField("motivo", blank=True)
    notified_at = models.DateTimeField("autor avisado em", null=True, blank=True)

    class Meta:
        verbose_name = "mudança de situação"
        verbose_name_plural = "mudanças de situação"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.from_status or '—'} → {self.to_status}"
