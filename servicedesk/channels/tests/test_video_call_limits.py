"""A video call cannot be scheduled beyond two years (a typo, or year 9999): a Portuguese field
error, never a 500; and the .ics of the latest allowed call builds."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from servicedesk.channels import services
from servicedesk.channels.calendar import invitation_ics
from servicedesk.channels.models import VideoCallInvitation
from servicedesk.core.errors import DomainError


def invite(ticket, actor, *, starts_at, now):
    return services.video_call_invite(
        ticket=ticket,
        actor=actor,
        starts_at=starts_at,
        duration=480,
        link="https://meet.example/x",
        participants="rafael.horizonte@demo.weconnect.example",
        now=now,
    )


@pytest.mark.parametrize(
    "starts_at",
    [
        datetime(9999, 12, 31, 23, 50, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 50, tzinfo=UTC).astimezone(ZoneInfo("America/Sao_Paulo")),
        datetime(2030, 1, 1, tzinfo=UTC),
    ],
)
def test_a_call_more_than_two_years_ahead_is_refused(ticket, demo, starts_at):
    now = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    with pytest.raises(DomainError) as refused:
        invite(ticket, demo["ana.analista"], starts_at=starts_at, now=now)
    assert refused.value.fields == {"starts_at": "Escolha uma data nos próximos 2 anos."}
    assert not VideoCallInvitation.objects.exists()


def test_the_latest_allowed_call_is_accepted_and_its_ics_builds(ticket, demo):
    now = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    latest = now + services.VIDEO_MAX_AHEAD  # 2028-03-01 13:00 UTC (730 days, 2028 is a leap year)
    assert latest == datetime(2028, 3, 1, 13, 0, tzinfo=UTC)
    invitation = invite(ticket, demo["ana.analista"], starts_at=latest, now=now)
    ics = invitation_ics(invitation, stamp=now).decode()
    assert "DTSTART:20280301T130000Z" in ics
    assert "DTEND:20280301T210000Z" in ics  # 480 minutes later
    with pytest.raises(DomainError):
        invite(ticket, demo["ana.analista"], starts_at=latest + timedelta(minutes=1), now=now)


def test_the_console_answers_year_9999_with_a_field_error(ticket, demo):
    client = Client()
    client.force_login(demo["ana.analista"])
    response = client.post(
        f"/console/chamados/{ticket.pk}/videochamada/",
        {
            "starts_at": "9999-12-31T23:50",
            "duration": "30",
            "link": "https://meet.example/x",
            "participants": "joana.acme@demo.weconnect.example",
            "expected_revision": ticket.revision,
        },
    )
    assert response.status_code == 400
    assert "Escolha uma data nos próximos 2 anos." in response.content.decode()
    assert not VideoCallInvitation.objects.exists()
