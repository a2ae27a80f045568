"""The approver's decisions in the portal (domain.md §8). They parse input only: whether the person
may decide, whether the proposal or report still waits, and that a refusal has a reason and a
contest a comment are the services' rules (advisory.services), mapped back onto these fields.

Each form belongs to one proposal or report (`target`), and its ids carry that object's id, so the
forms of several objects — and the ticket's own cancel form — never share an id on the page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_REASON = 2000  # advisory.services.proposals keeps at most this much of a refusal reason
MAX_COMMENT = 4000  # and of a contest comment (advisory.services.reports)


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("aceita", _("Aceitar")), ("recusada", _("Recusar"))])
    reason = forms.CharField(
        label=_("Motivo da recusa"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON}),
        help_text=_("A equipe WeConnect lê o motivo para ajustar ou encerrar a proposta."),
    )

    def __init__(self, *args, proposal_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_proposta_{proposal_id}_%s")
        super().__init__(*args, **kwargs)
        self.target = ("proposal", proposal_id)


class ReportDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("validado", _("Validar")), ("contestado", _("Contestar"))])
    comment = forms.CharField(
        label=_("O que precisa ser corrigido?"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_COMMENT}),
        help_text=_(
            "Por exemplo: a data, as horas ou a atividade de um apontamento. A equipe corrige e envia uma nova versão."
        ),
    )

    def __init__(self, *args, report_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_relatorio_{report_id}_%s")
        super().__init__(*args, **kwargs)
        self.target = ("report", report_id)


def decision_forms(advisory: dict, bound: forms.Form | None = None) -> None:
    """Give each proposal and report that waits for a decision its form (`decision_form`): the
    bound one that was just refused for that object, keeping what was typed, or a blank one."""
    target = getattr(bound, "target", None)
    proposal = advisory["waiting_proposal"]
    if proposal is not None:
        proposal.decision_form = (
            bound if target == ("proposal", proposal.pk) else ProposalDecisionForm(proposal_id=proposal.pk)
        )
    for report in advisory["waiting_reports"]:
        report.decision_form = bound if target == ("report", report.pk) else ReportDecisionForm(report_id=report.pk)
