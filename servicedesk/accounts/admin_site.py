"""The back office (``/admin/``) behind our own login: password, then the TOTP code.

Django's admin has its own login form, which takes the password alone. Here the admin's login
view sends every visitor to ``/conta/entrar/`` (with ``next``), and the admin opens only for a
session verified by a TOTP device when the user has one or when 2FA is required for staff
(``accounts.selectors.second_factor_missing``). We do not use django-otp's ``OTPAdminSite``: its
login form is a second login page (asking for the code beside the password, outside the login
guard and our Portuguese messages), and it demands a verified device of *every* admin user,
whatever ``REQUIRE_STAFF_2FA`` says.

``ServiceDeskAdminConfig`` (accounts/admin_apps.py, in INSTALLED_APPS instead of
``django.contrib.admin``) makes this site the default ``admin.site``, so every ``@admin.register``
(ours, django-otp's) lands on it.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from servicedesk.accounts.selectors import second_factor_missing


class ServiceDeskAdminSite(admin.AdminSite):
    site_header = "WeConnect Service Desk — retaguarda"
    site_title = "WeConnect Service Desk"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not second_factor_missing(request)

    def login(self, request, extra_context=None):
        """Never a login form here: our login (password, then the code) or the 2FA enrolment."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        user = request.user
        if user.is_authenticated:
            if not (user.is_active and user.is_staff):
                raise PermissionDenied  # signed in, but not a back-office user: no login loop
            if self.has_permission(request):
                return redirect(next_url)
            from servicedesk.accounts.services import two_factor_confirmed_device

            if two_factor_confirmed_device(user=user) is None:
                return redirect("accounts:two_factor_setup")  # 2FA required, no device yet
        return redirect_to_login(next_url, login_url=reverse("accounts:login"))
