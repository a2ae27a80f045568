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

**Business tables and technical tables.** A business administrator (role "Administrador", not a
Django superuser) works with the tables of ``BUSINESS_MODELS``: plans and targets, calendars and
closed days, organizations, users and training, catalog, teams, security policy, API tokens, and
tickets with their history and conversation (read-only: their own admins say so). Every other
table — task results, idempotency records, pending uploads, e-mail and SLA-alert logs, login
throttles, the search index, OTP devices, permission groups, and any table registered later — is
a superuser's: the site leaves it out of the index and answers 403 on its pages, whatever Django
permissions the user holds. One rule, here: every ModelAdmin registered on this site gets
``BackOfficePolicy`` in front of it (``register``). ``BusinessAdministratorBackend`` (to be listed in
``settings.AUTHENTICATION_BACKENDS``) grants a business administrator the Django permissions of
the business tables, so the role is enough; the superuser-only fields of a user (superuser
status, groups, permissions) stay read-only to him.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, get_permission_codename
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_noop, ngettext_lazy

from servicedesk.accounts.models import Role
from servicedesk.accounts.selectors import second_factor_missing

# The tables of a business administrator (app_label.model_name). Everything else is technical.
BUSINESS_MODELS = frozenset(
    {
        "accounts.organization",
        "accounts.operationaldeadline",
        "accounts.user",
        "accounts.trainingrecord",
        "accounts.team",
        "accounts.securitypolicy",
        "sla.plan",
        "sla.plantarget",
        "sla.businesscalendar",
        "sla.businesswindow",
        "sla.closedday",
        "sla.calendarchange",  # the recomputation of open tickets after a calendar edit, and its progress
        "catalog.product",
        "catalog.module",
        "catalog.release",
        "tickets.ticket",
        "tickets.ticketevent",
        "tickets.comment",
        "tickets.attachment",
        "tickets.reopenrequest",
        "channels.phonecall",
        "channels.videocallinvitation",
        "api.apitoken",  # look at and revoke the tokens of someone who left
        "advisory.priceitem",  # "Serviços e Valores": the back office keeps the price list
        "advisory.proposal",
        "advisory.engagement",
        "advisory.appointment",
        "advisory.timeentry",
        "advisory.activityreport",
        "advisory.billingline",
        "advisory.billingbatch",
        "knowledge.category",  # the knowledge base: articles written and published through its services
        "knowledge.article",
        "knowledge.articleversion",
        "knowledge.articleimage",
        "knowledge.articlefeedback",
        "knowledge.deflection",
        "documents.document",  # product documentation: uploaded through its service, downloads logged
        "documents.documentdownload",
    }
)
# Fields of the user table only a superuser sets (a business administrator would otherwise make
# himself a superuser).
SUPERUSER_ONLY_USER_FIELDS = ("is_superuser", "groups", "user_permissions")
# The index: the business apps first, in this order; the others after them, by name.
APP_ORDER = ("accounts", "sla", "catalog", "tickets", "advisory", "knowledge", "channels", "api")
# Model names no catalogue translates (plain strings of third-party apps).
MODEL_NAMES = {"otp_totp.totpdevice": "Dispositivos TOTP"}

# Django's admin messages put a masculine article before any model name ("O organização cliente
# “Acme” foi adicionado com sucesso"). locale/pt_BR words them so that they agree with every name
# ("Registro adicionado com sucesso: organização cliente “Acme”."); listing their msgids here
# keeps `makemessages` from dropping those entries as obsolete. The last two are the names of
# django-tasks-db's table, which has no pt-BR catalogue.
DJANGO_MESSAGES_WORDED_IN_OUR_CATALOGUE = (
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", "count"
    ),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the following protected related "
        "objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your account doesn't "
        "have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their "
        "related items will be deleted:"
    ),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
)


def is_business_administrator(user) -> bool:
    """Role "Administrador", active, and not a superuser (who sees every table anyway)."""
    return bool(
        user is not None
        and getattr(user, "is_active", False)
        and not getattr(user, "is_superuser", False)
        and getattr(user, "role", None) == Role.ADMIN
    )


def opens_table(user, model) -> bool:
    """Whether the back office shows `model`'s table to `user` at all (Django permissions still apply)."""
    return bool(getattr(user, "is_superuser", False) or model._meta.label_lower in BUSINESS_MODELS)


class BackOfficePolicy:
    """Put in front of every ModelAdmin of the site (ServiceDeskAdminSite.register): a technical
    table has no permission at all for anyone but a superuser — out of the index and of the
    related-object links, and 403 on its list, add, change, delete and history pages."""

    def has_module_permission(self, request):
        return opens_table(request.user, self.model) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return opens_table(request.user, self.model) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return opens_table(request.user, self.model) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return opens_table(request.user, self.model) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return opens_table(request.user, self.model) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.model._meta.label == settings.AUTH_USER_MODEL and not request.user.is_superuser:
            fields += [name for name in SUPERUSER_ONLY_USER_FIELDS if name not in fields]
        return fields


@cache
def business_permissions() -> frozenset[str]:
    """The Django permissions ("app_label.codename") of the business tables."""
    granted = set()
    for label in BUSINESS_MODELS:
        opts = apps.get_model(label)._meta
        for action in opts.default_permissions:
            granted.add(f"{opts.app_label}.{get_permission_codename(action, opts)}")
    return frozenset(granted)


class BusinessAdministratorBackend(BaseBackend):
    """Permissions only (it authenticates nobody): a business administrator holds the Django
    permissions of the business tables, so the role alone opens them in the back office. What
    each table allows is still its ModelAdmin's call (tickets stay read-only)."""

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None or not is_business_administrator(user_obj):
            return set()
        return set(business_permissions())

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))


class ServiceDeskAdminSite(admin.AdminSite):
    site_header = "WeConnect Service Desk — retaguarda"
    site_title = "WeConnect Service Desk"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BackOfficePolicy):
            admin_class = type(
                admin_class.__name__,
                (BackOfficePolicy, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                model["name"] = MODEL_NAMES.get(model["model"]._meta.label_lower, model["name"])
        position = {label: index for index, label in enumerate(APP_ORDER)}
        return sorted(app_list, key=lambda app: (position.get(app["app_label"], len(position)), app["name"].lower()))

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
