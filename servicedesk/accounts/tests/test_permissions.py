"""The authorization table: every role against every capability, and object checks."""

import pytest
from django.contrib.auth.models import AnonymousUser

from servicedesk.accounts.models import Organization, User
from servicedesk.accounts.permissions import CAPABILITIES, ROLE_CAPABILITIES, can, effective_role, home_url_for


def make(role: str, *, approver: bool = False, org_id: int | None = 1, superuser: bool = False) -> User:
    return User(
        username=f"u-{role}",
        role=role,
        organization_id=org_id if role == "customer" else None,
        is_approver=approver,
        is_superuser=superuser,
        is_active=True,
    )


EXPECTED = {
    "customer": {
        "portal.access",
        "ticket.open",
        "ticket.reply",
        "ticket.confirm",
        "ticket.cancel",
        "ticket.reopen_request",
    },
    "analyst": {
        "console.access",
        "ticket.reply",
        "ticket.internal_note",
        "ticket.transition",
        "ticket.reclassify",
        "ticket.assign",
        "ticket.reopen_decide",
        "account.two_factor",
        "ticket.call",
        "advisory.propose",
        "advisory.work",
        "knowledge.write",
        "documents.publish",
    },
}


def test_customer_capabilities_exactly():
    assert {c for c in CAPABILITIES if can(make("customer"), c)} == EXPECTED["customer"]


def test_approver_adds_org_manage_and_advisory_decisions_only():
    assert {c for c in CAPABILITIES if can(make("customer", approver=True), c)} == EXPECTED["customer"] | {
        "org.manage",
        "advisory.decide",
    }


def test_analyst_capabilities_exactly():
    assert {c for c in CAPABILITIES if can(make("analyst"), c)} == EXPECTED["analyst"]


@pytest.mark.parametrize("role", ["maintenance", "commercial"])
def test_maintenance_and_commercial_cannot_triage(role):
    user = make(role)
    assert can(user, "console.access") and can(user, "ticket.internal_note")
    assert not can(user, "ticket.reclassify") and not can(user, "ticket.assign")
    assert not can(user, "console.manage_team")


def test_advisory_work_and_billing_by_role():
    """§8: analysts (and managers, admins) do the work; the commercial team (and admins) bill."""
    work = {
        role
        for role in ("analyst", "maintenance", "commercial", "manager", "admin")
        if can(make(role), "advisory.work")
    }
    bill = {
        role
        for role in ("analyst", "maintenance", "commercial", "manager", "admin")
        if can(make(role), "advisory.bill")
    }
    assert work == {"analyst", "manager", "admin"}
    assert bill == {"commercial", "admin"}
    assert not can(make("customer", approver=True), "advisory.bill")


def test_knowledge_base_writers_and_reviewers_by_role():
    """Issue 10: analysts, managers and admins write articles; managers and admins publish."""
    staff = ("analyst", "maintenance", "commercial", "manager", "admin")
    assert {role for role in staff if can(make(role), "knowledge.write")} == {"analyst", "manager", "admin"}
    assert {role for role in staff if can(make(role), "knowledge.publish")} == {"manager", "admin"}
    for customer in (make("customer"), make("customer", approver=True)):
        assert not can(customer, "knowledge.write") and not can(customer, "knowledge.publish")


def test_product_documentation_publishers_by_role():
    """Issue 10: analysts, managers and admins upload product documentation; nobody else."""
    staff = ("analyst", "maintenance", "commercial", "manager", "admin")
    assert {role for role in staff if can(make(role), "documents.publish")} == {"analyst", "manager", "admin"}
    for customer in (make("customer"), make("customer", approver=True)):
        assert not can(customer, "documents.publish")


def test_release_fix_linkers_and_publishers_by_role():
    """Issue 11: maintenance (and managers, admins) link a Problema to its fixing release;
    maintenance and admins publish releases; no customer does either."""
    staff = ("analyst", "maintenance", "commercial", "manager", "admin")
    assert {role for role in staff if can(make(role), "ticket.fix_link")} == {"maintenance", "manager", "admin"}
    assert {role for role in staff if can(make(role), "release.publish")} == {"maintenance", "admin"}
    for customer in (make("customer"), make("customer", approver=True)):
        assert not can(customer, "ticket.fix_link") and not can(customer, "release.publish")


def test_manager_manages_teams_but_not_admin():
    assert can(make("manager"), "console.manage_team")
    assert not can(make("manager"), "admin.access")


def test_admin_and_superuser_have_admin_access():
    assert can(make("admin"), "admin.access")
    assert effective_role(make("customer", superuser=True)) == "admin"


@pytest.mark.parametrize("role", ["analyst", "maintenance", "commercial", "manager", "admin"])
def test_staff_never_reach_the_portal(role):
    assert not can(make(role), "portal.access")
    assert not can(make(role), "ticket.open")


def test_customers_never_reach_the_console():
    for user in (make("customer"), make("customer", approver=True)):
        assert not any(
            can(user, c) for c in ("console.access", "ticket.internal_note", "ticket.assign", "admin.access")
        )


def test_anonymous_and_inactive_have_nothing():
    inactive = make("admin")
    inactive.is_active = False
    for user in (AnonymousUser(), inactive, None):
        assert not any(can(user, c) for c in CAPABILITIES)


def test_customer_without_organization_has_nothing():
    assert not any(can(make("customer", org_id=None), c) for c in CAPABILITIES)


def test_object_check_limits_customers_to_their_organization():
    approver = make("customer", approver=True, org_id=1)
    assert can(approver, "org.manage", Organization(pk=1))
    assert not can(approver, "org.manage", Organization(pk=2))

    class TicketLike:
        organization_id = 2

    assert not can(approver, "ticket.reply", TicketLike())
    assert can(make("analyst"), "ticket.reply", TicketLike())


def test_unknown_capability_is_a_programming_error():
    with pytest.raises(ValueError):
        can(make("customer"), "ticket.fly")


def test_table_documents_every_role():
    assert set(ROLE_CAPABILITIES) == {
        "customer",
        "approver",
        "analyst",
        "maintenance",
        "commercial",
        "manager",
        "admin",
    }


def test_home_after_login():
    assert home_url_for(make("customer")) == "/"
    assert home_url_for(make("analyst")) == "/console/"
