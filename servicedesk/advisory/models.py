"""Technical advisory from proposal to invoice (domain.md §8).

    PriceItem        the price list "Serviços e Valores" (effective-dated rows per code)
    Proposal         on a ticket: rascunho → enviada → aceita | recusada, or cancelada
    Engagement       the accepted proposal: appointments, time entries, reports
    Appointment      a scheduled visit or remote session (a calendar invitation)
    TimeEntry        one analyst's work (start, end, activity)
    ActivityReport   a frozen version of the statement (PDF kept); validated or contested
    BillingLine      one per session (or one for a fixed price), made by the validation
    BillingBatch     a numbered export of every line not yet exported

Money is `Decimal` with two places (`advisory.money.brl`); a proposal copies its price, so a
later change of the price list never reaches it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from servicedesk.advisory.billing import BillingMode, Modality


class PriceUnit(models.TextChoices):
    REMOTE_HOUR = "hora_remota", "Hora remota"
    ON_SITE_HOUR = "hora_presencial", "Hora presencial"
    SERVICE = "servico", "Serviço com preço fechado"


MODALITY_CHOICES = [(Modality.REMOTE.value, "Remota"), (Modality.ON_SITE.value, "Presencial")]
BILLING_CHOICES = [(BillingMode.HOURLY.value, "Por hora"), (BillingMode.FIXED.value, "Preço fechado")]


class PriceItem(models.Model):
    """One price of one service, valid from a date (and until a date, or until a newer row of
    the same code takes over). The price list of a day is, per code, the newest row in force."""

    code = models.SlugField("código", max_length=40, help_text="Por exemplo ASS-REMOTA.")
    description = models.CharField("descrição", max_length=200)
    unit = models.CharField("unidade", max_length=20, choices=PriceUnit.choices)
    price = models.DecimalField("valor (R$)", max_digits=12, decimal_places=2)
    valid_from = models.DateField("vigente a partir de")
    valid_until = models.DateField("vigente até", null=True, blank=True, help_text="Em branco: sem data de término.")
    notes = models.TextField("observações", blank=True)

    class Meta:
        verbose_name = "item da tabela Serviços e Valores"
        verbose_name_plural = "Serviços e Valores"
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="priceitem_code_valid_from_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="priceitem_price_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="priceitem_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.description}"

    @property
    def is_hourly(self) -> bool:
        return self.unit != PriceUnit.SERVICE


class ProposalStatus(models.TextChoices):
    DRAFT = "rascunho", "Em preparação"
    SENT = "enviada", "Aguardando aprovação"
    ACCEPTED = "aceita", "Aceita"
    REFUSED = "recusada", "Recusada"
    CANCELLED = "cancelada", "Cancelada"


LIVE_PROPOSAL_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.SENT)


class Proposal(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="proposals")
    # The ticket's organization, copied: every read is scoped by it (tenant isolation).
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("situação", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    scope = models.TextField("escopo")
    modality = models.CharField("modalidade", max_length=20, choices=MODALITY_CHOICES)
    billing = models.CharField("cobrança", max_length=20, choices=BILLING_CHOICES)
    estimated_hours = models.DecimalField("horas estimadas", max_digits=7, decimal_places=2)
    price_item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, related_name="proposals")
    # The price as it was when the proposal was made (domain.md §8: it keeps that price).
    price_code = models.CharField("código do serviço", max_length=40)
    price_description = models.CharField("serviço", max_length=200)
    unit_price = models.DecimalField("valor unitário (R$)", max_digits=12, decimal_places=2)
    estimated_amount = models.DecimalField("valor estimado (R$)", max_digits=14, decimal_places=2)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    sent_at = models.DateTimeField(null=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True)
    refusal_reason = models.TextField("motivo da recusa", blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True)
    cancel_reason = models.TextField("motivo do cancelamento", blank=True)

    class Meta:
        verbose_name = "proposta"
        verbose_name_plural = "propostas"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="proposal_status_idx")]
        constraints = [
            # One proposal in preparation or waiting per ticket (the ticket is COM-PROPOSTA for it).
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status__in=["rascunho", "enviada"]), name="proposal_one_live_per_ticket"
            ),
            models.CheckConstraint(condition=Q(estimated_hours__gt=0), name="proposal_estimated_hours_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="proposal_unit_price_positive"),
        ]

    def __str__(self) -> str:
        return f"Proposta {self.pk} do chamado #{self.ticket_id}"

    @property
    def is_hourly(self) -> bool:
        return self.billing == BillingMode.HOURLY


class Engagement(models.Model):
    """The advisory an approver accepted; the ticket is SERV-ASSESSORIA until a report is validated."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="engagement")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="engagements")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField("aceita em")
    validated_at = models.DateTimeField("validada em", null=True)

    class Meta:
        verbose_name = "assessoria"
        verbose_name_plural = "assessorias"
        ordering = ["-accepted_at", "-pk"]

    def __str__(self) -> str:
        return f"Assessoria {self.pk} do chamado #{self.ticket_id}"

    @property
    def is_open(self) -> bool:
        return self.validated_at is None


