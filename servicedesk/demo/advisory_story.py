"""The technical advisory of `make run` (issue 9, domain.md §8): two tickets of Acme told through
the services, so the approver (lucia.acme) opens the portal on "Aguardando sua aprovação".

    A  Solicitação "proposta" → the commercial team drafts a fixed-price in-company training and
       sends it: it waits for the approver (ticket COM-PROPOSTA).
    B  Solicitação → the analyst proposes a remote hourly advisory, the approver accepts it
       (SERV-ASSESSORIA), it is scheduled, two analysts log time over two days and the report
       version 1 is sent: it waits for validation.

Every instant is relative to now and falls on a weekday (the work days of B are the last two
weekdays at least two days ago), every write goes through `tickets.services` and `advisory.services` — never a status
written by hand — and each story is told once: a ticket of that title in the organization means
it was (idempotent; re-running `seed_demo` changes nothing). Not part of `load_demo_data`, whose
world the tests share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from servicedesk.accounts.models import Organization, User
from servicedesk.advisory import services as advisory
from servicedesk.advisory.models import Engagement, Proposal
from servicedesk.catalog.models import Module
from servicedesk.core import clock
from servicedesk.demo.data import load_price_list
from servicedesk.tickets import services as tickets
from servicedesk.tickets.models import Ticket

ORGANIZATION = "acme"
REQUESTER = "joana.acme"
APPROVER = "lucia.acme"
PROPOSAL_TITLE = "Treinamento in company: nova rotina de férias para a equipe de DP"
REPORT_TITLE = "Revisão da parametrização dos eventos periódicos do eSocial"
MEETING_LINK = "https://meet.weconnect.example/acme-esocial"


@dataclass(frozen=True)
class StoryLine:
    ticket: Ticket
    text: str


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.DISPLAY_TIME_ZONE))


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _weekdays_before(day: date, count: int) -> date:
    for _ in range(count):
        day = _weekday_on_or_before(day - timedelta(days=1))
    return day


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _today(now: datetime) -> date:
    return now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()


def _work_days(now: datetime) -> tuple[date, date]:
    """Two consecutive weekdays, the second at least two days before today (Brasília)."""
    second = _weekday_on_or_before(_today(now) - timedelta(days=2))
    return _weekdays_before(second, 1), second


def _story_ticket(organization: Organization, title: str) -> Ticket | None:
    return Ticket.objects.filter(organization=organization, title=title).order_by("pk").first()


def _proposal_waiting(organization: Organization, now: datetime) -> Ticket:
    requester = User.objects.get(username=REQUESTER)
    commercial = User.objects.get(username="carol.comercial")
    opened = _local(_weekdays_before(_today(now), 1), 10)  # the last weekday before today
    ticket = tickets.ticket_open(
        requester=requester,
        type="Solicitação",
        severity=None,
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="Férias"),
        category="proposta",
        title=PROPOSAL_TITLE,
        description=(
            "Vamos adotar o fracionamento de férias em três períodos a partir de janeiro. Gostaríamos de um "
            "treinamento presencial para as 12 pessoas do DP: programação, avisos, recibos e o reflexo na folha."
        ),
        now=opened,
    )
    proposal = advisory.proposal_draft(
        ticket=ticket,
        actor=commercial,
        now=opened + timedelta(hours=2),
        scope=(
            "Turma in company de 8 horas na sede da Acme (São Paulo) para até 15 participantes: programação e "
            "fracionamento de férias, abono pecuniário, avisos e recibos, integração com a folha e o eSocial. "
            "Material didático e certificado inclusos."
        ),
        modality="presencial",
        billing="serviço",
        estimated_hours="8",
        price_item="TREIN-TURMA",
    )
    advisory.proposal_send(proposal=proposal, actor=commercial, now=opened + timedelta(hours=2, minutes=20))
    return ticket


ENTRIES = [
    # day (0 = first work day), analyst, start, end, activity
    (
        0,
        "ana.analista",
        (9, 0),
        (11, 40),
        "Levantamento das rubricas da folha e da natureza de cada uma na tabela S-1010; conferência das "
        "incidências de INSS, IRRF e FGTS com o contador da Acme.",
    ),
    (
        0,
        "ana.analista",
        (14, 0),
        (17, 15),
        "Correção de 14 rubricas com incidência errada (adicional noturno, DSR sobre horas extras, "
        "gratificação de função) e reenvio dos eventos S-1010 em homologação.",
    ),
    (
        1,
        "bruno.analista",
        (9, 30),
        (10, 20),
        "Validação dos retornos do ambiente de produção restrita: nenhum erro de totalização no S-5001.",
    ),
    (
        1,
        "ana.analista",
        (14, 0),
        (15, 35),
        "Reunião de encerramento com o DP: revisão das alterações, orientação sobre o fechamento da "
        "competência e entrega do checklist de conferência mensal.",
    ),
]


def _report_waiting(organization: Organization, now: datetime) -> Ticket:
    requester = User.objects.get(username=REQUESTER)
    approver = User.objects.get(username=APPROVER)
    analyst = User.objects.get(username="ana.analista")
    first, second = _work_days(now)
    opened = _local(_weekdays_before(first, 3), 10)
    ticket = tickets.ticket_open(
        requester=requester,
        type="Solicitação",
        severity=None,
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="eSocial"),
        title=REPORT_TITLE,
        description=(
            "Os totalizadores do eSocial (S-5001) divergem da folha em algumas rubricas desde a troca do "
            "contador. Precisamos de uma revisão da parametrização com um especialista."
        ),
        now=opened,
    )
    proposal = advisory.proposal_draft(
        ticket=ticket,
        actor=analyst,
        now=opened + timedelta(hours=3),
        scope=(
            "Revisão remota da tabela de rubricas (S-1010) e das incidências tributárias, correção das "
            "divergências encontradas e validação em produção restrita, com o DP da Acme."
        ),
        modality="remota",
        billing="hora",
        estimated_hours="8",
        price_item="ASS-REMOTA",
    )
    advisory.proposal_send(proposal=proposal, actor=analyst, now=opened + timedelta(hours=3, minutes=30))
    accepted_at = _local(_next_weekday(opened.date()), 11)
    advisory.proposal_decide(proposal=proposal, actor=approver, now=accepted_at, decision="aceita")
    engagement = Engagement.objects.select_related("proposal", "ticket").get(proposal=proposal)
    advisory.appointment_schedule(
        engagement=engagement,
        actor=analyst,
        now=accepted_at + timedelta(hours=2),
        starts_at=_local(first, 9),
        ends_at=_local(first, 18),
        analyst=analyst,
        location=MEETING_LINK,
        notes="Sessão remota com o DP e o contador da Acme.",
    )
    days = (first, second)
    for day, username, start, end, activity in ENTRIES:
        person = User.objects.get(username=username)
        ended_at = _local(days[day], *end)
        advisory.time_entry_log(
            engagement=engagement,
            actor=person,
            now=ended_at + timedelta(minutes=10),
            started_at=_local(days[day], *start),
            ended_at=ended_at,
            activity=activity,
        )
    advisory.report_send(engagement=engagement, actor=analyst, now=_local(second, 17, 30))
    return ticket


@transaction.atomic
def load_advisory_story(*, now: datetime | None = None) -> list[StoryLine]:
    """The price list and the two advisory stories (each told once). Returns what seed_demo prints."""
    now = now or clock.now()
    load_price_list()
    organization = Organization.objects.get(slug=ORGANIZATION)
    waiting = _story_ticket(organization, PROPOSAL_TITLE) or _proposal_waiting(organization, now)
    reported = _story_ticket(organization, REPORT_TITLE) or _report_waiting(organization, now)
    lines = []
    for ticket in (waiting, reported):
        ticket.refresh_from_db()  # the services moved their own copy of the row
        proposal = Proposal.objects.filter(ticket=ticket).order_by("-pk").first()
        report = (
            proposal.engagement.reports.order_by("-version").first()
            if proposal is not None and hasattr(proposal, "engagement")
            else None
        )
        if report is not None:
            text = f"relatório v{report.version} {report.get_status_display().lower()}"
        elif proposal is not None:
            text = f"proposta {proposal.get_status_display().lower()}"
        else:
            text = "sem proposta"
        lines.append(StoryLine(ticket=ticket, text=f"chamado #{ticket.pk} ({ticket.status}): {text}"))
    return lines
