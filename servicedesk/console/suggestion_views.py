"""Triage of improvement suggestions (domain.md §10) in the console: the list (by status) and
the page of one suggestion with its history, the status form (only the moves the workflow
allows from where it stands are offered; the service checks them again) and ticket linking."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from servicedesk.accounts.permissions import require
from servicedesk.core import clock
from servicedesk.core.errors import DomainError, NotFound
from servicedesk.suggestions import selectors, services
from servicedesk.suggestions.access import access_suggestion
from servicedesk.suggestions.workflow import ALLOWED, LABELS, REASON_REQUIRED, SuggestionStatus
from servicedesk.tickets.access import ticket_queryset_for

PAGE = 200


class MoveForm(forms.Form):
    status = forms.CharField(label=gettext_lazy("Nova situação"), max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("Motivo"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Obrigatório para recusar. Na recusa e no planejamento, o cliente lê este texto; nas demais mudanças, é uma nota interna."
        ),
    )
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)


class LinkForm(forms.Form):
    ticket = forms.IntegerField(label=gettext_lazy("Chamado nº"), min_value=1, max_value=2**62)


def _suggestion_or_404(user, pk):
    try:
        return access_suggestion(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require("console.access", deny=404)
def suggestion_list(request):
    status = request.GET.get("situacao", "")
    return render(
        request,
        "console/suggestions.html",
        {
            "suggestions": selectors.suggestion_list(request.user, status=status)[:PAGE],
            "status": status,
            "statuses": [(s.value, LABELS[s]) for s in SuggestionStatus],
        },
    )


def _page(request, suggestion, *, move_form=None, link_form=None, status=200):
    targets = [(t.value, LABELS[t]) for t in SuggestionStatus if t in ALLOWED[SuggestionStatus(suggestion.status)]]
    return render(
        request,
        "console/suggestion.html",
        {
            "suggestion": suggestion,
            "history": selectors.suggestion_history(suggestion, request.user),
            "tickets": suggestion.tickets.order_by("pk"),
            "targets": targets,
            "reason_required": [s.value for s in REASON_REQUIRED],
            "move_form": move_form or MoveForm(initial={"expected_status": suggestion.status}),
            "link_form": link_form or LinkForm(),
        },
        status=status,
    )


@require("console.access", deny=404)
def suggestion_detail(request, pk: int):
    return _page(request, _suggestion_or_404(request.user, pk))


@require_POST
@require("console.access", deny=404)
def suggestion_move(request, pk: int):
    suggestion = _suggestion_or_404(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _page(request, suggestion, move_form=form, status=422)
    data = form.cleaned_data
    try:
        services.suggestion_move(
            suggestion=suggestion,
            actor=request.user,
            to=data["status"],
            reason=data["reason"],
            expected_status=data["expected_status"] or None,
            now=clock.now(),
        )
    except DomainError as exc:
        form.add_error("reason" if exc.fields.get("reason") else None, exc.message)
        suggestion.refresh_from_db()
        return _page(request, suggestion, move_form=form, status=exc.status_code)
    messages.success(request, _("Situação da sugestão atualizada; o autor foi avisado por e-mail."))
    return redirect("console:suggestion", pk=suggestion.pk)


@require_POST
@require("console.access", deny=404)
def suggestion_link(request, pk: int):
    suggestion = _suggestion_or_404(request.user, pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _page(request, suggestion, link_form=form, status=422)
    ticket = ticket_queryset_for(request.user).filter(pk=form.cleaned_data["ticket"]).first()
    try:
        services.suggestion_link_ticket(suggestion=suggestion, ticket=ticket, actor=request.user)
    except DomainError as exc:
        form.add_error("ticket", exc.message)
        return _page(request, suggestion, link_form=form, status=exc.status_code)
    messages.success(request, _("Chamado vinculado à sugestão."))
    return redirect("console:suggestion", pk=suggestion.pk)
