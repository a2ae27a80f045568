"""Account forms: login (guarded, never reveals whether a user exists), TOTP token, 2FA removal,
password reset (rate-limited e-mails)."""

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from servicedesk.accounts import login_guard
from servicedesk.core import clock, ratelimit

LOGIN_REFUSED = _(
    "Não foi possível entrar: usuário ou senha incorretos, ou acesso bloqueado temporariamente "
    "após muitas tentativas. Confira os dados e tente de novo em alguns minutos, ou redefina sua senha."
)
TOKEN_INVALID = _("Código inválido ou expirado. Confira o relógio do celular e digite o código atual.")
PASSWORD_WRONG = _("Senha incorreta.")


class LoginForm(AuthenticationForm):
    """The password is checked only after the login guard reserved the attempt (login_guard.py).

    Every refusal — wrong password, unknown user, inactive or locked account — shows the same
    message, so the page never tells whether a username exists.
    """

    error_messages = {"invalid_login": LOGIN_REFUSED, "inactive": LOGIN_REFUSED}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Usuário")
        self.fields["password"].label = _("Senha")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        reservation = login_guard.reserve(username=username, address=ratelimit.client_ip(self.request), now=clock.now())
        if reservation is None:  # locked: refused before the password is looked at
            raise self.get_invalid_login_error()
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            raise self.get_invalid_login_error()  # the reservation stays: one failure
        self.confirm_login_allowed(self.user_cache)
        login_guard.release(reservation)
        return self.cleaned_data

    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise forms.ValidationError(LOGIN_REFUSED, code="invalid_login")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Código de 6 dígitos"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "autofocus": True}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


def password_check_guarded(*, user, password: str, request) -> bool:
    """`user.check_password` behind the login guard: a stolen session cannot guess the password
    on the pages that ask for it again (2FA removal, password change)."""
    reservation = login_guard.reserve(
        username=user.get_username(), address=ratelimit.client_ip(request), now=clock.now()
    )
    if reservation is None or not user.check_password(password):
        return False
    login_guard.release(reservation)
    return True


class TwoFactorDisableForm(TokenForm):
    """Turning the second factor off asks for the password and a current code again."""

    password = forms.CharField(
        label=_("Senha atual"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["password", "token"]

    def __init__(self, *args, request, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.device = device
        self.fields["token"].widget.attrs.pop("autofocus", None)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password_check_guarded(user=self.request.user, password=password, request=self.request):
            raise forms.ValidationError(PASSWORD_WRONG, code="password_incorrect")
        return password

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("token")
        # The code is checked only with the right password: a wrong password spends no code attempt.
        if token and "password" not in self.errors and not self.device.verify_token(token):
            self.add_error("token", TOKEN_INVALID)
        return cleaned


class RateLimitedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most PASSWORD_RESET_LIMIT_PER_ACCOUNT e-mails per account
    and PASSWORD_RESET_LIMIT_PER_ADDRESS requests per client address in PASSWORD_RESET_LIMIT_WINDOW.

    Over a limit the page shows the same "if the address exists, we sent an e-mail" result: it
    never tells whether an account exists, and no more e-mails go out.
    """

    client_address = ""

    def get_users(self, email):
        window = settings.PASSWORD_RESET_LIMIT_WINDOW
        if ratelimit.hit(
            f"password-reset:address:{self.client_address}",
            limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            window=window,
        ):
            return
        for user in super().get_users(email):
            if not ratelimit.hit(
                f"password-reset:user:{user.pk}", limit=settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT, window=window
            ):
                yield user


class GuardedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the current password checked behind the login guard."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not password_check_guarded(user=self.user, password=old_password, request=self.request):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
