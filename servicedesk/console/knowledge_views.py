"""The knowledge base in the console (issue 10): list and search every article, write and edit
(each edit a version), publish and archive (reviewers), compare versions, upload images; in the
ticket workspace, search the knowledge base and insert an article's link into the reply, and turn
a resolved ticket into a draft article. Thin views: parse, one access function, one service, render;
capabilities are checked by knowledge.services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.accounts.permissions import require
from servicedesk.console.knowledge_forms import ArticleForm, ArticleImageForm, TicketArticleForm
from servicedesk.core import clock
from servicedesk.core.errors import DomainError, NotFound, ServiceUnavailable
from servicedesk.knowledge import services
from servicedesk.knowledge.access import access_article_by_id, article_queryset_for
from servicedesk.knowledge.models import ArticleStatus
from servicedesk.knowledge.rendering import markdown_html
from servicedesk.knowledge.search import article_search
from servicedesk.knowledge.versions import article_version_diff
from servicedesk.tickets.access import access_ticket

MAX_QUERY = 200
LIST_LIMIT = 50
PICKER_LIMIT = 8


def _article_or_404(request, pk):
    try:
        return access_article_by_id(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _ticket_or_404(request, ticket_id):
    try:
        return access_ticket(request.user, ticket_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _form_errors(form, exc: DomainError) -> None:
    for field, message in (exc.fields or {}).items():
        form.add_error(field if field in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)


def portal_url(article) -> str:
    """The article's absolute portal address (SITE_URL, as the e-mails write it)."""
    return settings.SITE_URL.rstrip("/") + reverse("knowledge:article", args=[article.slug])


@require("console.access", deny=404)
@require_GET
def kb_list(request):
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    status = request.GET.get("situacao", "")
    status = status if status in ArticleStatus.values else ""
    result = article_search(request.user, query=query, limit=LIST_LIMIT) if query else None
    articles = article_queryset_for(request.user).select_related("author", "reviewer").order_by("-updated_at", "-id")
    if status:
        articles = articles.filter(status=status)
    return render(
        request,
        "console/kb_list.html",
        {
            "query": query,
            "status": status,
            "statuses": ArticleStatus.choices,
            "result": result,
            "articles": None if result else articles[:LIST_LIMIT],
        },
    )


