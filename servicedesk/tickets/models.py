"""Tickets (chamados), their append-only history, messages and attachments (domain.md §3–§7).

Nothing here writes a status: `tickets/services.py` owns every transition.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from servicedesk.core.ordering import nulls_last_index
from servicedesk.sla.engine.policy import Environment, Severity, TicketStatus, TicketType


class TicketCategory(models.TextChoices):
    """Service requests made through the portal (domain.md §3), each routed to its team."""

    NONE = "", "—"
    TRAINING = "treinamento", "Treinamento"
    PROPOSAL = "proposta", "Proposta comercial"
    LICENSE_KEY = "chave", "Chave de licença"


class ClockState(models.TextChoices):
    RUNNING = "running", "no prazo"
    PAUSED = "paused", "pausado"
    MET = "met", "cumprido"
    BREACHED = "breached", "violado"


class ClockOutcome(models.TextChoices):
    """What a clock counts for contractual compliance (domain.md §10), as of `sla_computed_at`."""

    NOT_COUNTED = "", "não conta"  # homologação, a paused clock (its deadline moves), stopped unbreached
    PENDING = "pending", "em curso"  # a fixed deadline not yet passed: breached once it has
    MET = "met", "cumprido no prazo"
    BREACHED = "breached", "violado"


class Ticket(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="tickets", verbose_name="organização"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_tickets", verbose_name="solicitante"
    )
    type = models.CharField("tipo", max_length=20, choices=[(t.value, t.value) for t in TicketType])
    severity = models.CharField("severidade", max_length=20, choices=[(s.value, s.value) for s in Severity])
    status = models.CharField(
        "status", max_length=30, choices=[(s.value, s.value) for s in TicketStatus], default=TicketStatus.NEW
    )
    category = models.CharField("categoria", max_length=20, choices=TicketCategory.choices, blank=True, default="")
    environment = models.CharField("ambiente", max_length=20, choices=[(e.value, e.value) for e in Environment])
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, null=True, blank=True, verbose_name="produto"
    )
    module = models.ForeignKey("catalog.Module", on_delete=models.PROTECT, null=True, blank=True, verbose_name="módulo")
    release = models.ForeignKey(
        "catalog.Release", on_delete=models.PROTECT, null=True, blank=True, verbose_name="versão"
    )
    version_text = models.CharField("versão informada", max_length=40, blank=True)
    # The release that fixes this Problema (issue 11, release awareness), set by maintenance through
    # tickets.services.fixes.ticket_fix_link; announced to the customer once that release is published.
    fixed_in = models.ForeignKey(
        "catalog.Release",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fixed_tickets",
        verbose_name="corrigido na versão",
    )
    version_supported = models.BooleanField("versão suportada", default=True)
    title = models.CharField("título", max_length=200)
    description = models.TextField("descrição")
    affected_process = models.ForeignKey(
        "accounts.OperationalDeadline",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="processo afetado",
    )
    linked_ticket = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="linked_from"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name="equipe"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name="responsável",
    )

    # SLA snapshot taken at opening (domain.md §6: a ticket keeps the targets it was opened with).
    plan_code = models.CharField("plano", max_length=30)
    calendar = models.ForeignKey("sla.BusinessCalendar", on_delete=models.PROTECT, verbose_name="calendário")
    sla_targets = models.JSONField(help_text="severity -> [diagnosis_seconds, solution_seconds]")

    opened_at = models.DateTimeField("aberto em", db_index=True)
    # Denormalized results of the clocks, recomputed by every event through the pure engine,
    # so that queues sort and filter in the database.
    diagnosis_due_at = models.DateTimeField(null=True, db_index=True)
    diagnosis_met_at = models.DateTimeField(null=True)
    diagnosis_state = models.CharField(max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    solution_due_at = models.DateTimeField(null=True, db_index=True)
    solution_met_at = models.DateTimeField(null=True)
    solution_state = models.CharField(max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    # A paused clock's deadline moves with time: it is the one that holds "if it resumed now"
    # (domain.md §5). So a paused clock stores the business time it has left (microseconds), and
    # every page reads the deadline through sla.services.ticket_sla_view; its stored *_due_at
    # is only the deadline as of `sla_computed_at`.
    diagnosis_paused_left = models.BigIntegerField(null=True)
    solution_paused_left = models.BigIntegerField(null=True)
    # The queue's sort keys: the nearest deadline of an unmet clock that runs or is breached (a
    # fixed instant), then, for tickets whose clocks are all paused, the business time left on
    # the nearest one (microseconds; the same order as their "if it resumed now" deadlines).
    next_due_at = models.DateTimeField("próximo prazo", null=True, db_index=True)
    sla_paused_left = models.BigIntegerField(null=True)
    auto_close_at = models.DateTimeField(null=True, db_index=True)
    at_risk = models.BooleanField("em risco", default=False, db_index=True)
    breached = models.BooleanField("violado", default=False, db_index=True)
    sla_computed_at = models.DateTimeField(null=True)
    # The next instant at which an SLA warning (at risk, breach, closing soon) may fall due:
    # the sweep only looks at tickets whose check is due (see sla.services.sla_next_check).
    sla_check_at = models.DateTimeField(null=True, db_index=True)

    # Per-clock outcomes for the reports (domain.md §10), written by the same recompute that writes
    # the deadlines (sla.services.sla_apply_report): the outcome, the instant and Brasília month
    # the clock counts in (met on time: when it was met; otherwise its deadline), and the running
    # and paused business seconds (as of the computation; final once met). A "pending" clock
    # counts as breached once its fixed deadline has passed.
    diagnosis_outcome = models.CharField(max_length=10, choices=ClockOutcome.choices, blank=True, default="")
    diagnosis_counts_at = models.DateTimeField(null=True)
    diagnosis_counts_month = models.DateField(null=True)
    diagnosis_business_seconds = models.IntegerField(null=True)
    diagnosis_met_month = models.DateField(null=True)  # Brasília month of diagnosis_met_at (the averages' month)
    diagnosis_paused_seconds = models.IntegerField(null=True)
    solution_outcome = models.CharField(max_length=10, choices=ClockOutcome.choices, blank=True, default="")
    solution_counts_at = models.DateTimeField(null=True)
    solution_counts_month = models.DateField(null=True)
    solution_business_seconds = models.IntegerField(null=True)
    solution_met_month = models.DateField(null=True)  # Brasília month of solution_met_at (the averages' month)
    solution_paused_seconds = models.IntegerField(null=True)

    last_customer_interaction_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField("encerrado em", null=True)
    # Optimistic concurrency: every change increments it; a write based on an older value is refused.
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chamado"
        verbose_name_plural = "chamados"
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["organization", "status"], name="ticket_org_status_idx"),
            models.Index(fields=["status", "next_due_at"], name="ticket_status_due_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
            models.Index(fields=["team", "status"], name="ticket_team_status_idx"),
            # The queues' default order (nearest deadline first, then paused tickets by business
            # time left) read in index order with a LIMIT.
            # (core.ordering: NULLs last as an index expression, so SQLite reads it in order too.)
            models.Index(
                *nulls_last_index("next_due_at", "sla_paused_left"),
                F("opened_at"),
                F("id"),
                name="ticket_due_nulls_idx",
            ),
            models.Index(fields=["organization", "next_due_at"], name="ticket_org_due_idx"),
            # The portal home's first read: the tickets waiting for the customer, the automatic
            # closing nearest first (only they have a closing instant). The id closes the ORDER BY
            # (auto_close_at, id), so the read stops after its LIMIT instead of sorting every
            # waiting ticket of a large organization (7,956 at 100,000: 24 ms → 3 ms).
            models.Index(fields=["organization", "auto_close_at", "id"], name="ticket_org_closing_id_idx"),
            # The compliance reports (servicedesk.reports): a range of counting instants, grouped
            # by plan and severity, read from the index alone; an organization's statement.
            models.Index(
                fields=["diagnosis_counts_at", "diagnosis_outcome", "plan_code", "severity", "diagnosis_counts_month"],
                name="ticket_diag_counts_idx",
            ),
            models.Index(
                fields=["solution_counts_at", "solution_outcome", "plan_code", "severity", "solution_counts_month"],
                name="ticket_sol_counts_idx",
            ),
            models.Index(
                fields=[
                    "diagnosis_met_at",
                    "plan_code",
                    "severity",
                    "diagnosis_met_month",
                    "diagnosis_business_seconds",
                ],
                name="ticket_diag_met_idx",
            ),
            models.Index(
                fields=["solution_met_at", "plan_code", "severity", "solution_met_month", "solution_business_seconds"],
                name="ticket_sol_met_idx",
            ),
            # An organization's monthly statement (reports.statements): the same ranges within
            # one organization (without them its queries read every organization's month).
            models.Index(
                fields=["organization", "diagnosis_counts_at", "diagnosis_outcome", "severity"],
                name="ticket_org_diag_counts_idx",
            ),
            models.Index(
                fields=["organization", "solution_counts_at", "solution_outcome", "severity"],
                name="ticket_org_sol_counts_idx",
            ),
            models.Index(
                fields=[
                    "organization",
                    "diagnosis_met_at",
                    "diagnosis_met_month",
                    "severity",
                    "diagnosis_business_seconds",
                ],
                name="ticket_org_diag_met_idx",
            ),
            models.Index(
                fields=[
                    "organization",
                    "solution_met_at",
                    "solution_met_month",
                    "severity",
                    "solution_business_seconds",
                ],
                name="ticket_org_sol_met_idx",
            ),
            # The statement's month (reports.statements): the organization's tickets in opening
            # order, with what decides whether a clock counts in the month and the id, so that
            # PostgreSQL finds a page's tickets and counts the month from the index alone
            # (INCLUDE is PostgreSQL's; SQLite gets the plain index).
            models.Index(
                fields=["organization", "opened_at"],
                include=["diagnosis_counts_at", "solution_counts_at", "id"],
                name="ticket_org_opened_cov_idx",
            ),
            # The satisfaction surveys' sweep: tickets closed recently (servicedesk.surveys).
            models.Index(fields=["status", "closed_at"], name="ticket_status_closed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(type="Problema") | Q(severity="Normal"), name="ticket_request_or_question_is_normal"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def number(self) -> int:
        return self.pk

    @property
    def is_open(self) -> bool:
        return self.status not in (TicketStatus.CLOSED, TicketStatus.CANCELLED)


class EventKind(models.TextChoices):
    OPENED = "opened", "Chamado aberto"
    STATUS_CHANGED = "status_changed", "Status alterado"
    RECLASSIFIED = "reclassified", "Reclassificado"
    DIAGNOSIS = "diagnosis", "Diagnóstico registrado"
    PUBLIC_REPLY = "public_reply", "Resposta pública"
    INTERNAL_NOTE = "internal_note", "Nota interna"
    CUSTOMER_REPLY = "customer_reply", "Resposta do cliente"
    ATTACHMENT = "attachment", "Anexo"
    ASSIGNED = "assigned", "Atribuído"
    REOPEN_REQUESTED = "reopen_requested", "Reabertura solicitada"
    REOPEN_REFUSED = "reopen_refused", "Reabertura recusada"
    AUTO_CLOSED = "auto_closed", "Encerrado automaticamente"
    SLA_AT_RISK = "sla_at_risk", "SLA em risco"
    SLA_BREACHED = "sla_breached", "SLA violado"
    CLOSING_SOON = "closing_soon", "Encerramento automático em 8 horas úteis"
    PHONE_CALL = "phone_call", "Ligação registrada"
    VIDEO_CALL = "video_call", "Videochamada agendada"
    DEADLINES_RECOMPUTED = "deadlines_recomputed", "Prazos recalculados: calendário alterado"
    # Technical advisory (domain.md §8), written by servicedesk.advisory.
    PROPOSAL_DRAFTED = "proposal_drafted", "Proposta comercial em preparação"
    PROPOSAL_SENT = "proposal_sent", "Proposta enviada para aprovação"
    PROPOSAL_ACCEPTED = "proposal_accepted", "Proposta aceita"
    PROPOSAL_REFUSED = "proposal_refused", "Proposta recusada"
    PROPOSAL_CANCELLED = "proposal_cancelled", "Proposta cancelada"
    ADVISORY_SCHEDULED = "advisory_scheduled", "Assessoria agendada"
    REPORT_SENT = "report_sent", "Relatório de assessoria enviado para validação"
    REPORT_VALIDATED = "report_validated", "Relatório de assessoria validado"
    REPORT_CONTESTED = "report_contested", "Relatório de assessoria contestado"
    BILLING_EXPORTED = "billing_exported", "Assessoria enviada para faturamento"
    # Release awareness (issue 11), written by tickets.services.fixes.
    FIX_LINKED = "fix_linked", "Correção vinculada a uma versão"
    FIX_RELEASED = "fix_released", "Correção publicada"


class TicketEvent(models.Model):
    """Append-only history. The SLA timeline is rebuilt from the columns after `data`."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name="chamado")
    at = models.DateTimeField("quando", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="autor"
    )
    kind = models.CharField("evento", max_length=30, choices=EventKind.choices)
    # Why the status changed (tickets.workflow.Reason), on every event that moves the ticket.
    reason = models.CharField(max_length=30, blank=True, default="")
    public = models.BooleanField(default=True, help_text="Visível para o cliente.")
    data = models.JSONField(default=dict, blank=True)
    # SLA timeline keys (None/False when the event does not touch the clocks).
    new_type = models.CharField(max_length=20, blank=True, default="")
    new_severity = models.CharField(max_length=20, blank=True, default="")
    from_status = models.CharField(max_length=30, blank=True, default="")
    to_status = models.CharField(max_length=30, blank=True, default="")
    diagnosis = models.BooleanField(default=False)
    customer_interaction = models.BooleanField(default=False)

    class Meta:
        verbose_name = "evento do chamado"
        verbose_name_plural = "histórico dos chamados"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="event_ticket_at_idx")]
        constraints = [
            # At most one automatic closing per ticket, however many workers race for it.
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(kind="auto_closed"), name="event_one_auto_close_per_ticket"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    """A public message of the conversation, or an internal note (never shown to customers)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments", verbose_name="chamado")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="autor")
    body = models.TextField("mensagem")
    is_internal = models.BooleanField("nota interna", default=False)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "mensagem"
        verbose_name_plural = "mensagens"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket_created_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {'nota' if self.is_internal else 'mensagem'} de {self.author}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never contains the uploaded name: no path tricks, no guessable URLs.
    return f"attachments/{instance.ticket_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name="chamado")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments", verbose_name="mensagem"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="enviado por")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField("nome do arquivo", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "anexo"
        verbose_name_plural = "anexos"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReopenRequestStatus(models.TextChoices):
    PENDING = "pending", "Pendente"
    APPROVED = "approved", "Aprovada"
    REFUSED = "refused", "Recusada"


class ReopenRequest(models.Model):
    """A customer's request to reopen a closed ticket; staff approve or refuse (domain.md §7)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="reopen_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("motivo")
    status = models.CharField(max_length=10, choices=ReopenRequestStatus.choices, default=ReopenRequestStatus.PENDING)
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "pedido de reabertura"
        verbose_name_plural = "pedidos de reabertura"
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status="pending"), name="reopen_one_pending_per_ticket"
            )
        ]

    def __str__(self) -> str:
        return f"Reabertura de #{self.ticket_id} ({self.get_status_display()})"


