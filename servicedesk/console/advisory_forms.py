"""Forms of the technical advisory in the console (domain.md §8), and the panel they live in.

The forms parse input only: a choice, a number or a date that the rules refuse goes through to
the service, which answers with its own message (the price unit that does not match the
billing, hours that are not a positive number, an entry that overlaps another). So the fields
that name a choice are plain text fields drawn as selects.

`advisory_panel_context` is what the ticket page shows of the advisory: the selector's rows,
each with the forms that act on it — the initial ones, or the bound one that comes back with
the service's refusal — and which of them the person may use (the capabilities the services
check: `advisory.propose`, `advisory.work`, a manager for another analyst's hours).
"""

from __future__ import annotations

import functools
from datetime import datetime

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from servicedesk.accounts import permissions
from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import local_date
from servicedesk.advisory.billing import BillingMode, Modality
from servicedesk.advisory.models import PriceItem, PriceUnit, ProposalStatus
from servicedesk.advisory.money import format_brl
from servicedesk.advisory.selectors import price_list_on
from servicedesk.console import selectors
from servicedesk.console.forms import BrasiliaDateTimeField, RevisionForm
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.workflow import ADVISORY_STATUSES, FINAL_STATUSES

S = TicketStatus

MODALITY_CHOICES = [(Modality.REMOTE.value, _("Remota")), (Modality.ON_SITE.value, _("Presencial"))]
BILLING_CHOICES = [(BillingMode.HOURLY.value, _("Por hora")), (BillingMode.FIXED.value, _("Preço fechado (serviço)"))]
# The statuses a proposal may start from (proposal_drafted in tickets/workflow.py).
DRAFT_FROM = (S.NEW, S.IN_PROGRESS, S.MAINTENANCE)
# Where "why no new proposal" would be noise: the advisory itself is under way, or the ticket is over.
QUIET_STATUSES = ADVISORY_STATUSES | FINAL_STATUSES

PAUSE_DRAFT = gettext_noop("proposta em preparação")
PAUSE_SENT = gettext_noop("proposta aguardando aprovação do cliente")
PAUSE_ADVISORY = gettext_noop("assessoria técnica em andamento (até a validação do relatório)")
CANNOT_DRAFT_STATUS = gettext_noop(
    "Uma proposta começa num chamado novo, em atendimento ou em manutenção (agora: {status})."
)
CANNOT_DRAFT_LIVE = gettext_noop("Este chamado já tem uma proposta em preparação ou aguardando aprovação.")


def price_item_label(item: PriceItem) -> str:
    """ "ASS-REMOTA — Assessoria técnica remota · R$ 180,00 por hora remota"."""
    if item.unit == PriceUnit.SERVICE:
        price = gettext("%(price)s, preço fechado") % {"price": format_brl(item.price)}
    else:
        price = gettext("%(price)s por %(unit)s") % {
            "price": format_brl(item.price),
            "unit": item.get_unit_display().lower(),
        }
    return f"{item.code} — {item.description} · {price}"


class ProposalForm(forms.Form):
    scope = forms.CharField(
        label=_("Escopo"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("O que será feito. O aprovador do cliente lê este texto antes de aceitar."),
    )
    modality = forms.CharField(label=_("Modalidade"), required=False, widget=forms.Select(choices=MODALITY_CHOICES))
    billing = forms.CharField(label=_("Cobrança"), required=False, widget=forms.Select(choices=BILLING_CHOICES))
    estimated_hours = forms.CharField(
        label=_("Horas estimadas"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("ex.: 12,5")}),
    )
    price_item = forms.CharField(
        label=_("Serviço da tabela Serviços e Valores"),
        required=False,
        widget=forms.Select(),
        help_text=_(
            "O valor do item em vigor hoje é copiado para a proposta: uma mudança posterior na tabela não a altera. "
            "Cobrança por hora usa um item de hora remota ou presencial, conforme a modalidade; "
            "preço fechado usa um serviço com preço fechado."
        ),
    )

    def __init__(self, *args, price_items: list[PriceItem] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_item"].widget.choices = [("", gettext("Selecione…"))] + [
            (item.code, price_item_label(item)) for item in price_items
        ]

    def terms(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("scope", "modality", "billing", "estimated_hours", "price_item")}


