"""The technical advisory in the staff console (domain.md §8): the panel's actions on the ticket
page and the commercial page (proposals by state, billing waiting for export, the batches).

Thin like the rest of the console: one access function, one service call with
`now=clock.now()`, render. The capability is checked here only to answer 403 before any work
(and to draw only the buttons a person may use); the services check it again and decide
everything else. A refusal changes nothing: the ticket page comes back with the form as it was
typed and the service's message (400; 403 when the person may not; 409 when the proposal or the
report moved on meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.accounts import permissions
from servicedesk.accounts.permissions import require
from servicedesk.accounts.selectors import local_date
from servicedesk.advisory import services
from servicedesk.advisory.access import access_batch, access_engagement, access_proposal, access_report
from servicedesk.advisory.money import format_brl
from servicedesk.advisory.selectors import price_list_on
from servicedesk.console import advisory_forms as af
from servicedesk.console import selectors
from servicedesk.console.views import _render_workspace  # the ticket page these actions come back to
from servicedesk.core import clock
from servicedesk.core.errors import Conflict, DomainError, NotAllowed, NotFound
from servicedesk.tickets.access import access_ticket

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _found(access: Callable, user, pk):
    try:
        return access(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _ticket_url(ticket_id: int) -> str:
    return reverse("console:ticket", args=[ticket_id]) + "#assessoria"


def _status_of(exc: DomainError) -> int:
    if isinstance(exc, NotAllowed):
        return 403
    if isinstance(exc, Conflict):
        return 409
    return 400


def _submit(request, ticket_id: int, *, key: str, form, call: Callable, done: Callable[[object], str]):
    """Parse `form`, run `call(data, now)` (one service), and redirect to the panel; on a
    refusal re-render the ticket page with the form kept and the service's message."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data, clock.now())
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            for field, message in (exc.fields or {}).items():
                form.add_error(field if field in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
            messages.error(request, exc.message)
            status = _status_of(exc)
        else:
            messages.success(request, done(result))
            return HttpResponseRedirect(_ticket_url(ticket_id))
    else:
        messages.error(request, _("Confira os campos destacados."))
        status = 400
    ticket = _found(access_ticket, request.user, ticket_id)  # as it is now (nothing was applied)
    if "expected_revision" in form.fields and status == 409:
        # A stale page: keep the text, now based on the revision the person is looking at.
        data = request.POST.copy()
        data["expected_revision"] = str(ticket.revision)
        form.data = data
    return _render_workspace(request, ticket, bound={key: form}, status=status)


def _price_items():
    return price_list_on(local_date(clock.now()))


# --------------------------------------------------------------------------- proposals


@require("console.access", deny=404)
@require_POST
def proposal_draft(request, ticket_id: int):
    ticket = _found(access_ticket, request.user, ticket_id)
    refused = permissions.check(request, "advisory.propose", ticket)
    if refused is not None:
        return refused
    form = af.ProposalDraftForm(request.POST, price_items=_price_items(), auto_id="id_advisory_draft_%s")

    def call(data, now):
        return services.proposal_draft(
            ticket=ticket, actor=request.user, now=now, expected_revision=data["expected_revision"], **form.terms()
        )

    return _submit(
        request,
        ticket.pk,
        key=af.draft_key(),
        form=form,
        call=call,
        done=lambda p: (
            _("Proposta #%(id)d em preparação: o chamado está em COM-PROPOSTA. Revise e envie ao cliente.")
            % {"id": p.pk}
        ),
    )


def _proposal_action(request, proposal_id: int):
    proposal = _found(access_proposal, request.user, proposal_id)
    return proposal, permissions.check(request, "advisory.propose", proposal.ticket)


@require("console.access", deny=404)
@require_POST
def proposal_update(request, proposal_id: int):
    proposal, refused = _proposal_action(request, proposal_id)
    if refused is not None:
        return refused
    key = af.proposal_key("edit", proposal.pk)
    form = af.ProposalForm(request.POST, price_items=_price_items(), auto_id=f"id_{key}_%s")
    return _submit(
        request,
        proposal.ticket_id,
        key=key,
        form=form,
        call=lambda data, now: services.proposal_update(proposal=proposal, actor=request.user, now=now, **form.terms()),
        done=lambda p: _("Rascunho da proposta #%(id)d salvo.") % {"id": p.pk},
    )


@require("console.access", deny=404)
@require_POST
def proposal_send(request, proposal_id: int):
    proposal, refused = _proposal_action(request, proposal_id)
    if refused is not None:
        return refused
    return _submit(
        request,
        proposal.ticket_id,
        key=af.NOTICE_KEY,
        form=af.NoticeForm(request.POST),
        call=lambda data, now: services.proposal_send(proposal=proposal, actor=request.user, now=now),
        done=lambda p: (
            _("Proposta #%(id)d enviada: os aprovadores do cliente foram avisados por e-mail.") % {"id": p.pk}
        ),
    )


@require("console.access", deny=404)
@require_POST
def proposal_cancel(request, proposal_id: int):
    proposal, refused = _proposal_action(request, proposal_id)
    if refused is not None:
        return refused
    key = af.proposal_key("cancel", proposal.pk)
    return _submit(
        request,
        proposal.ticket_id,
        key=key,
        form=af.ProposalCancelForm(request.POST, auto_id=f"id_{key}_%s"),
        call=lambda data, now: services.proposal_cancel(
            proposal=proposal, actor=request.user, now=now, reason=data["reason"]
        ),
        done=lambda p: _("Proposta #%(id)d cancelada: o chamado voltou para EM ATENDIMENTO.") % {"id": p.pk},
    )


# --------------------------------------------------------------------------- the engagement


def _engagement_action(request, engagement_id: int):
    engagement = _found(access_engagement, request.user, engagement_id)
    return engagement, permissions.check(request, "advisory.work", engagement.ticket)


@require("console.access", deny=404)
@require_POST
def appointment_schedule(request, engagement_id: int):
    engagement, refused = _engagement_action(request, engagement_id)
    if refused is not None:
        return refused
    key = af.engagement_key("appointment", engagement.pk)

    def call(data, now):
        return services.appointment_schedule(
            engagement=engagement,
            actor=request.user,
            now=now,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            analyst=data["analyst"] or None,
            location=data["location"],
            notes=data["notes"],
        )

    return _submit(
        request,
        engagement.ticket_id,
        key=key,
        form=af.AppointmentForm(request.POST, auto_id=f"id_{key}_%s"),
        call=call,
        done=lambda a: _("Agendamento registrado: o convite (.ics) vai para o analista e os aprovadores."),
    )


@require("console.access", deny=404)
@require_POST
def time_entry_log(request, engagement_id: int):
    engagement, refused = _engagement_action(request, engagement_id)
    if refused is not None:
        return refused
    key = af.engagement_key("entry", engagement.pk)

    def call(data, now):
        return services.time_entry_log(
            engagement=engagement,
            actor=request.user,
            now=now,
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            activity=data["activity"],
            analyst=data["analyst"] or None,
        )

    return _submit(
        request,
        engagement.ticket_id,
        key=key,
        form=af.TimeEntryForm(request.POST, auto_id=f"id_{key}_%s"),
        call=call,
        done=lambda e: _("Apontamento registrado."),
    )


@require("console.access", deny=404)
@require_POST
def time_entry_update(request, engagement_id: int, entry_id: int):
    engagement, refused = _engagement_action(request, engagement_id)
    if refused is not None:
        return refused
    key = af.entry_key(entry_id)

    def call(data, now):
        return services.time_entry_update(
            engagement=engagement,
            entry_id=entry_id,
            actor=request.user,
            now=now,
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            activity=data["activity"],
        )

    return _submit(
        request,
        engagement.ticket_id,
        key=key,
        form=af.TimeEntryEditForm(request.POST, auto_id=f"id_{key}_%s"),
        call=call,
        done=lambda e: _("Apontamento corrigido."),
    )


@require("console.access", deny=404)
@require_POST
def time_entry_delete(request, engagement_id: int, entry_id: int):
    engagement, refused = _engagement_action(request, engagement_id)
    if refused is not None:
        return refused
    return _submit(
        request,
        engagement.ticket_id,
        key=af.NOTICE_KEY,
        form=af.NoticeForm(request.POST),
        call=lambda data, now: services.time_entry_delete(
            engagement=engagement, entry_id=entry_id, actor=request.user, now=now
        ),
        done=lambda _none: _("Apontamento excluído."),
    )


@require("console.access", deny=404)
@require_POST
def report_send(request, engagement_id: int):
    engagement, refused = _engagement_action(request, engagement_id)
    if refused is not None:
        return refused
    return _submit(
        request,
        engagement.ticket_id,
        key=af.NOTICE_KEY,
        form=af.NoticeForm(request.POST),
        call=lambda data, now: services.report_send(engagement=engagement, actor=request.user, now=now),
        done=lambda r: (
            _(
                "Relatório versão %(version)d enviado para validação (%(amount)s): os apontamentos ficam congelados "
                "até o cliente decidir."
            )
            % {"version": r.version, "amount": format_brl(r.amount)}
        ),
    )


@require("console.access", deny=404)
@require_GET
def report_preview(request, engagement_id: int):
    """The PDF the next version would be, from the entries as they stand (nothing is saved)."""
    engagement, refused = _engagement_action(request, engagement_id)
    if refused is not None:
        return refused
    try:
        document = services.report_preview_pdf(engagement=engagement, actor=request.user, now=clock.now())
    except NotAllowed as exc:
        return HttpResponse(exc.message, status=403, content_type="text/plain; charset=utf-8")
    name = f"previa-relatorio-assessoria-chamado-{engagement.ticket_id}.pdf"
    return _file(document, "application/pdf", name, attachment=False)


@require("console.access", deny=404)
@require_GET
def report_pdf(request, report_id: int):
    """A sent version, exactly as the customer downloads it."""
    report = _found(access_report, request.user, report_id)
    return _file(bytes(report.pdf), "application/pdf", report.filename)


def _file(content: bytes, content_type: str, filename: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- the commercial page


def _may_see_commercial(user) -> bool:
    return permissions.can(user, "advisory.propose") or permissions.can(user, "advisory.bill")


def _render_commercial(request, *, status: int = 200):
    user = request.user
    tab = request.GET.get("situacao", "")
    if tab not in selectors.PROPOSAL_TABS:
        tab = selectors.DEFAULT_PROPOSAL_TAB
    counts = selectors.advisory_proposal_counts(user=user)
    line_count, line_total = selectors.advisory_waiting_total(user=user)
    context = {
        "tab": tab,
        "tabs": [(key, _(label), counts[key]) for key, label in selectors.PROPOSAL_TABS.items()],
        "proposals": selectors.paginate(selectors.advisory_proposals(user=user, status=tab), request.GET.get("pagina")),
        "lines": selectors.paginate(selectors.advisory_waiting_lines(user=user), request.GET.get("pagina_linhas")),
        "line_count": line_count,
        "line_total": line_total,
        "may_bill": permissions.can(user, "advisory.bill"),
        "batches": selectors.paginate(selectors.advisory_batches(user=user), request.GET.get("pagina_lotes")),
    }
    if request.htmx and request.htmx.target == "advisory-proposals" and not request.htmx.history_restore_request:
        return render(request, "console/advisory/_proposals.html", context, status=status)
    return render(request, "console/advisory.html", context, status=status)


@require("console.access", deny=404)
@require_GET
def commercial(request):
    if not _may_see_commercial(request.user):
        raise Http404
    return _render_commercial(request)


@require("console.access", deny=404)
@require_POST
def billing_export(request):
    """Every billing line not yet exported into one numbered batch (advisory.bill)."""
    refused = permissions.check(request, "advisory.bill")
    if refused is not None:
        return refused
    try:
        batch = services.billing_export_create(actor=request.user, now=clock.now())
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render_commercial(request, status=_status_of(exc))
    messages.success(
        request,
        _("Lote %(number)d exportado: %(count)d linha(s), total %(total)s. Baixe o CSV ou o XLSX abaixo.")
        % {"number": batch.number, "count": batch.line_count, "total": format_brl(batch.total)},
    )
    return HttpResponseRedirect(reverse("console:advisory") + "#lotes")


def _batch_filename(batch, extension: str) -> str:
    return f"faturamento-lote-{batch.number:04d}.{extension}"


@require("console.access", deny=404)
@require_GET
def batch_csv(request, batch_id: int):
    batch = _found(access_batch, request.user, batch_id)  # advisory.bill only; anyone else: not found
    return _file(services.batch_csv(batch), "text/csv; charset=utf-8", _batch_filename(batch, "csv"))


@require("console.access", deny=404)
@require_GET
def batch_xlsx(request, batch_id: int):
    batch = _found(access_batch, request.user, batch_id)
    return _file(services.batch_xlsx(batch), XLSX, _batch_filename(batch, "xlsx"))
