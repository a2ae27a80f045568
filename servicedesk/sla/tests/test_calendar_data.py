"""Calendars are editable data (domain.md §2): an administrator's closed day changes deadlines."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from servicedesk.sla.adapters import default_calendar_row, engine_calendar
from servicedesk.sla.models import ClosedDay
from servicedesk.sla.services import calendar_touch

SP = ZoneInfo("America/Sao_Paulo")
pytestmark = pytest.mark.django_db


def test_default_calendar_row_is_the_policy_calendar():
    calendar = engine_calendar(default_calendar_row())
    # Tue 2026-12-01 10:00 + 8 business hours = Wed 10:00 (lunch 13–14 excluded).
    assert calendar.add(datetime(2026, 12, 1, 10, tzinfo=SP), timedelta(hours=8)) == datetime(
        2026, 12, 2, 10, tzinfo=SP
    )
    assert not calendar.is_open(datetime(2026, 12, 25, 10, tzinfo=SP))  # Natal, national holiday
    assert calendar.is_open(datetime(2026, 12, 24, 10, tzinfo=SP))  # optional in `holidays`: a business day


def test_closed_day_added_in_the_admin_moves_deadlines(admin_client):
    row = default_calendar_row()
    start = datetime(2026, 12, 23, 10, tzinfo=SP)
    assert engine_calendar(row).add(start, timedelta(hours=8)) == datetime(2026, 12, 24, 10, tzinfo=SP)

    response = admin_client.post(
        "/admin/sla/closedday/add/", {"calendar": row.pk, "date": "24/12/2026", "description": "Véspera de Natal"}
    )
    assert response.status_code == 302, response.content
    assert ClosedDay.objects.filter(date=date(2026, 12, 24)).exists()

    row.refresh_from_db()
    # 24/12 closed, 25/12 Natal: the eight hours end on Monday 28/12 at 10:00.
    assert engine_calendar(row).add(start, timedelta(hours=8)) == datetime(2026, 12, 28, 10, tzinfo=SP)


def test_removing_a_closed_day_in_the_admin_restores_it(admin_client):
    row = default_calendar_row()
    day = ClosedDay.objects.create(calendar=row, date=date(2026, 12, 24), description="Véspera")
    calendar_touch(row)
    row.refresh_from_db()
    assert not engine_calendar(row).is_open(datetime(2026, 12, 24, 10, tzinfo=SP))  # built, cached, closed
    response = admin_client.post(f"/admin/sla/closedday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert engine_calendar(row).is_open(datetime(2026, 12, 24, 10, tzinfo=SP))
