"""The reports app writes no ticket: its only rows record which monthly statements were e-mailed."""

from django.db import models


class StatementDelivery(models.Model):
    """One organization's statement of one month, e-mailed to its approvers: the unique row is
    claimed before anything is sent, so several workers (or a repeated sweep) send it once."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="organização"
    )
    month = models.DateField("mês", help_text="O primeiro dia do mês do extrato.")
    claimed_at = models.DateTimeField("reservado em")
    sent_at = models.DateTimeField("enviado em", null=True, blank=True)
    recipients = models.PositiveIntegerField("destinatários", default=0)

    class Meta:
        verbose_name = "envio de extrato de SLA"
        verbose_name_plural = "envios de extratos de SLA"
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="statement_once_per_org_month")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m}"
