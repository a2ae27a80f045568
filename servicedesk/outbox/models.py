"""The transactional outbox: every e-mail the product sends, and every piece of work that sends
e-mails (a ticket event's notifications, a video-call invitation), is first a row written in the
same transaction as the act that causes it. `services.outbox_deliver` sends it and marks it."""

from __future__ import annotations

from django.db import models


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pendente"
    SENT = "sent", "Enviada"
    FAILED = "failed", "Falhou"  # gave up after OUTBOX_MAX_ATTEMPTS; an administrator decides


class OutboxKind(models.TextChoices):
    EMAIL = "email", "E-mail"
    CALL = "call", "Tarefa que envia e-mails"


class OutboxMessage(models.Model):
    kind = models.CharField("tipo", max_length=10, choices=OutboxKind.choices)
    # CALL: the function run (import path) with `payload` as its keyword arguments.
    # EMAIL: `payload` is the message (subject, body, addresses, alternatives, attachments).
    path = models.CharField("função", max_length=200, blank=True)
    payload = models.JSONField("conteúdo", default=dict)
    subject = models.CharField("assunto", max_length=300, blank=True)
    recipients = models.TextField("destinatários", blank=True)
    status = models.CharField("situação", max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField("tentativas", default=0)
    last_error = models.TextField("último erro", blank=True)
    created_at = models.DateTimeField("criada em")
    # When the sweep hands a pending row to a relay again (the relay of its commit was lost, or
    # the last attempt failed and waits its back-off).
    next_attempt_at = models.DateTimeField("próxima tentativa em")
    sent_at = models.DateTimeField("enviada em", null=True, blank=True)

    class Meta:
        verbose_name = "mensagem da caixa de saída"
        verbose_name_plural = "caixa de saída"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["status", "sent_at"], name="outbox_sent_idx"),  # the purge
        ]

    def __str__(self) -> str:
        return self.subject or self.path or f"#{self.pk}"
