"""A new password revokes every API token of the user.

``RevokeTokensOnPasswordChange`` is an ``AUTH_PASSWORD_VALIDATORS`` entry that checks nothing:
Django calls ``password_changed`` after every saved ``set_password`` — the reset link, the
password change page, the admin, ``manage.py changepassword`` — so no path is forgotten, and the
accounts app (a domain app) never imports the API. A password rehash at login does not call it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from servicedesk.api.models import ApiToken
from servicedesk.api.services import api_token_revoke
from servicedesk.core import clock
from servicedesk.core.errors import DomainError


class RevokeTokensOnPasswordChange:
    def validate(self, password, user=None) -> None:
        return None

    def get_help_text(self) -> str:
        return str(_("Ao definir a nova senha, todos os seus tokens de acesso à API são revogados."))

    def password_changed(self, password, user=None) -> None:
        if user is None or user.pk is None:
            return
        now = clock.now()
        for token_id in ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("pk", flat=True):
            try:
                api_token_revoke(user=user, token_id=token_id, now=now)
            except DomainError:  # revoked meanwhile by another request: the goal is reached
                continue
