"""Writes on accounts and organizations: two-factor devices, remote-access authorization,
operational schedule, training requests. Keyword-only, actor explicit, pt-BR errors."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicedesk.accounts.models import OperationalDeadline, Organization, User
from servicedesk.core.errors import DomainError, NotAllowed, NotFound

APPROVERS_ONLY = _("Apenas aprovadores da organização podem alterar estes dados.")
STAFF_ONLY_2FA = _("A verificação em duas etapas é configurada pela equipe WeConnect.")
TOKEN_INVALID = _("Código inválido ou expirado. Confira o relógio do celular e digite o código atual.")
DEADLINE_DAY_INVALID = _("Informe um dia do mês entre 1 e 31.")
DEADLINE_PROCESS_REQUIRED = _("Informe o nome do processo.")
DEADLINE_NOT_FOUND = _("Prazo não encontrado.")
REMOTE_ACCESS_WHO_REQUIRED = _("Informe quem autorizou o acesso remoto.")
REMOTE_ACCESS_UNTIL_PAST = _("A data final da autorização não pode estar no passado.")
SECURITY_POLICY_ADMINS_ONLY = _("Apenas administradores alteram a política de segurança.")
DEVICE_NAME = "Aplicativo autenticador"


def _require_approver(actor: User, organization: Organization) -> None:
    from servicedesk.accounts.permissions import can

    if not can(actor, "org.manage", organization):
        raise NotAllowed(APPROVERS_ONLY)


# --------------------------------------------------------------------------- two-factor


def two_factor_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device the user is enrolling (created on first call)."""
    from servicedesk.accounts.permissions import can

    if not can(user, "account.two_factor"):
        raise NotAllowed(STAFF_ONLY_2FA)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def two_factor_device_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm enrolment with a current code; the device then guards every login."""
    device = two_factor_device_pending(user=user)
    if not device.verify_token(token):
        raise DomainError(TOKEN_INVALID, field="token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


def two_factor_device_remove(*, user: User) -> int:
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def two_factor_confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# --------------------------------------------------------------------------- organization


@transaction.atomic
def organization_remote_access_update(
    *,
    organization: Organization,
    actor: User,
    authorized: bool,
    includes_sql: bool,
    authorized_by: str,
    until: date | None,
    notes: str,
    today: date,
) -> Organization:
    """Record the remote-access authorization (domain.md §4). No credential is ever stored."""
    _require_approver(actor, organization)
    errors = {}
    if authorized and not authorized_by.strip():
        errors["authorized_by"] = REMOTE_ACCESS_WHO_REQUIRED
    if authorized and until is not None and until < today:
        errors["until"] = REMOTE_ACCESS_UNTIL_PAST
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    org.remote_access_authorized = authorized
    org.remote_access_sql = authorized and includes_sql
    org.remote_access_authorized_by = authorized_by.strip() if authorized else ""
    org.remote_access_until = until if authorized else None
    org.remote_access_notes = notes.strip()
    org.save(
        update_fields=[
            "remote_access_authorized",
            "remote_access_sql",
            "remote_access_authorized_by",
            "remote_access_until",
            "remote_access_notes",
            "updated_at",
        ]
    )
    return org


def operational_deadline_add(
    *, organization: Organization, actor: User, process: str, day_of_month: int | None, notes: str = ""
) -> OperationalDeadline:
    """Add an HR process deadline to the organization's operational schedule (domain.md §9)."""
    _require_approver(actor, organization)
    errors = {}
    if not process.strip():
        errors["process"] = DEADLINE_PROCESS_REQUIRED
    if day_of_month is None or not 1 <= day_of_month <= 31:
        errors["day_of_month"] = DEADLINE_DAY_INVALID
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)
    return OperationalDeadline.objects.create(
        organization=organization, process=process.strip(), day_of_month=day_of_month, notes=notes.strip()
    )


def operational_deadline_remove(*, organization: Organization, actor: User, deadline_id: int) -> None:
    _require_approver(actor, organization)
    deleted, _ = OperationalDeadline.objects.filter(organization=organization, pk=deadline_id).delete()
    if not deleted:
        raise NotFound(DEADLINE_NOT_FOUND)


def security_policy_update(*, actor, require_staff_2fa: bool) -> None:
    """Administrators switch the staff two-factor requirement on or off (effective at once)."""
    from django.core.cache import cache

    from servicedesk.accounts.models import Role, SecurityPolicy
    from servicedesk.accounts.selectors import SECURITY_POLICY_CACHE_KEY
    from servicedesk.core.errors import NotAllowed

    if not (actor.is_superuser or actor.role == Role.ADMIN):
        raise NotAllowed(SECURITY_POLICY_ADMINS_ONLY)
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"require_staff_2fa": require_staff_2fa})
    cache.delete(SECURITY_POLICY_CACHE_KEY)
