"""Account forms: login (axes-aware, never reveals whether a user exists), TOTP token."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

LOGIN_REFUSED = _(
    "Não foi possível entrar: usuário ou senha incorretos, ou acesso bloqueado temporariamente "
    "após muitas tentativas. Confira os dados e tente de novo em alguns minutos, ou redefina sua senha."
)
TOKEN_INVALID = _("Código inválido ou expirado. Confira o relógio do celular e digite o código atual.")


class LoginForm(AuthenticationForm):
    """Django's form calls ``authenticate(self.request, ...)``, so django-axes sees the request.

    Every refusal — wrong password, unknown user, inactive or locked account — shows the same
    message, so the page never tells whether a username exists.
    """

    error_messages = {"invalid_login": LOGIN_REFUSED, "inactive": LOGIN_REFUSED}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Usuário")
        self.fields["password"].label = _("Senha")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

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