class Appointment(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="appointments")
    starts_at = models.DateTimeField("início")
    ends_at = models.DateTimeField("fim")
    analyst = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    location = models.CharField("local ou link", max_length=500)
    notes = models.TextField("observações", blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "agendamento"
        verbose_name_plural = "agendamentos"
        ordering = ["starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_order")]

    def __str__(self) -> str:
        return f"Agendamento {self.pk} da assessoria {self.engagement_id}"

    @property
    def is_link(self) -> bool:
        return self.location.startswith(("https://", "http://"))


class TimeEntry(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="time_entries")
    analyst = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries")
    started_at = models.DateTimeField("início")
    ended_at = models.DateTimeField("fim")
    activity = models.TextField("atividade")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "apontamento de horas"
        verbose_name_plural = "apontamentos de horas"
        ordering = ["started_at", "pk"]
        indexes = [models.Index(fields=["analyst", "started_at"], name="timeentry_analyst_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gt=models.F("started_at")), name="timeentry_order"),
        ]

    def __str__(self) -> str:
        return f"Apontamento {self.pk} da assessoria {self.engagement_id}"


class ReportStatus(models.TextChoices):
    SENT = "enviado", "Aguardando validação"
    VALIDATED = "validado", "Validado"
    CONTESTED = "contestado", "Contestado"


class ActivityReport(models.Model):
    """One version of an engagement's report, frozen when it is sent: `content` is the statement
    (entries, sessions, totals, estimate) and `pdf` the document the customer downloads."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="reports")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField("versão")
    status = models.CharField("situação", max_length=20, choices=ReportStatus.choices, default=ReportStatus.SENT)
    content = models.JSONField()
    minutes = models.PositiveIntegerField("minutos")
    billable_minutes = models.PositiveIntegerField("minutos faturáveis")
    amount = models.DecimalField("valor (R$)", max_digits=14, decimal_places=2)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField("enviado em")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True)
    decision_comment = models.TextField("comentário", blank=True)

    class Meta:
        verbose_name = "relatório de assessoria"
        verbose_name_plural = "relatórios de assessoria"
        ordering = ["engagement", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "version"], name="report_engagement_version_unique"),
            # One version waiting at a time, and one validated version per engagement: billed once.
            models.UniqueConstraint(
                fields=["engagement"], condition=Q(status="enviado"), name="report_one_waiting_per_engagement"
            ),
            models.UniqueConstraint(
                fields=["engagement"], condition=Q(status="validado"), name="report_one_validated_per_engagement"
            ),
        ]

    def __str__(self) -> str:
        return f"Relatório {self.engagement_id} v{self.version}"

    @property
    def filename(self) -> str:
        return f"relatorio-assessoria-chamado-{self.engagement.ticket_id}-v{self.version}.pdf"


class BillingBatch(models.Model):
    number = models.PositiveIntegerField("número", unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("exportado em")
    line_count = models.PositiveIntegerField("linhas")
    total = models.DecimalField("total (R$)", max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = "lote de faturamento"
        verbose_name_plural = "lotes de faturamento"
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Lote {self.number}"


class BillingLine(models.Model):
    report = models.ForeignKey(ActivityReport, on_delete=models.PROTECT, related_name="billing_lines")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    # The session's Brasília date (a fixed price: the validation's date) and analyst (none for a fixed price).
    date = models.DateField("data")
    analyst = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    analyst_name = models.CharField("analista", max_length=150, blank=True)
    description = models.CharField("descrição", max_length=300)
    minutes = models.PositiveIntegerField("minutos")
    billable_minutes = models.PositiveIntegerField("minutos faturáveis")
    unit_price = models.DecimalField("valor unitário (R$)", max_digits=12, decimal_places=2)
    amount = models.DecimalField("valor (R$)", max_digits=14, decimal_places=2)
    batch = models.ForeignKey(BillingBatch, on_delete=models.PROTECT, null=True, related_name="lines")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "linha de faturamento"
        verbose_name_plural = "linhas de faturamento"
        ordering = ["pk"]
        indexes = [models.Index(fields=["batch", "id"], name="billingline_batch_idx")]
        constraints = [
            # A session is billed once (the fixed price's line has no analyst: one per report).
            models.UniqueConstraint(fields=["report", "date", "analyst"], name="billingline_one_per_session"),
            models.UniqueConstraint(
                fields=["report"], condition=Q(analyst__isnull=True), name="billingline_one_fixed_price_per_report"
            ),
        ]

    def __str__(self) -> str:
        return f"Linha {self.pk} do relatório {self.report_id}"