class SlaAlert(models.Model):
    """One warning per clock, kind and deadline: running the sweep twice alerts once.

    "at risk" reminders found outside business hours wait for the next opening (`notify_after`);
    breaches and closing warnings are notified at once. `notified_at` marks the claim.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_alerts")
    clock = models.CharField(max_length=10)  # "diagnosis" | "solution" | "auto_close"
    kind = models.CharField(max_length=15)  # "at_risk" | "breached" | "closing_soon"
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    notify_after = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "alerta de SLA"
        verbose_name_plural = "alertas de SLA"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "clock", "kind", "due_at"], name="slaalert_once_per_deadline")
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.clock} {self.kind}"


class FixAnnouncement(models.Model):
    """The customer was told that `release` fixes `ticket` (the FIX_RELEASED event and its e-mails):
    at most once per ticket and release, however often the release is published or by how many
    workers at once (the unique constraint; tickets.services.fixes.ticket_fix_announce)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="fix_announcements")
    release = models.ForeignKey("catalog.Release", on_delete=models.PROTECT, related_name="+")
    event = models.OneToOneField(TicketEvent, on_delete=models.CASCADE, related_name="+")
    announced_at = models.DateTimeField()

    class Meta:
        verbose_name = "aviso de correção publicada"
        verbose_name_plural = "avisos de correções publicadas"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "release"], name="fixannouncement_once_per_ticket_release")
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.release_id}"


