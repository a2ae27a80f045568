"""`EMAIL_BACKEND = "servicedesk.outbox.backend.OutboxEmailBackend"`: every e-mail the product
sends — `EmailMessage.send()`, `send_mail`, Django's password reset — becomes an outbox row in
the caller's transaction; the relay sends it through `OUTBOX_EMAIL_BACKEND` (SMTP in production,
.eml files in the embedded default, locmem in tests)."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend

from servicedesk.outbox.services import outbox_email


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if message.recipients():
                outbox_email(message)
                count += 1
        return count
