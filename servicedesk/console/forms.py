"""Forms of the staff console. They parse input only; every rule is in the services.

Every workspace form carries `expected_revision` (the ticket's revision when the page was
rendered): the service refuses a write based on an older revision (optimistic concurrency).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from servicedesk.accounts.models import Team
from servicedesk.channels.models import CallDirection
from servicedesk.console.selectors import staff_choices
from servicedesk.sla.engine.policy import Severity, TicketStatus, TicketType
from servicedesk.ui.forms import MultipleFileInput


class BrasiliaDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read as Brasília time, returned aware."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"):
            try:
                naive = datetime.strptime(str(value).strip(), fmt)  # noqa: DTZ007 — zone attached below
            except ValueError:
                continue
            return naive.replace(tzinfo=ZoneInfo(settings.DISPLAY_TIME_ZONE))
        raise forms.ValidationError(_("Informe data e hora (dd/mm/aaaa hh:mm)."), code="invalid")

    def prepare_value(self, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).strftime("%Y-%m-%dT%H:%M")
        return value


class RevisionForm(forms.Form):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class CommentForm(RevisionForm):
    body = forms.CharField(label=_("Mensagem"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    files = MultipleFileField(label=_("Anexos"))
    # "Enviar e alterar status": the reply becomes the public message of the move (one step).
    then = forms.ChoiceField(
        label=_("Depois de enviar"),
        choices=[("", _("manter o status")), *((s.value, s.value) for s in TicketStatus)],
        required=False,
    )


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=120, required=False)
    body = forms.CharField(
        label=_("Texto"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "Variáveis: {cliente}, {numero}, {titulo}, {organizacao}, {analista}, {prazo_diagnostico}, {prazo_solucao}."
        ),
    )
    team = forms.ModelChoiceField(
        label=_("De quem"), queryset=Team.objects.none(), required=False, empty_label=_("Pessoal (só eu)")
    )

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()


class AssignForm(RevisionForm):
    assignee = forms.ModelChoiceField(
        label=_("Responsável"), queryset=None, required=False, empty_label=_("— ninguém —")
    )
    team = forms.ModelChoiceField(label=_("Equipe"), queryset=None, required=False, empty_label=_("— manter —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_choices()
        self.fields["team"].queryset = Team.objects.order_by("name")


class TransitionForm(RevisionForm):
    # Any status: the transition table decides, and a refusal is shown as the service's message.
    to = forms.ChoiceField(label=_("Novo status"), choices=[(s.value, s.value) for s in TicketStatus])
    note = forms.CharField(
        label=_("Mensagem ao cliente"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Obrigatória para pedir informações, resolver e cancelar. Vai ao cliente por e-mail."),
    )


class DiagnosisForm(RevisionForm):
    note = forms.CharField(label=_("Diagnóstico"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReclassifyForm(RevisionForm):
    type = forms.ChoiceField(label=_("Tipo"), choices=[(t.value, t.value) for t in TicketType])
    severity = forms.ChoiceField(label=_("Severidade"), choices=[(s.value, s.value) for s in Severity])
    justification = forms.CharField(label=_("Justificativa"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    triggering_fact = forms.CharField(label=_("Fato gerador (opcional)"), max_length=500, required=False)


class FixLinkForm(RevisionForm):
    """The release that fixes a Problema (the page lists the product's releases)."""

    release = forms.IntegerField(label=_("Versão que corrige"), min_value=1, max_value=2**63 - 1)


class ReopenDecisionForm(RevisionForm):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Motivo da recusa"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PhoneCallForm(RevisionForm):
    contact_name = forms.CharField(label=_("Contato"), max_length=160, required=False)
    direction = forms.ChoiceField(label=_("Direção"), choices=CallDirection.choices, initial=CallDirection.INBOUND)
    started_at = BrasiliaDateTimeField(label=_("Início (horário de Brasília)"), required=False)
    duration = forms.IntegerField(label=_("Duração (minutos)"), required=False, min_value=0)
    summary = forms.CharField(label=_("Resumo"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class VideoCallForm(RevisionForm):
    starts_at = BrasiliaDateTimeField(label=_("Data e hora (horário de Brasília)"), required=False)
    duration = forms.IntegerField(label=_("Duração (minutos)"), required=False, min_value=0, initial=30)
    link = forms.CharField(label=_("Link da reunião"), max_length=500, required=False)
    participants = forms.CharField(
        label=_("Participantes (e-mails)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Separe por vírgula ou por linha."),
    )
    message = forms.CharField(label=_("Mensagem"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BulkReassignForm(forms.Form):
    tickets = forms.TypedMultipleChoiceField(coerce=int, choices=(), label=_("Chamados"))
    assignee = forms.ModelChoiceField(
        label=_("Novo responsável"), queryset=None, required=False, empty_label=_("— ninguém —")
    )
    team = forms.ModelChoiceField(label=_("Equipe"), queryset=None, required=False, empty_label=_("— manter —"))

    def __init__(self, *args, ticket_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tickets"].choices = [(pk, pk) for pk in ticket_ids]
        self.fields["tickets"].error_messages["required"] = _("Selecione pelo menos um chamado.")
        self.fields["tickets"].error_messages["invalid_choice"] = _("Chamado fora das suas equipes.")
        self.fields["assignee"].queryset = staff_choices()
        self.fields["team"].queryset = Team.objects.order_by("name")
