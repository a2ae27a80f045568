"""Login (password, then a TOTP code for users with a device), logout, two-factor enrolment."""

from __future__ import annotations

import time
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from servicedesk.accounts import services
from servicedesk.accounts.forms import (
    TOKEN_INVALID,
    GuardedPasswordChangeForm,
    LoginForm,
    RateLimitedPasswordResetForm,
    TokenForm,
    TwoFactorDisableForm,
)
from servicedesk.accounts.permissions import home_url_for, is_staff_user, require
from servicedesk.accounts.selectors import second_factor_missing, staff_2fa_required
from servicedesk.core import ratelimit
from servicedesk.core.errors import DomainError

PENDING_KEY = "accounts_2fa_pending"
INVITED_USERNAME_KEY = "accounts_invited_username"  # fills the login form after the invitation
PENDING_MAX_AGE = 300  # seconds between the password step and the code step


def _after_login_url(request, user, next_url: str = "") -> str:
    needs_device = is_staff_user(user) and staff_2fa_required()
    if needs_device and services.two_factor_confirmed_device(user=user) is None:
        return reverse("accounts:two_factor_setup")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return home_url_for(user)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        # A session opened with the password alone, by someone who must show a code (the admin
        # sends them here), gets the form again instead of a redirect back where they came from.
        self.redirect_authenticated_user = not second_factor_missing(request)
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return home_url_for(self.request.user)

    def get_initial(self):
        # Straight after choosing the password of an invitation: the username is filled in.
        username = self.request.session.pop(INVITED_USERNAME_KEY, "") if self.request.method == "GET" else ""
        return {**super().get_initial(), **({"username": username} if username else {})}

    def form_valid(self, form):
        user = form.get_user()
        next_url = self.get_redirect_url()
        device = services.two_factor_confirmed_device(user=user)
        if device is not None:
            # Password accepted; the session is not logged in until the code is verified.
            self.request.session[PENDING_KEY] = {
                "user_id": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": next_url,
            }
            return HttpResponseRedirect(reverse("accounts:login_verify"))
        auth_login(self.request, user)
        return HttpResponseRedirect(_after_login_url(self.request, user, next_url))


@never_cache
@csrf_protect
def login_verify(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_MAX_AGE:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Entre novamente com seu usuário e senha."))
        return redirect("accounts:login")
    user = get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()
    device = services.two_factor_confirmed_device(user=user) if user else None
    if device is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            request.session.pop(PENDING_KEY, None)
            user.backend = pending["backend"]
            user.otp_device = device  # django-otp marks the session verified on login
            auth_login(request, user, backend=pending["backend"])
            request.session[BACKEND_SESSION_KEY] = pending["backend"]
            return HttpResponseRedirect(_after_login_url(request, user, pending.get("next", "")))
        form.add_error("token", TOKEN_INVALID)
    return render(request, "accounts/login_verify.html", {"form": form})


class LogoutView(auth_views.LogoutView):
    next_page = "accounts:login"


class PasswordChangeView(auth_views.PasswordChangeView):
    """The current password is checked behind the login guard. Saving the new one revokes the
    user's API tokens and lifts login locks (the password_changed hooks in AUTH_PASSWORD_VALIDATORS)."""

    form_class = GuardedPasswordChangeForm
    template_name = "accounts/password_change.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetView(auth_views.PasswordResetView):
    """At most a few e-mails per account and per address; the page looks the same either way."""

    form_class = RateLimitedPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        form.client_address = ratelimit.client_ip(self.request)
        return super().form_valid(form)


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The link of an invitation (accounts.services.colleague_invite, the admin action): the
    person chooses the password, then logs in on the login page, username filled in — the
    browser offers to remember the new password there. Django's reset token: single use,
    PASSWORD_RESET_TIMEOUT; the saved password lifts login locks (ClearOnPasswordChange)."""

    template_name = "registration/invitation_accept.html"
    success_url = reverse_lazy("accounts:login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[INVITED_USERNAME_KEY] = form.user.get_username()
        messages.success(
            self.request, _("Senha definida. Entre com o seu usuário ou e-mail e a senha que você acabou de escolher.")
        )
        return response


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@never_cache
@require("account.two_factor")
def two_factor_setup(request):
    confirmed = services.two_factor_confirmed_device(user=request.user)
    if confirmed is not None and request.method == "GET":
        context = {"confirmed": confirmed, "disable_form": TwoFactorDisableForm(request=request, device=confirmed)}
        return render(request, "accounts/two_factor_setup.html", context)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_device_confirm(user=request.user, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            from django_otp import login as otp_login

            otp_login(request, device)
            messages.success(request, _("Verificação em duas etapas ativada. Ela será pedida a cada login."))
            return redirect(home_url_for(request.user))
    device = services.two_factor_device_pending(user=request.user)
    from base64 import b32encode

    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": b32encode(device.bin_key).decode(),
        "required": staff_2fa_required(),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@require_POST
@require("account.two_factor")
def two_factor_disable(request):
    """Needs the current password and a current code: a borrowed session cannot drop the factor."""
    if staff_2fa_required():
        messages.error(
            request, _("A verificação em duas etapas é obrigatória para a equipe e não pode ser desativada.")
        )
        return redirect("accounts:two_factor_setup")
    device = services.two_factor_confirmed_device(user=request.user)
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = TwoFactorDisableForm(request.POST, request=request, device=device)
    if not form.is_valid():
        context = {"confirmed": device, "disable_form": form}
        return render(request, "accounts/two_factor_setup.html", context, status=422)
    services.two_factor_device_remove(user=request.user)
    messages.success(request, _("Verificação em duas etapas desativada."))
    return redirect("accounts:two_factor_setup")
