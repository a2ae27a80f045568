"""Reads of suggestions, always from the reader's scope (suggestions.access)."""

from __future__ import annotations

from django.db.models import QuerySet

from servicedesk.accounts.permissions import is_staff_user
from servicedesk.suggestions.access import is_staff_reader, suggestion_queryset_for
from servicedesk.suggestions.models import Suggestion, SuggestionEvent
from servicedesk.suggestions.workflow import LABELS, PUBLIC_REASON, SuggestionStatus


def suggestion_list(user, *, status: str = "") -> QuerySet[Suggestion]:
    suggestions = suggestion_queryset_for(user).select_related("organization", "author", "product", "module")
    if status in set(SuggestionStatus):
        suggestions = suggestions.filter(status=status)
    return suggestions.order_by("-created_at", "-id")


def public_reason(suggestion: Suggestion, user) -> str:
    """The reason `user` may read on the suggestion: staff always; customers only the reason of
    a refusal or a planning (a staff note of another move is not theirs)."""
    if is_staff_reader(user) or suggestion.status in PUBLIC_REASON:
        return suggestion.reason
    return ""


def suggestion_history(suggestion: Suggestion, user) -> list[dict]:
    """The status changes as `user` may read them (who, when, from → to, and the reason when
    it is theirs to read)."""
    staff = is_staff_reader(user)
    rows = []
    for event in SuggestionEvent.objects.filter(suggestion=suggestion).select_related("actor").order_by("at", "id"):
        shown = staff or event.to_status in PUBLIC_REASON
        rows.append(
            {
                "from_status": event.from_status,
                "to_status": event.to_status,
                "to_label": LABELS[SuggestionStatus(event.to_status)],
                "actor": event.actor,
                "actor_name": (event.actor.get_full_name() or event.actor.username) if staff else _public_name(event),
                "at": event.at,
                "reason": event.reason if shown else "",
            }
        )
    return rows


def _public_name(event: SuggestionEvent) -> str:
    """Customers read their colleagues' names and "Equipe WeConnect" for staff."""
    if is_staff_user(event.actor):
        return "Equipe WeConnect"
    return event.actor.get_full_name() or event.actor.username
