"""The service catalog (issue 10): "Abrir chamado" starts from cards — Problema, Dúvida, the
requests of domain.md §3 (training, commercial proposal, license key) and the improvement
suggestion (§10) — each with its own short form; the articles suggested while a Problema or a
Dúvida is typed (deflection); the organization's suggestions. Thin views: parse, one access
function or selector, one service, render. The rules are in tickets/services, requests/services
and suggestions/services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.accounts.permissions import require
from servicedesk.accounts.selectors import local_date, user_is_trained
from servicedesk.core import clock
from servicedesk.core.errors import DomainError, NotFound
from servicedesk.core.ratelimit import hit
from servicedesk.knowledge.search import article_search
from servicedesk.portal import views
from servicedesk.portal.catalog_forms import LicenseKeyForm, ProposalForm, SuggestionForm
from servicedesk.portal.forms import TrainingRequestForm
from servicedesk.requests import services as request_services
from servicedesk.sla.engine.policy import TicketType
from servicedesk.suggestions import selectors as suggestion_selectors
from servicedesk.suggestions import services as suggestion_services
from servicedesk.suggestions.access import access_suggestion
from servicedesk.suggestions.workflow import LABELS, SuggestionStatus
from servicedesk.tickets.access import ticket_queryset_for

# The cards: (url name, title, what it is for, open to an untrained user).
CARDS = [
    (
        "portal:catalog_problem",
        gettext_lazy("Problema"),
        gettext_lazy("Algo não funciona como deveria no sistema."),
        False,
    ),
    ("portal:catalog_question", gettext_lazy("Dúvida"), gettext_lazy("Dúvida sobre como usar o sistema."), False),
    (
        "portal:catalog_training",
        gettext_lazy("Solicitação de treinamento"),
        gettext_lazy("Treinamento em um módulo: a equipe de treinamento entra em contato."),
        True,
    ),
    (
        "portal:catalog_proposal",
        gettext_lazy("Proposta comercial"),
        gettext_lazy("Um serviço, implantação ou customização: a equipe comercial prepara a proposta."),
        False,
    ),
    (
        "portal:catalog_license_key",
        gettext_lazy("Chave de licença"),
        gettext_lazy("Uma chave para um servidor de produção ou homologação."),
        False,
    ),
    (
        "portal:suggestion_new",
        gettext_lazy("Sugestão de melhoria"),
        gettext_lazy("Uma ideia para o produto: a equipe analisa e conta o que foi decidido."),
        True,
    ),
]
SUGGESTED_ARTICLES = 3  # the widget shows at most this many
QUERY_MAX = 200  # characters of the title (and of the description) that are searched
TITLE_HEAD_WORDS = 3  # then the title's first words only
DESCRIPTION_WORDS = 6  # the description is searched only by its first words, if the title finds nothing


def _trained(request) -> bool:
    return user_is_trained(request.user, on=local_date(clock.now()))


@require("portal.access")
def catalog(request):
    trained = _trained(request)
    cards = [
        {"url": name, "title": title, "help": help_text, "enabled": trained or untrained_ok}
        for name, title, help_text, untrained_ok in CARDS
    ]
    return render(request, "portal/catalog.html", {"cards": cards, "trained": trained})


def problem(request):
    return views.ticket_new(request, fixed_type=TicketType.PROBLEM)


def question(request):
    return views.ticket_new(request, fixed_type=TicketType.QUESTION)


def _request_page(request, template, form, *, status=200):
    return render(request, template, {"form": form, "trained": _trained(request)}, status=status)


def _request_view(request, form_class, template, open_ticket, message):
    """A catalog request (training, license key, proposal): a blank form on GET; on POST the
    form, one service call (`open_ticket(cleaned_data)`), then the new ticket's page."""
    organization = request.user.organization
    if request.method != "POST":
        return _request_page(request, template, form_class(organization=organization))
    form = form_class(request.POST, organization=organization)
    return views.submit_ticket_form(request, form, open_ticket, message) or _request_page(request, template, form)


@require("portal.access")
def training(request):
    """The training request of the catalog (the one request an untrained user may open, §3):
    the same questions and service as the untrained page's training request."""
    return _request_view(
        request,
        TrainingRequestForm,
        "portal/catalog_training.html",
        views.open_training_request(request),
        _(views.TRAINING_REGISTERED),
    )


