"""Canned replies: personal (an owner) or of a team (managed by its managers)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CannedReply(models.Model):
    title = models.CharField("título", max_length=120)
    body = models.TextField("texto")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name="pessoal de",
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name="da equipe",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "resposta pronta"
        verbose_name_plural = "respostas prontas"
        ordering = ["title", "pk"]
        constraints = [
            # Exactly one scope: a person's own, or a team's.
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(team__isnull=True))
                | (Q(owner__isnull=True) & Q(team__isnull=False)),
                name="cannedreply_one_scope",
            )
        ]

    def __str__(self) -> str:
        return self.title
