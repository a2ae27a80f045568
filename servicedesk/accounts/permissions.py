"""The one authorization layer: named capabilities, who holds them, and view guards.

Views never test roles themselves; they ask ``can(user, "capability", obj)`` or wrap
themselves in ``@require("capability")`` / ``RequireMixin``. Tenant isolation of tickets and
attachments stays in ``tickets/access.py`` (another organization's object is "not found").

Roles → capabilities (``ROLE_CAPABILITIES``; the customer approver is a customer user with
``is_approver``; a Django superuser counts as an administrator)::

    capability             customer  approver  analyst  maintenance  commercial  manager  admin
    portal.access             x         x
    ticket.open               x         x
    ticket.reply              x         x         x          x            x          x       x
    ticket.confirm            x         x
    ticket.cancel             x         x
    ticket.reopen_request     x         x
    ticket.internal_note                          x          x            x          x       x
    ticket.transition                             x          x            x          x       x
    ticket.call                                   x          x            x          x       x
    ticket.reclassify                             x                                  x       x
    ticket.assign                                 x                                  x       x
    ticket.reopen_decide                          x                                  x       x
    console.access                                x          x            x          x       x
    console.manage_team                                                              x       x
    account.two_factor                            x          x            x          x       x
    org.manage                          x
    advisory.decide                     x
    advisory.propose                              x                       x          x       x
    advisory.work                                 x                                  x       x
    advisory.bill                                                         x                  x
    knowledge.write                               x                                  x       x
    knowledge.publish                                                                x       x
    documents.publish                             x                                  x       x
    admin.access                                                                             x
    ticket.fix_link                                          x                         x       x
    release.publish                                          x                                 x

Object checks (``obj``): an ``Organization`` or an object with ``organization_id`` (a ticket)
must be the customer's own organization; staff are not restricted by organization.
``ticket.open`` is also subject to training (domain.md §4), which needs the database and is
enforced by ``tickets.services.ticket_open``; ``can`` stays a pure function of its arguments.

Guards: anonymous → redirect to the login page; authenticated without the capability →
403 (``PermissionDenied``), or 404 with ``deny=404`` where existence must not leak.
With ``settings.REQUIRE_STAFF_2FA`` a staff member whose session is not verified by a TOTP
device is sent to the two-factor setup page before any staff capability.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from servicedesk.accounts.selectors import staff_2fa_required

CUSTOMER = "customer"
APPROVER = "approver"
ANALYST = "analyst"
MAINTENANCE = "maintenance"
COMMERCIAL = "commercial"
MANAGER = "manager"
ADMIN = "admin"

_CUSTOMER_CAPS = frozenset(
    {"portal.access", "ticket.open", "ticket.reply", "ticket.confirm", "ticket.cancel", "ticket.reopen_request"}
)
_STAFF_CAPS = frozenset(
    {"console.access", "ticket.reply", "ticket.internal_note", "ticket.transition", "account.two_factor"}
    | {"ticket.call"}  # log a phone call, send a video-call invitation (domain.md §9)
)
_TRIAGE_CAPS = frozenset({"ticket.reclassify", "ticket.assign", "ticket.reopen_decide"})
# domain.md §8: staff propose billed advisory; only a customer approver accepts, refuses or
# validates. Analysts do the work (schedule, log time, send the report); the commercial team
# exports the billing.
_PROPOSE = frozenset({"advisory.propose"})
_WORK = frozenset({"advisory.work"})
_BILL = frozenset({"advisory.bill"})
# Issue 10: analysts write knowledge-base articles (drafts, edits); a reviewer — a manager or an
# administrator — publishes and archives them.
_KB_WRITE = frozenset({"knowledge.write"})
_KB_PUBLISH = frozenset({"knowledge.publish"})

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    CUSTOMER: _CUSTOMER_CAPS,
    APPROVER: _CUSTOMER_CAPS | {"org.manage", "advisory.decide"},
    ANALYST: _STAFF_CAPS | _TRIAGE_CAPS | _PROPOSE | _WORK | _KB_WRITE,
    MAINTENANCE: _STAFF_CAPS,
    COMMERCIAL: _STAFF_CAPS | _PROPOSE | _BILL,
    MANAGER: _STAFF_CAPS | _TRIAGE_CAPS | _PROPOSE | _WORK | _KB_WRITE | _KB_PUBLISH | {"console.manage_team"},
    ADMIN: _STAFF_CAPS
    | _TRIAGE_CAPS
    | _PROPOSE
    | _WORK
    | _BILL
    | _KB_WRITE
    | _KB_PUBLISH
    | {"console.manage_team", "admin.access"},
}
# Issue 10: analysts, managers and administrators publish product documentation (manuals,
# release notes, file layouts); added to their rows here so the table above stays as it was.
for _role in (ANALYST, MANAGER, ADMIN):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {"documents.publish"}
# Issue 11, release awareness: maintenance links a Problema to the release that fixes it
# (managers and administrators too) and publishes releases (administrators too, in the back office).
for _role in (MAINTENANCE, MANAGER, ADMIN):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {"ticket.fix_link"}
for _role in (MAINTENANCE, ADMIN):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {"release.publish"}
CAPABILITIES: frozenset[str] = frozenset().union(*ROLE_CAPABILITIES.values())
STAFF_ROLE_NAMES = frozenset({ANALYST, MAINTENANCE, COMMERCIAL, MANAGER, ADMIN})


def effective_role(user: Any) -> str | None:
    """The row of the table that applies to `user` (None for anonymous or inactive users)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    role = getattr(user, "role", None)
    if role == CUSTOMER:
        if not getattr(user, "organization_id", None):
            return None
        return APPROVER if user.is_approver else CUSTOMER
    return role if role in STAFF_ROLE_NAMES else None