@require("portal.access")
def license_key(request):
    return _request_view(
        request,
        LicenseKeyForm,
        "portal/catalog_license_key.html",
        lambda data: request_services.license_key_request(
            requester=request.user,
            product=data["product"],
            environment=data["environment"],
            server_identification=data["server_identification"],
            notes=data["notes"],
            now=clock.now(),
        ),
        _("Pedido de chave de licença #%(number)s aberto."),
    )


@require("portal.access")
def proposal(request):
    return _request_view(
        request,
        ProposalForm,
        "portal/catalog_proposal.html",
        lambda data: request_services.proposal_request(
            requester=request.user,
            module=data["module"],
            subject=data["subject"],
            details=data["details"],
            now=clock.now(),
        ),
        _("Pedido de proposta comercial #%(number)s aberto."),
    )


# --------------------------------------------------------------------------- deflection


@require("portal.access")
def article_suggestions(request):
    """The articles the customer may read that match what is typed (htmx partial). Cheap: at
    most SUGGESTED_ARTICLES hits, the first QUERY_MAX characters, three searches at most, and
    PORTAL_ARTICLE_SUGGESTIONS_PER_MINUTE requests per user (over it: nothing is searched)."""
    limit = settings.PORTAL_ARTICLE_SUGGESTIONS_PER_MINUTE
    if hit(f"kb-suggest:user:{request.user.pk}", limit=limit, window=60) is not None:
        return HttpResponse(status=204)
    title = " ".join(request.GET.get("title", "")[:QUERY_MAX].split())
    description = " ".join(request.GET.get("description", "")[:QUERY_MAX].split()[:DESCRIPTION_WORDS])
    result = None
    query = ""
    # Every word must match (knowledge.search): a long title ("horas extras de novembro não
    # aparecem") may find nothing, so its first words (the subject, as titles are written) are
    # tried next, then the description's first words.
    for query in dict.fromkeys((title, " ".join(title.split()[:TITLE_HEAD_WORDS]), description)):
        if not query:
            continue
        result = article_search(request.user, query=query, limit=SUGGESTED_ARTICLES)
        if result.hits:
            break
    return render(
        request,
        "portal/_article_suggestions.html",
        {"result": result if result and result.hits else None, "query": title or query},
    )


# --------------------------------------------------------------------------- suggestions


def _suggestion_or_404(user, pk):
    try:
        return access_suggestion(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require("portal.access")
def suggestion_list(request):
    status = request.GET.get("situacao", "")
    suggestions = suggestion_selectors.suggestion_list(request.user, status=status)[:100]
    return render(
        request,
        "portal/suggestion_list.html",
        {
            "suggestions": suggestions,
            "status": status,
            "statuses": [(s.value, LABELS[s]) for s in SuggestionStatus],
        },
    )


@require("portal.access")
def suggestion_new(request):
    organization = request.user.organization
    if request.method != "POST":
        return render(request, "portal/suggestion_new.html", {"form": SuggestionForm(organization=organization)})
    form = SuggestionForm(request.POST, organization=organization)
    if form.is_valid():
        data = form.cleaned_data
        numbers = data["ticket_numbers"]
        tickets = list(ticket_queryset_for(request.user).filter(pk__in=numbers)) if numbers else []
        if len(tickets) != len(set(numbers)):
            form.add_error("ticket_numbers", _("Chamado não encontrado na sua organização."))
        else:
            try:
                suggestion = suggestion_services.suggestion_create(
                    author=request.user,
                    product=data["product"],
                    module=data["module"],
                    title=data["title"],
                    description=data["description"],
                    tickets=tickets,
                    now=clock.now(),
                )
            except DomainError as exc:
                form.apply_errors(exc.fields, exc.message)
            else:
                messages.success(
                    request,
                    _("Sugestão #%(number)s recebida. Você receberá um e-mail a cada mudança de situação.")
                    % {"number": suggestion.pk},
                )
                return redirect("portal:suggestion_detail", pk=suggestion.pk)
    return render(request, "portal/suggestion_new.html", {"form": form})


@require("portal.access")
def suggestion_detail(request, pk: int):
    suggestion = _suggestion_or_404(request.user, pk)
    return render(
        request,
        "portal/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "reason": suggestion_selectors.public_reason(suggestion, request.user),
            "history": suggestion_selectors.suggestion_history(suggestion, request.user),
            "tickets": ticket_queryset_for(request.user).filter(suggestions=suggestion).order_by("pk"),
        },
    )
