"""One satisfaction survey per ticket (domain.md §10)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class SatisfactionSurvey(models.Model):
    """Created when the ticket is found closed (confirmed or automatic) and e-mailed to its
    requester with a link whose token only the e-mail carries (its SHA-256 is stored). The
    analyst, team and organization are the ticket's at the closing: the figures per analyst,
    team and organization do not move when the ticket is later reassigned."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="survey", verbose_name="chamado"
    )
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("enviada em")
    rating = models.PositiveSmallIntegerField("nota", null=True, blank=True)
    comment = models.TextField("comentário", blank=True)
    answered_at = models.DateTimeField("respondida em", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "pesquisa de satisfação"
        verbose_name_plural = "pesquisas de satisfação"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True, answered_at__isnull=True)
                | Q(rating__isnull=False, answered_at__isnull=False),
                name="survey_answer_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.rating or '—'}"
