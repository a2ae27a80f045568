"""Writes on accounts and organizations: two-factor devices, remote-access authorization,
operational schedule, invitations of colleagues, the login identifier. Keyword-only, actor
explicit, pt-BR errors."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicedesk.accounts.models import OperationalDeadline, Organization, Role, User
from servicedesk.core import ratelimit
from servicedesk.core.errors import DomainError, NotAllowed, NotFound, TooManyRequests

logger = logging.getLogger(__name__)

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
INVITATION_EMAIL_INVALID = _("Informe um e-mail válido.")
INVITATION_NAME_REQUIRED = _("Informe o nome da pessoa.")
# One message for every address that cannot be invited here (a user of another organization, a
# WeConnect address, a deactivated account, an address several accounts share): the approver
# never learns that, or where, the address exists.
INVITATION_REFUSED = _(
    "Não foi possível convidar este endereço. Confira o e-mail; se ele estiver certo, fale com o suporte WeConnect."
)
INVITATION_TOO_MANY = _("Muitos convites em pouco tempo. Nada foi enviado: tente de novo daqui a uma hora.")
INVITATION_NOT_SENT = _("O e-mail do convite não pôde ser enviado agora. Tente de novo em alguns minutos.")
INVITATION_BACK_OFFICE_ONLY = _("Apenas a retaguarda da WeConnect envia convites a qualquer usuário.")
INVITATION_NO_EMAIL = _("Usuário sem e-mail cadastrado: informe o e-mail antes de enviar o convite.")
INVITATION_INACTIVE = _("Usuário inativo: reative-o antes de enviar o convite.")
INVITATION_EMAIL_SHARED = _(
    "Outro usuário tem o mesmo e-mail, e o login por e-mail recusa endereços repetidos: corrija um dos cadastros."
)
COLLEAGUE_NOT_FOUND = _("Colega não encontrado na sua organização.")
# Invitations (new and sent again) one approver may send per hour; each e-mails a link.
INVITATIONS_PER_HOUR_DEFAULT = 20


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


# --------------------------------------------------------------------------- login identifier


def login_username_for(identifier: str) -> str | None:
    """The username that a login identifier stands for (the login form, domain: "login with
    username or e-mail").

    Without "@" it is a username, returned as typed. With "@" it names the one *active* account
    whose username is exactly it or whose e-mail is it (case-insensitive). None when no account
    or more than one does: two users never share an e-mail at login, and the login refuses both
    cases exactly like a wrong password."""
    identifier = identifier.strip()
    if "@" not in identifier:
        return identifier
    usernames = set(
        User.objects.filter(Q(username=identifier) | Q(email__iexact=identifier), is_active=True).values_list(
            "username", flat=True
        )[:2]
    )
    return usernames.pop() if len(usernames) == 1 else None


# --------------------------------------------------------------------------- invitations


@dataclass(frozen=True)
class Invitation:
    user: User
    created: bool  # False: an existing colleague, to whom the link was sent again


def _normalized_email(email: str) -> str:
    return User.objects.normalize_email(email.strip())


def _is_colleague(user: User, organization: Organization) -> bool:
    return user.is_active and user.role == Role.CUSTOMER and user.organization_id == organization.pk


def _username_for(email: str, organization: Organization) -> str:
    """The username "pedro.alves.acme" for pedro.alves@acme.example at Acme: the demo's pattern, ASCII only,
    unique (a number is appended when taken). Never an e-mail address, so that it cannot collide
    with another account's e-mail at login."""
    local = unicodedata.normalize("NFKD", email.split("@", 1)[0]).encode("ascii", "ignore").decode().casefold()
    local = re.sub(r"[^a-z0-9_-]+", ".", local).strip(".") or "usuario"
    base = f"{local}.{organization.slug}"[:140]
    candidate, number = base, 2
    while User.objects.filter(username__iexact=candidate).exists():
        candidate, number = f"{base}{number}", number + 1
    return candidate


def invitation_link(*, user: User, site_url: str) -> str:
    """The set-password link of an invitation: Django's password-reset token (valid for
    PASSWORD_RESET_TIMEOUT, single use: it is bound to the password it replaces)."""
    path = reverse(
        "accounts:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return site_url.rstrip("/") + path


def _limit_account_emails(user: User) -> None:
    """Invitations and password resets share one budget per account (docs/security.md §5)."""
    if ratelimit.hit(
        f"password-reset:user:{user.pk}",
        limit=settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT,
        window=settings.PASSWORD_RESET_LIMIT_WINDOW,
    ):
        raise TooManyRequests(INVITATION_TOO_MANY, retry_after=settings.PASSWORD_RESET_LIMIT_WINDOW)


def _send_invitation(*, user: User, invited_by: User, site_url: str) -> None:
    """The invitation e-mail (pt-BR whatever the sender's language; HTML and text)."""
    context = {
        "user": user,
        "invited_by": invited_by,
        "by_colleague": invited_by.role == Role.CUSTOMER,
        "organization": user.organization,
        "link": invitation_link(user=user, site_url=site_url),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "site_url": site_url.rstrip("/"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("registration/invitation_subject.txt", context).split())
        text = render_to_string("registration/invitation_email.txt", context)
        html = render_to_string("registration/invitation_email.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()  # an outbox row, in the caller's transaction (outbox/backend.py)
    except OSError as exc:  # a direct SMTP backend's errors are OSErrors: the caller's transaction is undone
        logger.exception("invitation e-mail to user %s not sent", user.pk)
        raise DomainError(INVITATION_NOT_SENT) from exc


def colleague_invite(*, actor: User, email: str, name: str, site_url: str) -> Invitation:
    """An approver invites a colleague by e-mail (capability `org.manage`, own organization only).

    A new address becomes a customer user of the approver's organization, not an approver,
    without a usable password: the e-mail carries a set-password link, and until the person
    follows it nobody can log in as them. The address of an existing colleague gets the link
    again. Any other existing address is refused with INVITATION_REFUSED, the one message that
    says nothing of where it exists; a refusal, or an e-mail that cannot be written, creates and
    sends nothing."""
    organization = actor.organization
    _require_approver(actor, organization)
    email = _normalized_email(email)
    name = " ".join(name.split())
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(INVITATION_EMAIL_INVALID, field="email")
    limit = getattr(settings, "PORTAL_INVITATIONS_PER_HOUR", INVITATIONS_PER_HOUR_DEFAULT)
    if ratelimit.hit(f"invitation:actor:{actor.pk}", limit=limit, window=3600):
        raise TooManyRequests(INVITATION_TOO_MANY, retry_after=3600)
    with transaction.atomic():
        # One invitation at a time per organization: the same address is never created twice.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        matches = list(User.objects.filter(email__iexact=email)[:2])
        if len(matches) > 1 or (matches and not _is_colleague(matches[0], organization)):
            raise DomainError(INVITATION_REFUSED, field="email")
        if matches:
            user, created = matches[0], False
        else:
            if not name:
                raise DomainError(INVITATION_NAME_REQUIRED, field="name")
            first_name, _space, last_name = name.partition(" ")
            user = User(
                username=_username_for(email, organization),
                email=email,
                first_name=first_name[:150],
                last_name=last_name[:150],
                role=Role.CUSTOMER,
                organization=organization,
                is_approver=False,
            )
            user.set_unusable_password()
            user.save()
            created = True
        # The e-mail is an outbox row of this transaction: an account is never created without
        # its invitation, nor an invitation sent for an account that was undone.
        _limit_account_emails(user)
        _send_invitation(user=user, invited_by=actor, site_url=site_url)
    return Invitation(user=user, created=created)


def user_invitation_send(*, user: User, actor: User, site_url: str) -> None:
    """The back office sends a user the invitation's set-password link (admin action "Enviar
    convite (definir senha)"): nobody has to invent or hand over a password. The user's current
    password, if any, keeps working until a new one is chosen."""
    if not (actor.is_active and (actor.is_superuser or actor.has_perm("accounts.change_user"))):
        raise NotAllowed(INVITATION_BACK_OFFICE_ONLY)
    if not user.is_active:
        raise DomainError(INVITATION_INACTIVE)
    if not user.email:
        raise DomainError(INVITATION_NO_EMAIL)
    if User.objects.filter(email__iexact=user.email).exclude(pk=user.pk).exists():
        raise DomainError(INVITATION_EMAIL_SHARED)
    _limit_account_emails(user)
    _send_invitation(user=user, invited_by=actor, site_url=site_url)


# --------------------------------------------------------------------------- colleagues


def access_colleague(actor: User, colleague_id: int) -> User:
    """An active user of the approver's own organization (the approver included), for what an
    approver does for a colleague (a training request); anything else is "not found"."""
    _require_approver(actor, actor.organization)
    colleague = (
        User.objects.filter(pk=colleague_id, organization_id=actor.organization_id, role=Role.CUSTOMER, is_active=True)
        .select_related("organization")
        .first()
    )
    if colleague is None:
        raise NotFound(COLLEAGUE_NOT_FOUND, field="colleague")
    return colleague


def training_on_behalf_description(*, actor: User, colleague: User, notes: str) -> str:
    """The description of a training request an approver opens for a colleague: who is to be
    trained and who asked, for the training team (stored text: pt-BR, not translated).

    Decision: the request's *requester is the colleague*, not the approver. The training is
    his: the training team schedules it with the requester, the console shows him as such and
    the training record will be his; domain.md §3 lets an untrained user act only on the
    training requests he opened, so as requester he can answer the team (availability, doubts)
    and confirm, while the approver still sees and may act on every ticket of the organization;
    and the people told about the ticket are the requester's. Who asked is the actor of the
    opening in the history (`ticket_training_request(opened_by=…)`) and, for the training team,
    the description's first lines."""
    trainee = colleague.get_full_name() or colleague.username
    lines = [f"Treinamento para: {trainee} ({colleague.email or colleague.username})."]
    if actor.pk != colleague.pk:
        lines.append(f"Solicitado por {actor.get_full_name() or actor.username}, aprovador(a) da organização.")
    lines.append("")
    lines.append(notes.strip() or "Solicito treinamento para poder abrir chamados de suporte.")
    return "\n".join(lines)
