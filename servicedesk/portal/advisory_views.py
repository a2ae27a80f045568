"""The technical advisory in the customer portal (domain.md §8): an approver accepts or refuses a
proposal and validates or contests a report; every user of the organization downloads the
report's PDF and reads the price list "Serviços e Valores".

Thin views, as the rest of the portal: parse the form, one access function (another
organization's proposal or report is a 404, whoever asks), one service with `now` from the clock,
then the ticket page again — redirected after a decision, re-rendered with the service's message
(and what was typed) when it refuses. Who may decide is the services' rule, never only this
module's: a non-approver's forged POST reaches the service and is refused there.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicedesk.accounts.permissions import require
from servicedesk.accounts.selectors import local_date
from servicedesk.advisory import services as advisory_services
from servicedesk.advisory.access import access_proposal, access_report
from servicedesk.advisory.selectors import price_list_on
from servicedesk.core import clock
from servicedesk.core.errors import Conflict, DomainError, NotAllowed, NotFound
from servicedesk.portal.advisory_forms import ProposalDecisionForm, ReportDecisionForm
from servicedesk.portal.views import _detail_context, _ticket_or_404


def _or_404(access, user, pk):
    try:
        return access(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _ticket_page(request, ticket_id: int, anchor: str):
    return redirect(reverse("portal:ticket_detail", args=[ticket_id]) + f"#{anchor}")


def _refused(request, ticket_id: int, form, exc: DomainError | None = None):
    """The ticket page as it stands now, with the refusal on top and beside the form (kept)."""
    ticket = _ticket_or_404(request.user, ticket_id)
    if exc is not None:
        messages.error(request, exc.message)
        for name, text in (exc.fields or {}).items():
            if name in form.fields and name != "decision":
                form.add_error(name, text)
    status = 403 if isinstance(exc, NotAllowed) else 409 if isinstance(exc, Conflict) else 422
    return render(
        request, "portal/ticket_detail.html", _detail_context(request, ticket, advisory_form=form), status=status
    )


@require_POST
@require("portal.access")
def proposal_decide(request, pk: int):
    proposal = _or_404(access_proposal, request.user, pk)
    form = ProposalDecisionForm(request.POST, proposal_id=proposal.pk)
    if not form.is_valid():
        return _refused(request, proposal.ticket_id, form)
    decision = form.cleaned_data["decision"]
    try:
        advisory_services.proposal_decide(
            proposal=proposal,
            actor=request.user,
            now=clock.now(),
            decision=decision,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        return _refused(request, proposal.ticket_id, form, exc)
    if decision == "aceita":
        messages.success(
            request,
            _(
                "Proposta aceita. A equipe WeConnect vai agendar a assessoria; o prazo do chamado continua "
                "pausado até a validação do relatório."
            ),
        )
    else:
        messages.success(request, _("Proposta recusada. O chamado voltou ao atendimento e o prazo voltou a contar."))
    return _ticket_page(request, proposal.ticket_id, f"proposta-{proposal.pk}")


@require_POST
@require("portal.access")
def report_decide(request, pk: int):
    report = _or_404(access_report, request.user, pk)
    ticket_id = report.engagement.ticket_id
    form = ReportDecisionForm(request.POST, report_id=report.pk)
    if not form.is_valid():
        return _refused(request, ticket_id, form)
    decision = form.cleaned_data["decision"]
    try:
        advisory_services.report_decide(
            report=report,
            actor=request.user,
            now=clock.now(),
            decision=decision,
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        return _refused(request, ticket_id, form, exc)
    if decision == "validado":
        messages.success(
            request,
            _("Relatório validado. As horas seguem para faturamento e o chamado voltou ao atendimento."),
        )
    else:
        messages.success(
            request,
            _("Relatório contestado. A equipe WeConnect vai corrigi-lo e enviar uma nova versão para validação."),
        )
    return _ticket_page(request, ticket_id, f"relatorio-{report.pk}")


@require("portal.access")
def report_pdf(request, pk: int):
    """One version of a report as its PDF: users of the ticket's organization only (404 otherwise)."""
    report = _or_404(access_report, request.user, pk)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, report.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require("portal.access")
def price_list(request):
    """ "Serviços e Valores" in force today (Brasília), the list every proposal takes its price from."""
    today = local_date(clock.now())
    return render(request, "portal/price_list.html", {"items": price_list_on(today), "today": today})
