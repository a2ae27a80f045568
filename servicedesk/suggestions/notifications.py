"""The e-mail to a suggestion's author when its status changes (pt-BR, text and HTML, with the
portal's link). The status change writes, in its own transaction, an outbox row that runs
`status_email_send` once it commits (servicedesk.outbox relays and retries it: a queue that is
down at the commit loses nothing); the send happens at most once per change: it locks the change
and stamps `notified_at` in the transaction that sends.

Only the author is written to (a customer of the suggestion's organization), and the message
carries the reason only where the customer may read it (a refusal or a planning:
suggestions.workflow.PUBLIC_REASON) — a staff note of another move never leaves the console.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string

from servicedesk.core import clock
from servicedesk.outbox.services import outbox_call
from servicedesk.suggestions.models import SuggestionEvent
from servicedesk.suggestions.workflow import LABELS, PUBLIC_REASON, SuggestionStatus

logger = logging.getLogger(__name__)
SUBJECT = "Sua sugestão de melhoria #{n} agora está: {status}"


def suggestion_url(suggestion) -> str:
    return f"{settings.SITE_URL}/sugestoes/{suggestion.pk}/"


def compose(event: SuggestionEvent) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for the author."""
    suggestion = event.suggestion
    status = LABELS[SuggestionStatus(event.to_status)]
    context = {
        "suggestion": suggestion,
        "person": suggestion.author,
        "status": status,
        "reason": event.reason if event.to_status in PUBLIC_REASON else "",
        "url": suggestion_url(suggestion),
        "at": event.at,
    }
    subject = " ".join(SUBJECT.format(n=suggestion.pk, status=status).split())
    return (
        subject,
        render_to_string("emails/suggestion_status.txt", context),
        render_to_string("emails/suggestion_status.html", context),
    )


def status_email_send(*, event_id: int) -> bool:
    """Send the e-mail of one status change, once (safe to run twice or on two workers)."""
    with transaction.atomic():
        event = (
            SuggestionEvent.objects.select_for_update(of=("self",))
            .select_related("suggestion__author")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if event is None:
            return False
        author = event.suggestion.author
        event.notified_at = clock.now()
        event.save(update_fields=["notified_at"])
        if not author.is_active or not author.email or author.pk == event.actor_id:
            return False
        subject, text, html = compose(event)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [author.email])
        message.attach_alternative(html, "text/html")
        message.send()
        return True


@task
def send_suggestion_status_email(event_id: int) -> bool:
    """Kept for the tasks enqueued before the outbox took over (a queue may still hold some)."""
    return status_email_send(event_id=event_id)


def enqueue_status_email(event_id: int) -> None:
    """Write, in the current transaction, the outbox row that sends the e-mail of one status
    change once it commits (the row lives or dies with the change; the relay retries it)."""
    outbox_call("servicedesk.suggestions.notifications.status_email_send", event_id=event_id)
