import re
from datetime import UTC, timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from servicedesk.channels import services
from servicedesk.channels.models import PhoneCall, VideoCallInvitation
from servicedesk.core.errors import Conflict, DomainError, NotAllowed
from servicedesk.tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db


def _log_call(ticket, actor, now, **overrides):
    kwargs = {
        "ticket": ticket,
        "actor": actor,
        "contact_name": "Rafael Costa",
        "direction": "inbound",
        "started_at": now - timedelta(minutes=20),
        "duration": timedelta(minutes=12),
        "summary": "Cliente explicou o erro na folha.",
        "now": now,
    }
    kwargs.update(overrides)
    return services.phone_call_log(**kwargs)


def _invite(ticket, actor, now, **overrides):
    kwargs = {
        "ticket": ticket,
        "actor": actor,
        "starts_at": now + timedelta(days=1),
        "duration": 45,
        "link": "https://meet.example.com/abc-defg-hij",
        "participants": "rafael.horizonte@demo.weconnect.example; helena@horizonte.example\nrafael.horizonte@demo.weconnect.example",
        "message": "Vamos revisar a folha juntos.",
        "now": now,
    }
    kwargs.update(overrides)
    return services.video_call_invite(**kwargs)


class TestPhoneCallLog:
    def test_staff_logs_a_call_on_the_ticket_and_the_history_records_it(self, demo, ticket, now):
        revision = ticket.revision
        call = _log_call(ticket, demo["carla.analista"], now, expected_revision=revision)
        assert call.duration_minutes == 12 and call.staff == demo["carla.analista"]
        event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PHONE_CALL)
        assert event.public is False
        assert event.data["contact_name"] == "Rafael Costa" and event.data["phone_call_id"] == call.pk
        ticket.refresh_from_db()
        assert ticket.revision == revision + 1
        assert ticket.status == "NOVO"  # no status change

    @pytest.mark.parametrize("username", ["rafael.horizonte", "helena.horizonte", "joana.acme"])
    def test_customers_cannot_log_calls(self, demo, ticket, now, username):
        with pytest.raises(NotAllowed):
            services.phone_call_log(
                ticket=ticket,
                actor=demo[username],
                contact_name="x",
                direction="inbound",
                started_at=now,
                duration=5,
                summary="x",
                now=now,
            )
        assert not PhoneCall.objects.exists()

    def test_missing_fields_are_refused_field_by_field_and_nothing_is_saved(self, demo, ticket, now):
        with pytest.raises(DomainError) as exc:
            services.phone_call_log(
                ticket=ticket,
                actor=demo["carla.analista"],
                contact_name=" ",
                direction="sideways",
                started_at=now + timedelta(hours=1),
                duration=0,
                summary="",
                now=now,
            )
        assert set(exc.value.fields) == {"contact_name", "direction", "started_at", "duration", "summary"}
        assert exc.value.fields["started_at"] == services.CALL_IN_FUTURE
        assert not PhoneCall.objects.exists()
        assert not TicketEvent.objects.filter(kind=EventKind.PHONE_CALL).exists()

    def test_a_stale_revision_is_a_conflict_and_nothing_is_saved(self, demo, ticket, now):
        with pytest.raises(Conflict):
            services.phone_call_log(
                ticket=ticket,
                actor=demo["carla.analista"],
                contact_name="Rafael",
                direction="outbound",
                started_at=now,
                duration=3,
                summary="Retorno.",
                now=now,
                expected_revision=ticket.revision - 1,
            )
        assert not PhoneCall.objects.exists()