class ProposalDraftForm(RevisionForm, ProposalForm):
    """A new proposal: it moves the ticket (COM-PROPOSTA), so it carries the ticket's revision."""


class ProposalCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo do cancelamento (o cliente vai lê-lo)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


def _analyst_choices(empty_label: str) -> list[tuple[str, str]]:
    people = selectors.advisory_staff_choices()
    return [("", empty_label)] + [(str(person.pk), person.get_full_name() or person.username) for person in people]


class AppointmentForm(forms.Form):
    starts_at = BrasiliaDateTimeField(label=_("Início (horário de Brasília)"), required=False)
    ends_at = BrasiliaDateTimeField(label=_("Término (horário de Brasília)"), required=False)
    analyst = forms.CharField(label=_("Analista"), required=False, widget=forms.Select())
    location = forms.CharField(
        label=_("Local ou link"),
        max_length=500,
        required=False,
        help_text=_(
            "O endereço da visita ou o link https:// da reunião. O analista e os aprovadores recebem o convite."
        ),
    )
    notes = forms.CharField(label=_("Observações"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyst"].widget.choices = _analyst_choices(gettext("Eu mesmo"))


class TimeEntryForm(forms.Form):
    started_at = BrasiliaDateTimeField(label=_("Início (horário de Brasília)"), required=False)
    ended_at = BrasiliaDateTimeField(label=_("Término (horário de Brasília)"), required=False)
    activity = forms.CharField(label=_("Atividade realizada"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # Only managers see the select; anyone else who sends it is refused by the service.
    analyst = forms.CharField(label=_("Analista"), required=False, widget=forms.Select())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyst"].widget.choices = _analyst_choices(gettext("Eu mesmo"))


class TimeEntryEditForm(forms.Form):
    started_at = BrasiliaDateTimeField(label=_("Início (horário de Brasília)"), required=False)
    ended_at = BrasiliaDateTimeField(label=_("Término (horário de Brasília)"), required=False)
    activity = forms.CharField(label=_("Atividade realizada"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NoticeForm(forms.Form):
    """No fields: carries the refusal of a button (send, delete, report) back to the panel."""


# --------------------------------------------------------------------------- the panel


def draft_key() -> str:
    return "advisory_draft"


def proposal_key(action: str, proposal_id: int) -> str:
    return f"advisory_{action}_{proposal_id}"


def engagement_key(action: str, engagement_id: int) -> str:
    return f"advisory_{action}_{engagement_id}"


def entry_key(entry_id: int) -> str:
    return f"advisory_entry_{entry_id}"


NOTICE_KEY = "advisory_notice"


def pause_reason(ticket: Ticket, panel: selectors.AdvisoryPanel) -> str:
    """Why the SLA clock is paused, in the advisory statuses (domain.md §5, §8)."""
    if ticket.status == S.PROPOSAL:
        live = panel.live
        return gettext(PAUSE_SENT if live is not None and live.status == ProposalStatus.SENT else PAUSE_DRAFT)
    if ticket.status == S.ADVISORY:
        return gettext(PAUSE_ADVISORY)
    return ""


def _proposal_initial(proposal) -> dict:
    return {
        "scope": proposal.scope,
        "modality": proposal.modality,
        "billing": proposal.billing,
        "estimated_hours": f"{proposal.estimated_hours.normalize():f}".replace(".", ","),
        "price_item": proposal.price_code,
    }


def _entry_initial(entry) -> dict:
    return {"started_at": entry.started_at, "ended_at": entry.ended_at, "activity": entry.activity}


def advisory_panel_context(
    *, ticket: Ticket, user: User, now: datetime, bound: dict | None = None, draft: bool = False
) -> dict:
    """The advisory panel of the ticket page (templates/console/_advisory_panel.html).

    The form of a new proposal is built only when `draft` (its panel was opened: the lazy panel
    "proposta", or ?painel=proposta) or when it comes back with errors; otherwise the page links
    it, and the price list is read only if a draft being edited needs it."""
    bound = bound or {}
    panel = selectors.advisory_panel(ticket, user=user)
    price_items = functools.cache(lambda: price_list_on(local_date(now)))  # read once, if at all

    may_propose = permissions.can(user, "advisory.propose")
    may_work = permissions.can(user, "advisory.work")
    is_manager = permissions.can(user, "console.manage_team")

    proposals = []
    for row in panel.proposals:
        proposal = row.proposal
        item = {"proposal": proposal, "engagement": None}
        if proposal.status == ProposalStatus.DRAFT and may_propose:
            key = proposal_key("edit", proposal.pk)
            item["edit_key"] = key
            item["edit_form"] = bound.get(key) or ProposalForm(
                initial=_proposal_initial(proposal), price_items=price_items(), auto_id=f"id_{key}_%s"
            )
            item["may_send"] = True
        if proposal.status in (ProposalStatus.DRAFT, ProposalStatus.SENT) and may_propose:
            key = proposal_key("cancel", proposal.pk)
            item["cancel_key"] = key
            item["cancel_form"] = bound.get(key) or ProposalCancelForm(auto_id=f"id_{key}_%s")
        if row.engagement is not None:
            item["engagement"] = _engagement_context(row.engagement, user=user, bound=bound, may_work=may_work)
        proposals.append(item)

    live = panel.live
    cannot_draft = ""
    if live is not None:
        cannot_draft = gettext(CANNOT_DRAFT_LIVE)
    elif ticket.status not in DRAFT_FROM and ticket.status not in QUIET_STATUSES:
        cannot_draft = gettext(CANNOT_DRAFT_STATUS).format(status=ticket.status)
    may_draft = may_propose and not cannot_draft
    draft_form = None
    if may_draft and (draft or draft_key() in bound):
        draft_form = bound.get(draft_key()) or ProposalDraftForm(
            initial={"expected_revision": ticket.revision, "modality": Modality.REMOTE, "billing": BillingMode.HOURLY},
            price_items=price_items(),
            auto_id="id_advisory_draft_%s",
        )
    return {
        "proposals": proposals,
        "live": live,
        "draft_key": draft_key(),
        "may_draft": may_draft,
        "draft_form": draft_form,
        "cannot_draft": cannot_draft if may_propose else "",
        "may_propose": may_propose,
        "may_work": may_work,
        "is_manager": is_manager,
        "notice": bound.get(NOTICE_KEY),
        "pause_reason": pause_reason(ticket, panel),
        # Shown at all when there is something to read or something this person may start.
        "visible": bool(proposals) or may_propose,
    }


def _engagement_context(view: selectors.EngagementPanel, *, user: User, bound: dict, may_work: bool) -> dict:
    engagement = view.engagement
    editable = view.entries_editable
    is_manager = permissions.can(user, "console.manage_team")
    sessions = []
    for session in view.statement.sessions:
        entries = []
        for entry in session.entries:
            row = {"entry": entry}
            if may_work and editable and (entry.analyst == user.pk or is_manager):
                key = entry_key(entry.key)
                row["key"] = key
                row["form"] = bound.get(key) or TimeEntryEditForm(initial=_entry_initial(entry), auto_id=f"id_{key}_%s")
            entries.append(row)
        sessions.append({"session": session, "entries": entries})
    context = {
        "view": view,
        "engagement": engagement,
        "sessions": sessions,
        "editable": editable,
        "waiting_report": view.waiting_report,
    }
    if may_work and engagement.is_open:
        key = engagement_key("appointment", engagement.pk)
        context["appointment_key"] = key
        context["appointment_form"] = bound.get(key) or AppointmentForm(
            initial={"analyst": str(user.pk)}, auto_id=f"id_{key}_%s"
        )
    if may_work and editable:
        key = engagement_key("entry", engagement.pk)
        context["entry_key"] = key
        context["entry_form"] = bound.get(key) or TimeEntryForm(auto_id=f"id_{key}_%s")
        context["may_send_report"] = bool(view.statement.sessions)
    context["may_preview"] = may_work and engagement.is_open
    return context
