"""Business tables and technical tables in the back office (accounts/admin_site.py).

A business administrator (role "Administrador", staff, not a superuser) sees plans, calendars,
organizations, users, training, catalog, teams, security policy and the tickets (read-only); the
technical tables are a superuser's only — out of the index and 403 on their pages, whatever
Django permissions the user holds.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.forms import MultiWidget
from django.test import Client

from servicedesk.accounts.admin_site import BUSINESS_MODELS, BusinessAdministratorBackend
from servicedesk.accounts.models import Role, User

pytestmark = pytest.mark.django_db

BACKENDS = ["django.contrib.auth.backends.ModelBackend", "servicedesk.accounts.admin_site.BusinessAdministratorBackend"]
TECHNICAL = [
    "django_tasks_database.dbtaskresult",
    "api.idempotencyrecord",
    "api.pendingupload",
    "tickets.notificationlog",
    "tickets.slaalert",
    "tickets.ticketsearch",
    "knowledge.articlesearch",
    "accounts.loginthrottle",
    "otp_totp.totpdevice",
    "auth.group",
]
BUSINESS_SEEN = [
    "sla.plan",
    "sla.businesscalendar",
    "sla.closedday",
    "accounts.organization",
    "accounts.user",
    "accounts.trainingrecord",
    "catalog.product",
    "catalog.release",
    "accounts.team",
    "accounts.securitypolicy",
    "tickets.ticket",
    "sla.calendarchange",
]


def url(label: str, page: str = "") -> str:
    app_label, model_name = label.split(".")
    return f"/admin/{app_label}/{model_name}/{page}"


def index_tables(client: Client) -> set[str]:
    response = client.get("/admin/")
    assert response.status_code == 200
    return {
        f"{app['app_label']}.{model['object_name'].lower()}"
        for app in response.context["app_list"]
        for model in app["models"]
    }


def form_data(form) -> dict:
    """What the browser would post back for an unchanged form."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = field.widget.widgets[index].format_value(part)
        else:
            data[name] = value
    return data


@pytest.fixture
def business_admin(db) -> User:
    return User.objects.create_user(
        username="beatriz.admin", password="not-used", role=Role.ADMIN, is_staff=True, email="beatriz@example.com"
    )


@pytest.fixture
def as_business_admin(business_admin, settings) -> Client:
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    client = Client()
    client.force_login(business_admin)
    return client


def test_every_business_table_is_in_the_back_office():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered >= BUSINESS_MODELS
    assert set(TECHNICAL) <= registered
    assert not BUSINESS_MODELS & set(TECHNICAL)


def test_a_business_administrator_sees_the_business_tables_only(as_business_admin, demo):
    tables = index_tables(as_business_admin)
    assert set(BUSINESS_SEEN) <= tables
    assert tables <= BUSINESS_MODELS
    for label in BUSINESS_SEEN:
        assert as_business_admin.get(url(label)).status_code == 200, label


def test_a_business_administrator_gets_403_on_every_technical_page(as_business_admin, demo):
    for label in TECHNICAL:
        model = apps.get_model(label)
        for page in ("", "add/"):
            assert as_business_admin.get(url(label, page)).status_code == 403, (label, page)
        row = model._default_manager.first()
        if row is not None:
            assert as_business_admin.get(url(label, f"{row.pk}/change/")).status_code == 403, label
            assert as_business_admin.get(url(label, f"{row.pk}/delete/")).status_code == 403, label
    # Their app pages do not exist for him (an app with no table of his).
    assert as_business_admin.get("/admin/django_tasks_database/").status_code == 404
    assert as_business_admin.get("/admin/otp_totp/").status_code == 404


def test_django_permissions_do_not_open_a_technical_table(business_admin, demo):
    """Even holding every Django permission (no role backend needed), the technical tables stay shut."""
    business_admin.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(business_admin)
    tables = index_tables(client)
    assert set(BUSINESS_SEEN) <= tables
    assert not tables & set(TECHNICAL)
    for label in TECHNICAL:
        assert client.get(url(label)).status_code == 403, label


def test_a_superuser_sees_and_opens_the_technical_tables(admin_client, demo):
    tables = index_tables(admin_client)
    assert set(TECHNICAL) <= tables
    for label in TECHNICAL:
        assert admin_client.get(url(label)).status_code == 200, label


def test_tickets_stay_read_only_for_the_business_administrator(as_business_admin, demo):
    from servicedesk.tickets.models import Ticket

    ticket = Ticket.objects.first()
    response = as_business_admin.get(url("tickets.ticket", f"{ticket.pk}/change/"))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert as_business_admin.get(url("tickets.ticket", "add/")).status_code == 403


def test_the_business_administrator_cannot_make_anyone_a_superuser(as_business_admin, business_admin, demo):
    target = demo["ana.analista"]
    page = as_business_admin.get(url("accounts.user", f"{target.pk}/change/"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="role"' in body  # he manages people…
    assert 'name="is_superuser"' not in body and 'name="user_permissions"' not in body  # …not superusers
    assert as_business_admin.get(url("accounts.user", "add/")).status_code == 200
    data = {**form_data(page.context["adminform"].form), "is_superuser": "on", "_save": "Salvar"}
    data.update({"trainings-TOTAL_FORMS": "0", "trainings-INITIAL_FORMS": "0"})
    response = as_business_admin.post(url("accounts.user", f"{target.pk}/change/"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert not target.is_superuser


def test_the_role_grants_nothing_outside_the_business_tables(business_admin):
    backend = BusinessAdministratorBackend()
    assert backend.has_perm(business_admin, "catalog.add_product")
    assert backend.has_perm(business_admin, "accounts.change_user")
    assert not backend.has_perm(business_admin, "api.view_idempotencyrecord")
    assert not backend.has_perm(business_admin, "auth.change_group")
    assert not backend.has_module_perms(business_admin, "django_tasks_database")
    business_admin.role = Role.MANAGER
    assert not backend.has_perm(business_admin, "catalog.add_product")
    business_admin.role, business_admin.is_active = Role.ADMIN, False
    assert not backend.has_perm(business_admin, "catalog.add_product")