class TestVideoCallInvite:
    def test_participants_receive_an_email_with_an_ics_request(
        self, demo, ticket, now, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = _invite(ticket, demo["carla.analista"], now)
        assert invitation.participants == ["rafael.horizonte@demo.weconnect.example", "helena@horizonte.example"]
        invitation.refresh_from_db()
        assert invitation.sent_at is not None
        [message] = [m for m in mail.outbox if "Convite" in m.subject]
        assert set(message.to) == set(invitation.participants)
        assert "horário de Brasília" in message.body
        [(filename, content, mimetype)] = message.attachments
        assert filename == "convite.ics" and mimetype.startswith("text/calendar")

        cal = Calendar.from_ical(content)
        assert str(cal["METHOD"]) == "REQUEST"
        [event] = cal.walk("VEVENT")
        assert str(event["UID"]) == f"{invitation.uid}@servicedesk.weconnect"
        assert "DTSTAMP" in event
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.utcoffset() == timedelta(0) and start.tzinfo is not None
        assert start == invitation.starts_at.astimezone(UTC).replace(microsecond=0)
        assert end - start == timedelta(minutes=45)
        assert re.search(r"DTSTART:\d{8}T\d{6}Z", content) and re.search(r"DTEND:\d{8}T\d{6}Z", content)
        assert str(event["SUMMARY"]) == f"Chamado #{ticket.pk} — {ticket.title}"
        assert str(event["LOCATION"]) == invitation.link == str(event["URL"])
        assert str(event["ORGANIZER"]) == "mailto:carla.analista@demo.weconnect.example"
        attendees = event["ATTENDEE"]
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert sorted(str(a) for a in attendees) == sorted(f"mailto:{e}" for e in invitation.participants)

        history = TicketEvent.objects.get(ticket=ticket, kind=EventKind.VIDEO_CALL)
        assert history.data["invitation_id"] == invitation.pk

    def test_the_invitation_is_sent_once_even_if_the_task_runs_twice(
        self, demo, ticket, now, django_capture_on_commit_callbacks
    ):
        from servicedesk.channels.tasks import video_call_invitation_send

        with django_capture_on_commit_callbacks(execute=True):
            invitation = _invite(ticket, demo["carla.analista"], now)
        sent = len(mail.outbox)
        assert video_call_invitation_send(invitation_id=invitation.pk) == 0
        assert len(mail.outbox) == sent

    def test_customers_cannot_send_invitations(self, demo, ticket, now):
        with pytest.raises(NotAllowed):
            _invite(ticket, demo["helena.horizonte"], now)
        assert not VideoCallInvitation.objects.exists()

    def test_invalid_input_is_refused_field_by_field(self, demo, ticket, now):
        with pytest.raises(DomainError) as exc:
            _invite(
                ticket,
                demo["carla.analista"],
                now,
                starts_at=now - timedelta(minutes=1),
                duration=2,
                link="javascript:alert(1)",
                participants="nao-e-email",
            )
        assert exc.value.fields == {
            "starts_at": services.VIDEO_IN_PAST,
            "duration": services.VIDEO_DURATION_INVALID,
            "link": services.VIDEO_LINK_INVALID,
            "participants": services.VIDEO_PARTICIPANT_INVALID.format(email="nao-e-email"),
        }
        assert not VideoCallInvitation.objects.exists()
        assert not TicketEvent.objects.filter(kind=EventKind.VIDEO_CALL).exists()

    def test_no_participants_is_refused(self, demo, ticket, now):
        with pytest.raises(DomainError) as exc:
            _invite(ticket, demo["carla.analista"], now, participants=" ,; ")
        assert exc.value.fields == {"participants": services.VIDEO_PARTICIPANTS_REQUIRED}


def test_the_workspace_lists_the_logged_calls_and_reads_them_only_when_the_history_has_one(demo, ticket, now):
    """Calls are logged with their event in one transaction, so the workspace reads the call
    tables only for a ticket whose history has such an event, and then lists every call."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(demo["carla.analista"])
    url = f"/console/chamados/{ticket.pk}/"

    def page() -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        tables = [q["sql"] for q in queries if "channels_phonecall" in q["sql"] or "channels_videocall" in q["sql"]]
        return html, tables

    html, tables = page()
    assert tables == [] and "📞" not in html
    _log_call(ticket, demo["carla.analista"], now, expected_revision=ticket.revision)
    html, tables = page()
    assert len(tables) == 1 and "📞" in html and "Cliente explicou o erro na folha." in html
    ticket.refresh_from_db()
    _invite(ticket, demo["carla.analista"], now, expected_revision=ticket.revision)
    html, tables = page()
    assert len(tables) == 2 and "🎥" in html and "https://meet.example.com/abc-defg-hij" in html
