"""Phone and video channels (domain.md §9). Both are always attached to an existing ticket:
phone support only happens after a ticket exists, and a video call is scheduled from one."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class CallDirection(models.TextChoices):
    INBOUND = "inbound", "Recebida (cliente ligou)"
    OUTBOUND = "outbound", "Realizada (equipe ligou)"


class PhoneCall(models.Model):
    """A call logged by staff on a ticket (domain.md §9)."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="phone_calls", verbose_name="chamado"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="atendente"
    )
    contact_name = models.CharField("contato", max_length=160)
    direction = models.CharField("direção", max_length=10, choices=CallDirection.choices)
    started_at = models.DateTimeField("início")
    duration_minutes = models.PositiveIntegerField("duração (minutos)")
    summary = models.TextField("resumo")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "ligação"
        verbose_name_plural = "ligações"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="phonecall_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} ligação {self.started_at:%Y-%m-%d %H:%M}"


class VideoCallInvitation(models.Model):
    """A video call scheduled from a ticket; the participants get an e-mail with an .ics file."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="video_calls", verbose_name="chamado"
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="organizador"
    )
    # Stable calendar identity: a calendar client recognizes re-sent copies of the same invitation.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_at = models.DateTimeField("início")
    duration_minutes = models.PositiveIntegerField("duração (minutos)")
    link = models.URLField("link da reunião", max_length=500)
    participants = models.JSONField("participantes", default=list, help_text="Lista de e-mails.")
    message = models.TextField("mensagem", blank=True)
    created_at = models.DateTimeField()
    # Set by the sending task: a retried task never e-mails twice.
    sent_at = models.DateTimeField("enviado em", null=True, blank=True)

    class Meta:
        verbose_name = "convite de videochamada"
        verbose_name_plural = "convites de videochamada"
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="videocall_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} videochamada {self.starts_at:%Y-%m-%d %H:%M}"
