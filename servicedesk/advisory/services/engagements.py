"""The accepted advisory at work (domain.md §8): appointments and time entries.

An engagement takes appointments (start, end, analyst, place or link; the analyst and the
organization's approvers receive a calendar invitation) and time entries (one analyst's work:
aware start and end, the end after the start, at most 24 hours, never overlapping another entry
of the same analyst, not before the acceptance; it may be logged ahead of time for a planned
on-site day). Entries change only while no report waits for validation and none was validated:
a sent report is frozen, a contested one lets staff correct them.

Lock order: the engagement row, then the analyst's user row (so two entries of one analyst
cannot overlap, even logged at the same instant from two places).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import User
from servicedesk.advisory.billing import EntryError, entry_check
from servicedesk.advisory.models import ActivityReport, Appointment, Engagement, ReportStatus, TimeEntry
from servicedesk.core.errors import Conflict, DomainError, NotAllowed, NotFound
from servicedesk.core.timefmt import brasilia
from servicedesk.tickets.models import EventKind
from servicedesk.tickets.services import ticket_event_record

WORK_STAFF_ONLY = gettext_noop("Somente analistas e gestores agendam a assessoria e apontam horas.")
ENGAGEMENT_CLOSED = gettext_noop("Esta assessoria já teve o relatório validado: nada mais muda nela.")
REPORT_WAITING = gettext_noop(
    "O relatório desta assessoria aguarda a validação do cliente: os apontamentos ficam congelados até ele decidir."
)
ANALYST_INVALID = gettext_noop("Escolha um analista da equipe WeConnect.")
ANALYST_OTHERS_MANAGERS_ONLY = gettext_noop("Somente gestores apontam horas em nome de outro analista.")
START_REQUIRED = gettext_noop("Informe a data e a hora de início.")
END_REQUIRED = gettext_noop("Informe a data e a hora de término.")
NAIVE_INSTANT = gettext_noop("Informe data e hora com o fuso horário.")
END_BEFORE_START = gettext_noop("O término precisa ser depois do início.")
ENTRY_TOO_LONG = gettext_noop("Um apontamento dura no máximo 24 horas: divida-o por dia.")
ENTRY_BEFORE_ACCEPTANCE = gettext_noop("O trabalho só começa depois do aceite da proposta ({accepted}).")
ENTRY_TOO_FAR = gettext_noop("Escolha uma data nos próximos 2 anos.")
ENTRY_OVERLAP = gettext_noop("{analyst} já tem um apontamento de {start} a {end} que se sobrepõe a este.")
ACTIVITY_REQUIRED = gettext_noop("Descreva a atividade realizada.")
ACTIVITY_TOO_LONG = gettext_noop("A atividade pode ter no máximo 2.000 caracteres.")
APPOINTMENT_IN_PAST = gettext_noop("Escolha um início no futuro.")
APPOINTMENT_TOO_LONG = gettext_noop("Um agendamento dura no máximo 24 horas: agende um por dia.")
LOCATION_REQUIRED = gettext_noop("Informe o endereço da visita ou o link da reunião.")
LOCATION_LINK_INVALID = gettext_noop("Informe um link https:// válido para a reunião.")
ENTRY_NOT_FOUND = gettext_noop("Apontamento não encontrado.")

MAX_AHEAD = timedelta(days=2 * 365)
MAX_ACTIVITY = 2000
_validate_url = URLValidator(schemes=["https", "http"])


def _require_work(actor: User, engagement: Engagement, now: datetime) -> None:
    if not permissions.can(actor, "advisory.work"):
        raise NotAllowed(WORK_STAFF_ONLY)


def _lock(engagement: Engagement) -> Engagement:
    return Engagement.objects.select_for_update(of=("self",)).select_related("ticket", "proposal").get(pk=engagement.pk)


def ensure_entries_editable(engagement: Engagement) -> None:
    if not engagement.is_open:
        raise Conflict(ENGAGEMENT_CLOSED)
    if ActivityReport.objects.filter(engagement=engagement, status=ReportStatus.SENT).exists():
        raise Conflict(REPORT_WAITING)


def _staff_analyst(analyst: User | int | None, actor: User) -> User:
    if analyst is None or analyst == "":
        return actor
    if isinstance(analyst, User):
        candidate = analyst
    else:
        candidate = User.objects.filter(pk=analyst).first() if str(analyst).isdigit() else None
        if candidate is None:
            candidate = User.objects.filter(username=str(analyst)).first()
    if candidate is None or not candidate.is_active or not permissions.can(candidate, "advisory.work"):
        raise DomainError(ANALYST_INVALID, field="analyst")
    return candidate


def _interval_errors(starts_at, ends_at) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not isinstance(starts_at, datetime):
        errors["started_at"] = START_REQUIRED
    if not isinstance(ends_at, datetime):
        errors["ended_at"] = END_REQUIRED
    if errors:
        return errors
    try:
        entry_check(starts_at, ends_at)
    except EntryError as exc:
        field = "ended_at" if exc.code != "naive" else "started_at"
        errors[field] = {"naive": NAIVE_INSTANT, "order": END_BEFORE_START, "too_long": ENTRY_TOO_LONG}[exc.code]
    return errors


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)


# --------------------------------------------------------------------------- appointments


@transaction.atomic
def appointment_schedule(
    *,
    engagement: Engagement,
    actor: User,
    now: datetime,
    starts_at: datetime,
    ends_at: datetime,
    analyst: User | int | str | None,
    location: str,
    notes: str = "",
) -> Appointment:
    """Schedule a session of the advisory; the analyst and the approvers get an invitation (.ics)."""
    _require_work(actor, engagement, now)
    locked = _lock(engagement)
    if not locked.is_open:
        raise Conflict(ENGAGEMENT_CLOSED)
    errors = {
        {"started_at": "starts_at", "ended_at": "ends_at"}[k]: v
        for k, v in _interval_errors(starts_at, ends_at).items()
    }
    if ends_at and starts_at and "ends_at" in errors and errors["ends_at"] == ENTRY_TOO_LONG:
        errors["ends_at"] = APPOINTMENT_TOO_LONG
    if not errors:
        if starts_at <= now:
            errors["starts_at"] = APPOINTMENT_IN_PAST
        elif starts_at - now > MAX_AHEAD:
            errors["starts_at"] = ENTRY_TOO_FAR
    location = " ".join((location or "").split())
    if not location:
        errors["location"] = LOCATION_REQUIRED
    elif location.lower().startswith(("http://", "https://", "www.")):
        try:
            _validate_url(location)
        except ValidationError:
            errors["location"] = LOCATION_LINK_INVALID
    try:
        person = _staff_analyst(analyst, actor)
    except DomainError as exc:
        errors["analyst"] = exc.message
    _raise(errors)
    appointment = Appointment.objects.create(
        engagement=locked,
        starts_at=starts_at,
        ends_at=ends_at,
        analyst=person,
        location=location[:500],
        notes=(notes or "").strip()[:2000],
        created_by=actor,
        created_at=now,
    )
    ticket_event_record(
        ticket=locked.ticket,
        kind=EventKind.ADVISORY_SCHEDULED,
        actor=actor,
        capability="advisory.work",
        now=now,
        public=True,
        data={
            "appointment_id": appointment.pk,
            "engagement_id": locked.pk,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "analyst": person.get_full_name() or person.username,
            "analyst_id": person.pk,
            "location": appointment.location,
        },
    )
    return appointment


# --------------------------------------------------------------------------- time entries


def _check_entry(
    *,
    engagement: Engagement,
    analyst: User,
    started_at,
    ended_at,
    activity: str,
    now: datetime,
    exclude_pk: int | None = None,
) -> str:
    errors = _interval_errors(started_at, ended_at)
    activity = (activity or "").strip()
    if not activity:
        errors["activity"] = ACTIVITY_REQUIRED
    elif len(activity) > MAX_ACTIVITY:
        errors["activity"] = ACTIVITY_TOO_LONG
    if "started_at" not in errors and "ended_at" not in errors:
        if started_at < engagement.accepted_at:
            errors["started_at"] = gettext(ENTRY_BEFORE_ACCEPTANCE).format(accepted=brasilia(engagement.accepted_at))
        elif started_at - now > MAX_AHEAD:
            errors["started_at"] = ENTRY_TOO_FAR
    _raise(errors)
    # The analyst's row serializes the overlap check (PostgreSQL; SQLite writes one at a time).
    User.objects.select_for_update().filter(pk=analyst.pk).first()
    clash = (
        TimeEntry.objects.filter(analyst=analyst, started_at__lt=ended_at, ended_at__gt=started_at)
        .exclude(pk=exclude_pk)
        .order_by("started_at")
        .first()
    )
    if clash is not None:
        message = gettext(ENTRY_OVERLAP).format(
            analyst=analyst.get_full_name() or analyst.username,
            start=brasilia(clash.started_at),
            end=brasilia(
                clash.ended_at, "%H:%M" if clash.started_at.date() == clash.ended_at.date() else "%d/%m/%Y %H:%M"
            ),
        )
        raise DomainError(message, fields={"started_at": message})
    return activity


@transaction.atomic
def time_entry_log(
    *,
    engagement: Engagement,
    actor: User,
    now: datetime,
    started_at: datetime,
    ended_at: datetime,
    activity: str,
    analyst: User | int | str | None = None,
) -> TimeEntry:
    """Log one analyst's work on the engagement (the actor's own; a manager may log for another)."""
    _require_work(actor, engagement, now)
    person = _staff_analyst(analyst, actor)
    if person.pk != actor.pk and not permissions.can(actor, "console.manage_team"):
        raise NotAllowed(ANALYST_OTHERS_MANAGERS_ONLY)
    locked = _lock(engagement)
    ensure_entries_editable(locked)
    activity = _check_entry(
        engagement=locked, analyst=person, started_at=started_at, ended_at=ended_at, activity=activity, now=now
    )
    return TimeEntry.objects.create(
        engagement=locked,
        analyst=person,
        started_at=started_at,
        ended_at=ended_at,
        activity=activity,
        created_by=actor,
        created_at=now,
    )


def _entry_of(engagement: Engagement, entry_id) -> TimeEntry:
    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound(ENTRY_NOT_FOUND) from None
    entry = (
        TimeEntry.objects.select_related("analyst").filter(pk=pk, engagement=engagement).first()
        if 0 < pk < 2**63
        else None
    )
    if entry is None:
        raise NotFound(ENTRY_NOT_FOUND)
    return entry


def _may_change_entry(actor: User, entry: TimeEntry) -> None:
    if entry.analyst_id != actor.pk and not permissions.can(actor, "console.manage_team"):
        raise NotAllowed(ANALYST_OTHERS_MANAGERS_ONLY)


@transaction.atomic
def time_entry_update(
    *,
    engagement: Engagement,
    entry_id,
    actor: User,
    now: datetime,
    started_at: datetime,
    ended_at: datetime,
    activity: str,
) -> TimeEntry:
    """Correct an entry (before a report is sent, or after it was contested)."""
    _require_work(actor, engagement, now)
    locked = _lock(engagement)
    ensure_entries_editable(locked)
    entry = _entry_of(locked, entry_id)
    _may_change_entry(actor, entry)
    entry.activity = _check_entry(
        engagement=locked,
        analyst=entry.analyst,
        started_at=started_at,
        ended_at=ended_at,
        activity=activity,
        now=now,
        exclude_pk=entry.pk,
    )
    entry.started_at, entry.ended_at = started_at, ended_at
    entry.save(update_fields=["started_at", "ended_at", "activity"])
    return entry


@transaction.atomic
def time_entry_delete(*, engagement: Engagement, entry_id, actor: User, now: datetime) -> None:
    _require_work(actor, engagement, now)
    locked = _lock(engagement)
    ensure_entries_editable(locked)
    entry = _entry_of(locked, entry_id)
    _may_change_entry(actor, entry)
    entry.delete()
