"""API-only data: personal access tokens, idempotency records and uploads waiting for a ticket."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TokenScope(models.TextChoices):
    READ = "read", "Somente leitura"
    READ_WRITE = "read-write", "Leitura e escrita"


class ApiToken(models.Model):
    """A personal access token. Only the SHA-256 of the secret is stored; the secret is shown once.

    The token sent by clients is ``wcsd_<prefix>_<secret>``: the prefix is a visible id (shown in
    the token list and in logs), the secret never leaves the creation response. It stops working
    at ``expires_at`` (chosen at creation, at most a year), when revoked, and when its owner's
    password changes (every token is then revoked).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="usuário"
    )
    name = models.CharField("nome", max_length=80)
    scope = models.CharField("escopo", max_length=20, choices=TokenScope.choices, default=TokenScope.READ)
    prefix = models.CharField("identificador", max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("criado em")
    expires_at = models.DateTimeField("expira em")
    last_used_at = models.DateTimeField("último uso", null=True, blank=True)
    revoked_at = models.DateTimeField("revogado em", null=True, blank=True)

    class Meta:
        verbose_name = "token de acesso à API"
        verbose_name_plural = "tokens de acesso à API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def is_expired(self, now) -> bool:
        return now >= self.expires_at

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


class IdempotencyRecord(models.Model):
    """The first response to ``POST /tickets`` with an ``Idempotency-Key``, replayed on a retry.

    The unique constraint on (user, key) is what makes two concurrent identical requests create
    one ticket: the second INSERT waits for the first transaction and then fails.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request body.")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, null=True, related_name="+")
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "registro de idempotência"
        verbose_name_plural = "registros de idempotência"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


def pending_upload_path(instance: "PendingUpload", filename: str) -> str:
    # Never the uploaded name: no path tricks, no guessable URLs.
    return f"api-uploads/{instance.sha256[:2]}/{instance.sha256}"


class PendingUpload(models.Model):
    """A file uploaded through ``POST /attachments``, checked, waiting to be attached.

    It belongs to its uploader only; ``POST /tickets`` or ``POST /tickets/{n}/comments`` hand it
    to the ticket services (which run the same upload checks again) and delete it.
    """

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=pending_upload_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "envio pendente"
        verbose_name_plural = "envios pendentes"
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="pendingupload_not_empty")]

    def __str__(self) -> str:
        return self.original_name