def is_staff_user(user: Any) -> bool:
    return effective_role(user) in STAFF_ROLE_NAMES


def _same_organization(user: Any, obj: Any) -> bool:
    from servicedesk.accounts.models import Organization

    if isinstance(obj, Organization):
        return obj.pk == user.organization_id
    org_id = getattr(obj, "organization_id", None)
    return org_id is not None and org_id == user.organization_id


def can(user: Any, capability: str, obj: Any = None) -> bool:
    """Whether `user` holds `capability` (on `obj`, when given). Pure: no database access."""
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability: {capability}")
    role = effective_role(user)
    if role is None or capability not in ROLE_CAPABILITIES[role]:
        return False
    if obj is not None and role in (CUSTOMER, APPROVER):
        return _same_organization(user, obj)
    return True


def needs_two_factor_setup(request) -> bool:
    """REQUIRE_STAFF_2FA is on and this staff session is not verified by a TOTP device."""
    user = request.user
    if not is_staff_user(user) or not staff_2fa_required():
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


def check(request, capability: str, obj: Any = None, *, deny: int = 403):
    """Return None when allowed, else the response/exception a view should produce."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, capability, obj):
        if deny == 404:
            raise Http404
        raise PermissionDenied
    if capability != "account.two_factor" and needs_two_factor_setup(request):
        return redirect("accounts:two_factor_setup")
    return None


def require(capability: str, *, deny: int = 403) -> Callable:
    """View decorator: ``@require("portal.access")``."""
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability: {capability}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refused = check(request, capability, deny=deny)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator


class RequireMixin:
    """Class-based views: ``class QueueView(RequireMixin, View): capability = "console.access"``."""

    capability: str = ""
    deny: int = 403

    def dispatch(self, request, *args, **kwargs):
        refused = check(request, self.capability, deny=self.deny)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)


def home_url_for(user: Any) -> str:
    """Where a user lands after logging in: staff on the console, customers on the portal."""
    if is_staff_user(user):
        return "/console/"
    return "/"
