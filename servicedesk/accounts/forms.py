"""Account forms: login with username or e-mail (guarded, never reveals whether a user or an
address exists), TOTP token, 2FA removal, password reset (rate-limited e-mails, also for invited
colleagues who have not chosen a password yet)."""

import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from servicedesk.accounts import login_guard
from servicedesk.accounts.services import login_username_for
from servicedesk.core import clock, ratelimit

LOGIN_MAX_LENGTH = 254  # an e-mail address (RFC 5321); usernames have at most 150

LOGIN_REFUSED = _(
    "Não foi possível entrar: usuário ou senha incorretos, ou acesso bloqueado temporariamente "
    "após muitas tentativas. Confira os dados e tente de novo em alguns minutos, ou redefina sua senha."
)
TOKEN_INVALID = _("Código inválido ou expirado. Confira o relógio do celular e digite o código atual.")
PASSWORD_WRONG = _("Senha incorreta.")


class LoginForm(AuthenticationForm):
    """Username or e-mail, and the password, checked only after the login guard reserved the
    attempt (login_guard.py).

    An e-mail address is first turned into the username of its one active account
    (`accounts.services.login_username_for`), so it counts against the same guard counters as
    the username. An unknown address, or one that several accounts share, is refused exactly like
    a wrong password: the same message, a password hash computed all the same (the timing of a
    wrong password), and one failure counted on the address as typed.

    Every refusal — wrong password, unknown user or e-mail, inactive or locked account — shows
    the same message, so the page never tells whether a username or an address exists.
    """

    error_messages = {"invalid_login": LOGIN_REFUSED, "inactive": LOGIN_REFUSED}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("Usuário ou e-mail")
        username.max_length = LOGIN_MAX_LENGTH
        username.widget.attrs.update(
            {"autocomplete": "username", "autofocus": True, "maxlength": LOGIN_MAX_LENGTH, "autocapitalize": "none"}
        )
        self.fields["password"].label = _("Senha")

    def clean(self):
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier is None or not password:
            return self.cleaned_data
        username = login_username_for(identifier)
        reservation = login_guard.reserve(
            username=username if username is not None else identifier,
            address=ratelimit.client_ip(self.request),
            now=clock.now(),
        )
        if reservation is None:  # locked: refused before the password is looked at
            raise self.get_invalid_login_error()
        if username is None:
            # No account, or several, has this address: hash the password as a wrong one would be
            # (ModelBackend does the same for an unknown username), then refuse.
            get_user_model()().set_password(password)
            raise self.get_invalid_login_error()  # the reservation stays: one failure
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
        for user in self._users_with_email(email):
            if not ratelimit.hit(
                f"password-reset:user:{user.pk}", limit=settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT, window=window
            ):
                yield user

    @staticmethod
    def _users_with_email(email):
        """Django's choice (active users with this e-mail), also for users without a usable
        password: here those are invited colleagues who have not chosen one yet
        (accounts.services.colleague_invite), and an expired invitation must not be a dead end.
        The link goes to the account's own address, as the invitation did."""
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        wanted = unicodedata.normalize("NFKC", email).casefold()
        return [user for user in users if unicodedata.normalize("NFKC", user.email).casefold() == wanted]


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
