"""E-mail backend of the embedded default: each message is written as one readable `.eml` file
under `EMAIL_FILE_PATH` (var/mail/), in UTF-8 with 8-bit bodies — not the quoted-printable
stream Django's console backend prints into the worker's output. Any mail client opens them."""

from __future__ import annotations

import itertools
import threading
from email import policy
from email.message import EmailMessage as PyEmailMessage
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_counter = itertools.count(1)
_lock = threading.Lock()


def _readable(raw: bytes) -> bytes:
    """The same message with its subject and addresses in plain UTF-8 and every text part as
    8-bit UTF-8 (attachments untouched)."""
    message: PyEmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    for name in ("Subject", "From", "To", "Cc", "Reply-To"):
        value = message.get(name)
        if value is not None:  # decoded once, written back as plain UTF-8 (RFC 6532)
            del message[name]
            message[name] = str(value)
    for part in message.walk():
        if part.get_content_maintype() == "text" and not part.is_attachment():
            part.set_content(part.get_content(), subtype=part.get_content_subtype(), cte="8bit")
    # Lines up to RFC 5322's limit: a subject stays on one line, readable as it was written.
    return message.as_bytes(policy=policy.SMTPUTF8.clone(max_line_length=998))


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *args, file_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            with _lock:
                number = next(_counter)
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.directory / f"{stamp}-{number:04d}.eml"
            path.write_bytes(_readable(message.message().as_bytes()))
            sent += 1
        return sent
