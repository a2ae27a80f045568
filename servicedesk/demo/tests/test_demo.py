"""`make run` loads the demo data with `seed_demo`: idempotent (issue 2)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db

DEMO_APPS = {"accounts", "catalog", "sla", "tickets"}


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.app_label in DEMO_APPS
    }


def test_seed_demo_prints_the_logins_and_running_it_twice_changes_nothing():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    assert first["tickets.Ticket"] > 0 and first["accounts.Organization"] == 2
    for login in (
        "joana.acme",
        "pedro.acme",
        "lucia.acme",
        "rafael.horizonte",
        "ana.analista",
        "carla.analista",
        "gabriela.gestora",
        "admin",
    ):
        assert login in out.getvalue()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first


def test_demo_people_cover_every_role_and_both_plans():
    from servicedesk.accounts.models import Role, User
    from servicedesk.accounts.selectors import user_is_trained
    from servicedesk.core import clock

    call_command("seed_demo", stdout=io.StringIO())
    assert set(User.objects.values_list("role", flat=True)) >= {
        Role.CUSTOMER,
        Role.ANALYST,
        Role.MAINTENANCE,
        Role.COMMERCIAL,
        Role.MANAGER,
        Role.ADMIN,
    }
    assert set(User.objects.exclude(organization=None).values_list("organization__plan__code", flat=True)) == {
        "STARTER",
        "PREMIUM",
    }
    today = clock.now().date()
    customers = User.objects.filter(role=Role.CUSTOMER)
    assert any(user_is_trained(u, on=today) for u in customers)
    assert any(not user_is_trained(u, on=today) for u in customers)
    assert customers.filter(is_approver=True).count() == 2
    assert User.objects.filter(role=Role.ANALYST).values("teams").distinct().count() == 2