@require("console.access", deny=404)
def kb_create(request):
    form = ArticleForm(request.POST or None, auto_id="id_kb_%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                visibility=data["visibility"],
                category=data["category"],
                products=list(data["products"]),
                now=clock.now(),
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Rascunho criado: um revisor o publica."))
            return HttpResponseRedirect(reverse("console:kb_article", args=[article.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "console/kb_form.html", {"form": form, "article": None}, status=status)


def _article_context(request, article, **extra):
    versions = list(article.versions.select_related("editor").order_by("-number"))
    return {
        "article": article,
        "body_html": mark_safe(markdown_html(article.body)),  # noqa: S308 — sanitised by nh3
        "versions": versions,
        "portal_url": portal_url(article),
        "images": article.images.all(),
        "image_form": ArticleImageForm(auto_id="id_kb_image_%s"),
        **extra,
    }


@require("console.access", deny=404)
@require_GET
def kb_article(request, pk: int):
    article = _article_or_404(request, pk)
    return render(request, "console/kb_article.html", _article_context(request, article))


@require("console.access", deny=404)
def kb_edit(request, pk: int):
    article = _article_or_404(request, pk)
    initial = {
        "title": article.title,
        "body": article.body,
        "visibility": article.visibility,
        "category": article.category_id,
        "products": list(article.products.values_list("pk", flat=True)),
        "expected_version": article.version,
    }
    form = ArticleForm(request.POST or None, initial=initial, auto_id="id_kb_%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.article_update(
                article=article,
                actor=request.user,
                now=clock.now(),
                expected_version=data["expected_version"],
                title=data["title"],
                body=data["body"],
                visibility=data["visibility"],
                category=data["category"],
                products=list(data["products"]),
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Artigo salvo."))
            return HttpResponseRedirect(reverse("console:kb_article", args=[article.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "console/kb_form.html", {"form": form, "article": article}, status=status)


def _review(request, pk: int, service, done: str):
    article = _article_or_404(request, pk)
    try:
        service(article=article, actor=request.user, now=clock.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("console:kb_article", args=[article.pk]))


@require("console.access", deny=404)
@require_POST
def kb_publish(request, pk: int):
    return _review(request, pk, services.article_publish, _("Artigo publicado."))


@require("console.access", deny=404)
@require_POST
def kb_archive(request, pk: int):
    return _review(request, pk, services.article_archive, _("Artigo arquivado."))


@require("console.access", deny=404)
@require_POST
def kb_image_upload(request, pk: int):
    article = _article_or_404(request, pk)
    try:
        image = services.article_image_upload(
            article=article, actor=request.user, upload=request.FILES.get("image"), now=clock.now()
        )
    except DomainError as exc:
        form = ArticleImageForm(request.POST, request.FILES, auto_id="id_kb_image_%s")
        form.is_valid()
        _form_errors(form, exc)
        context = _article_context(request, article, image_form=form)
        # a refused image is the editor's 400; a storage that does not answer now, a 503
        return render(
            request, "console/kb_article.html", context, status=503 if isinstance(exc, ServiceUnavailable) else 400
        )
    messages.success(
        request,
        _("Imagem enviada. Use no conteúdo: ![descrição](/base-de-conhecimento/imagens/{id}/)").format(id=image.pk),
    )
    return HttpResponseRedirect(reverse("console:kb_article", args=[article.pk]))


@require("console.access", deny=404)
@require_GET
def kb_diff(request, pk: int):
    article = _article_or_404(request, pk)
    old = request.GET.get("de") or max(article.version - 1, 1)
    new = request.GET.get("para") or article.version
    try:
        diff = article_version_diff(article, old, new)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    versions = article.versions.order_by("-number").values_list("number", flat=True)
    return render(request, "console/kb_diff.html", {"article": article, "diff": diff, "numbers": list(versions)})


# --------------------------------------------------------------------------- the ticket workspace


@require("console.access", deny=404)
@require_GET
def kb_picker(request, ticket_id: int):
    """The workspace's knowledge-base search (htmx partial): matching articles with snippets, and
    "inserir link" for those the ticket's requester can open (the link would be a 404 otherwise)."""
    ticket = _ticket_or_404(request, ticket_id)
    query = request.GET.get("kbq", "")[:MAX_QUERY].strip()
    result = article_search(request.user, query=query, limit=PICKER_LIMIT) if query else None
    hits = result.hits if result else []
    readable = set(
        article_queryset_for(ticket.requester)
        .filter(pk__in=[hit.article.pk for hit in hits])
        .values_list("pk", flat=True)
    )
    rows = [(hit, portal_url(hit.article) if hit.article.pk in readable else "") for hit in hits]
    return render(request, "console/_kb_picker.html", {"query": query, "result": result, "rows": rows})


@require("console.access", deny=404)
def kb_from_ticket(request, ticket_id: int):
    """ "Transformar em artigo": the draft prefilled from a resolved ticket (title, problem,
    solution; never an internal note), edited by the analyst, created as an internal draft."""
    ticket = _ticket_or_404(request, ticket_id)
    try:
        draft = services.article_draft_from_ticket(ticket=ticket, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("console:ticket", args=[ticket.pk]))
    form = TicketArticleForm(request.POST or None, initial={"title": draft.title, "body": draft.body})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create_from_ticket(
                ticket=ticket,
                actor=request.user,
                now=clock.now(),
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Rascunho criado a partir do chamado: um revisor o publica."))
            return HttpResponseRedirect(reverse("console:kb_article", args=[article.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "console/kb_from_ticket.html", {"form": form, "ticket": ticket}, status=status)
