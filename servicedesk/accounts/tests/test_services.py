"""Organization writes by approvers: remote access, operational schedule, training requests."""

from datetime import date

import pytest

from servicedesk.accounts import services
from servicedesk.accounts.models import OperationalDeadline
from servicedesk.core.errors import DomainError, NotAllowed, NotFound

TODAY = date(2025, 3, 10)


def test_approver_records_remote_access_without_secrets(demo):
    lucia = demo["lucia.acme"]
    org = services.organization_remote_access_update(
        organization=lucia.organization,
        actor=lucia,
        authorized=True,
        includes_sql=True,
        authorized_by="Lúcia Barros (TI)",
        until=date(2025, 12, 31),
        notes="VPN da matriz",
        today=TODAY,
    )
    org.refresh_from_db()
    assert org.remote_access_authorized and org.remote_access_sql
    assert org.remote_access_authorized_by == "Lúcia Barros (TI)"
    assert org.remote_access_until == date(2025, 12, 31)


def test_revoking_clears_who_and_until(demo):
    lucia = demo["lucia.acme"]
    services.organization_remote_access_update(
        organization=lucia.organization,
        actor=lucia,
        authorized=True,
        includes_sql=True,
        authorized_by="Lúcia",
        until=None,
        notes="",
        today=TODAY,
    )
    org = services.organization_remote_access_update(
        organization=lucia.organization,
        actor=lucia,
        authorized=False,
        includes_sql=True,
        authorized_by="Lúcia",
        until=date(2026, 1, 1),
        notes="",
        today=TODAY,
    )
    assert not org.remote_access_authorized and not org.remote_access_sql and org.remote_access_until is None


def test_remote_access_needs_who_and_a_future_date(demo):
    lucia = demo["lucia.acme"]
    with pytest.raises(DomainError) as exc:
        services.organization_remote_access_update(
            organization=lucia.organization,
            actor=lucia,
            authorized=True,
            includes_sql=False,
            authorized_by=" ",
            until=date(2025, 1, 1),
            notes="",
            today=TODAY,
        )
    assert set(exc.value.fields) == {"authorized_by", "until"}
    lucia.organization.refresh_from_db()
    assert not lucia.organization.remote_access_authorized


@pytest.mark.parametrize("username", ["joana.acme", "helena.horizonte", "ana.analista"])
def test_only_the_organizations_approvers_change_it(demo, username):
    with pytest.raises(NotAllowed):
        services.organization_remote_access_update(
            organization=demo["lucia.acme"].organization,
            actor=demo[username],
            authorized=True,
            includes_sql=False,
            authorized_by="x",
            until=None,
            notes="",
            today=TODAY,
        )


def test_deadline_add_and_remove(demo):
    lucia = demo["lucia.acme"]
    deadline = services.operational_deadline_add(
        organization=lucia.organization, actor=lucia, process="Fechamento do ponto", day_of_month=20
    )
    assert deadline.organization == lucia.organization
    services.operational_deadline_remove(organization=lucia.organization, actor=lucia, deadline_id=deadline.pk)
    assert not OperationalDeadline.objects.filter(pk=deadline.pk).exists()


def test_deadline_refusals_field_by_field(demo):
    lucia = demo["lucia.acme"]
    with pytest.raises(DomainError) as exc:
        services.operational_deadline_add(organization=lucia.organization, actor=lucia, process="", day_of_month=32)
    assert set(exc.value.fields) == {"process", "day_of_month"}


def test_cannot_remove_another_organizations_deadline(demo):
    other = OperationalDeadline.objects.filter(organization=demo["helena.horizonte"].organization).first()
    lucia = demo["lucia.acme"]
    with pytest.raises(NotFound):
        services.operational_deadline_remove(organization=lucia.organization, actor=lucia, deadline_id=other.pk)
    assert OperationalDeadline.objects.filter(pk=other.pk).exists()
