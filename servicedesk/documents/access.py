"""Who reads which document: the one scope of every channel (portal, console, API, admin).

* staff: every document, withdrawn ones too;
* a customer user: the documents not withdrawn of a product its organization licenses — read
  from the licence table at every request, so removing a licence removes access at once;
* anyone else: nothing.

Anything out of reach is "not found" (404), never "forbidden", so ids do not leak.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import Organization
from servicedesk.core.errors import NotFound
from servicedesk.documents.models import Document

DOCUMENT_NOT_FOUND = gettext_noop("Documento não encontrado.")

_CUSTOMER_ROLES = frozenset({permissions.CUSTOMER, permissions.APPROVER})
_MAX_ID = 2**63


def document_queryset_for(user) -> QuerySet[Document]:
    """The documents `user` (None or anonymous: nothing) may read and download."""
    role = permissions.effective_role(user)
    if role in permissions.STAFF_ROLE_NAMES:
        return Document.objects.all()
    if role in _CUSTOMER_ROLES:
        licensed = Organization.licensed_products.through.objects.filter(organization_id=user.organization_id)
        return Document.objects.filter(withdrawn_at__isnull=True, product_id__in=licensed.values("product_id"))
    return Document.objects.none()


def access_document(user, pk) -> Document:
    """The document `pk` if `user` may read it, else NotFound."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(DOCUMENT_NOT_FOUND) from None
    if not 0 < pk < _MAX_ID:
        raise NotFound(DOCUMENT_NOT_FOUND)
    document = document_queryset_for(user).select_related("product", "release").filter(pk=pk).first()
    if document is None:
        raise NotFound(DOCUMENT_NOT_FOUND)
    return document
