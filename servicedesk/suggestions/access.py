"""Who reads which suggestion: the one scope of every channel (portal, console, API, e-mail).

Staff read every suggestion; a customer user reads those of their organization; anyone else
none. Out of reach is "not found" (404), never "forbidden", so ids do not leak.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.core.errors import NotFound
from servicedesk.suggestions.models import Suggestion

SUGGESTION_NOT_FOUND = gettext_noop("Sugestão não encontrada.")
_CUSTOMER_ROLES = frozenset({permissions.CUSTOMER, permissions.APPROVER})


def suggestion_queryset_for(user) -> QuerySet[Suggestion]:
    role = permissions.effective_role(user)
    suggestions = Suggestion.objects.all()
    if role in permissions.STAFF_ROLE_NAMES:
        return suggestions
    if role in _CUSTOMER_ROLES:
        return suggestions.filter(organization_id=user.organization_id)
    return suggestions.none()


def access_suggestion(user, pk) -> Suggestion:
    """The suggestion `pk` if `user` may read it, else NotFound."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(SUGGESTION_NOT_FOUND) from None
    if not 0 < pk < 2**63:
        raise NotFound(SUGGESTION_NOT_FOUND)
    found = (
        suggestion_queryset_for(user)
        .select_related("organization", "author", "product", "module")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(SUGGESTION_NOT_FOUND)
    return found


def is_staff_reader(user) -> bool:
    return permissions.is_staff_user(user)
