from datetime import date

import pytest

from servicedesk.accounts.models import OperationalDeadline, TrainingRecord
from servicedesk.accounts.selectors import user_is_trained
from servicedesk.tickets.tests.factories import CustomerFactory, OrganizationFactory


@pytest.mark.parametrize(
    ("completed", "expires", "day", "valid"),
    [
        (date(2026, 1, 1), None, date(2030, 1, 1), True),
        (date(2026, 1, 1), date(2026, 12, 1), date(2026, 12, 1), True),  # the last day still counts
        (date(2026, 1, 1), date(2026, 12, 1), date(2026, 12, 2), False),
        (date(2026, 12, 2), None, date(2026, 12, 1), False),  # not yet completed
    ],
)
def test_training_validity(completed, expires, day, valid):
    record = TrainingRecord(course="Formação", completed_on=completed, expires_on=expires)
    assert record.is_valid_on(day) is valid


@pytest.mark.django_db
def test_user_is_trained_with_any_valid_record():
    user = CustomerFactory(trained=False)
    assert not user_is_trained(user, on=date(2026, 12, 1))
    TrainingRecord.objects.create(
        user=user, course="Antigo", completed_on=date(2024, 1, 1), expires_on=date(2025, 1, 1)
    )
    assert not user_is_trained(user, on=date(2026, 12, 1))
    TrainingRecord.objects.create(user=user, course="Novo", completed_on=date(2026, 6, 1))
    assert user_is_trained(user, on=date(2026, 12, 1))


@pytest.mark.parametrize(
    ("day_of_month", "today", "expected"),
    [
        (25, date(2026, 12, 1), date(2026, 12, 25)),
        (25, date(2026, 12, 25), date(2026, 12, 25)),
        (25, date(2026, 12, 26), date(2027, 1, 25)),
        (31, date(2027, 2, 1), date(2027, 2, 28)),  # short month: its last day
    ],
)
def test_operational_deadline_next_date(day_of_month, today, expected):
    assert OperationalDeadline(process="Folha", day_of_month=day_of_month).next_date(today) == expected


@pytest.mark.django_db
def test_remote_access_validity():
    organization = OrganizationFactory(remote_access_authorized=True, remote_access_until=date(2026, 12, 31))
    assert organization.remote_access_valid_on(date(2026, 12, 31))
    assert not organization.remote_access_valid_on(date(2027, 1, 1))