class NotificationLog(models.Model):
    """One row per (event, recipient): a retried or duplicated task never e-mails twice."""

    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.EmailField()
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = "registro de e-mail enviado"
        verbose_name_plural = "registros de e-mails enviados"
        constraints = [models.UniqueConstraint(fields=["event", "recipient"], name="notification_once_per_recipient")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.recipient}"


class TicketSearch(models.Model):
    """The words a ticket is found by (tickets.search): its number aside, the title, the
    description, the public messages, the organization and the requester (`public_text`), and the
    internal notes, searched by staff only (`internal_text`). Rebuilt from the rows on every save
    of the ticket; indexed by SQLite FTS5 or PostgreSQL full-text search (migration 0007)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search")
    public_text = models.TextField(default="")
    internal_text = models.TextField(default="", blank=True)

    class Meta:
        verbose_name = "índice de busca do chamado"
        verbose_name_plural = "índice de busca dos chamados"

    def __str__(self) -> str:
        return f"#{self.ticket_id}"


class QueueCounter(models.Model):
    """How many tickets a queue holds, kept exact by every write in the write's own transaction
    (tickets.counters): reading a tab's count is one indexed row, whatever the number of tickets.
    Keys: "all", "open", "unassigned", "waiting", "at_risk", "breached", "assignee:<id>",
    "team:<id>", "org:<id>:open|waiting|resolved|paused"."""

    key = models.CharField(max_length=64, primary_key=True)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "contador de fila"
        verbose_name_plural = "contadores de filas"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class TicketView(models.Model):
    """When a staff member last opened a ticket's workspace: the queue marks a ticket the
    customer answered since its assignee last looked ("cliente respondeu")."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = "leitura do chamado"
        verbose_name_plural = "leituras dos chamados"
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="ticketview_once_per_user")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} por {self.user_id}"
