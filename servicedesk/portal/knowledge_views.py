"""The knowledge base in the portal (issue 10): search, categories, the article page and
"foi útil?". Public articles work without login; anything the visitor may not read is a 404
(knowledge.access), by URL, search and snippet alike. Thin views: parse, one access function or
selector, one service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from servicedesk.accounts.permissions import can
from servicedesk.core import clock, ratelimit
from servicedesk.core.errors import DomainError, NotFound
from servicedesk.knowledge.access import access_article, access_article_image, article_queryset_for
from servicedesk.knowledge.models import ArticleStatus, Category
from servicedesk.knowledge.rendering import markdown_html
from servicedesk.knowledge.search import article_search
from servicedesk.knowledge.services import article_view_record, deflection_record, feedback_record

MAX_QUERY = 200
FEEDBACK_TOO_OFTEN = gettext_noop(
    "Recebemos muitas avaliações deste endereço na última hora. Tente de novo em {minutes} minutos"
    " ou entre no portal para avaliar."
)
HELPFUL = {"sim": True, "nao": False}


def _article_or_404(user, slug: str):
    try:
        return access_article(user, slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def home(request):
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    category = Category.objects.filter(slug=request.GET.get("categoria", "")).first()
    readable = article_queryset_for(request.user).filter(status=ArticleStatus.PUBLISHED)
    listed = readable.filter(category=category) if category else readable.order_by("-published_at", "id")
    return render(
        request,
        "portal/kb_home.html",
        {
            "query": query,
            "result": article_search(request.user, query=query) if query else None,
            "categories": Category.objects.all(),
            "category": category,
            "articles": listed.select_related("category")[:20],
        },
    )


def _article_page(request, article, *, status=200, error=None):
    # Reached from the suggestions of the new-ticket form (?de=chamado): a customer may say
    # the article solved the problem (a deflection; no ticket is opened).
    from_ticket = request.GET.get("de") == "chamado" and can(request.user, "portal.access")
    return render(
        request,
        "portal/kb_article.html",
        {
            "article": article,
            "body_html": mark_safe(markdown_html(article.body)),  # noqa: S308 — nh3
            "error": error,
            "from_ticket": from_ticket,
            "typed": request.GET.get("q", "")[:MAX_QUERY],
        },
        status=status,
    )


def article(request, slug: str):
    found = _article_or_404(request.user, slug)
    article_view_record(article=found, user=request.user)
    return _article_page(request, found)


def _anonymous_feedback_wait(request) -> float | None:
    """Visitors answer "foi útil?" on public articles without an account: counted per address
    (KB_ANONYMOUS_FEEDBACK_PER_HOUR), so a script cannot flood the answers."""
    if request.user.is_authenticated:
        return None
    bucket = f"kb-feedback:ip:{ratelimit.client_ip(request)}"
    return ratelimit.hit(bucket, limit=settings.KB_ANONYMOUS_FEEDBACK_PER_HOUR, window=3600)


@require_POST
def article_feedback(request, slug: str):
    found = _article_or_404(request.user, slug)
    if (wait := _anonymous_feedback_wait(request)) is not None:
        minutes = max(1, -(-int(wait) // 60))
        response = render(request, "429.html", {"message": _(FEEDBACK_TOO_OFTEN).format(minutes=minutes)}, status=429)
        response["Retry-After"] = str(int(wait))
        return response
    try:
        feedback_record(
            article=found,
            user=request.user,
            helpful=HELPFUL.get(request.POST.get("helpful", "")),
            comment=request.POST.get("comment", ""),
            now=clock.now(),
        )
    except DomainError as exc:
        return _article_page(request, found, status=422, error=exc.message)
    messages.success(request, _("Obrigado pela avaliação."))
    return redirect("knowledge:article", slug=found.slug)


@require_POST
def article_solved(request, slug: str):
    """ "Isto resolveu meu problema": records a Deflection with what the customer had typed and
    opens no ticket (knowledge.services.deflection_record checks the reader again)."""
    if not can(request.user, "portal.access"):
        raise Http404
    found = _article_or_404(request.user, slug)
    try:
        deflection_record(article=found, user=request.user, query=request.POST.get("q", ""), now=clock.now())
    except DomainError as exc:
        return _article_page(request, found, status=422, error=exc.message)
    messages.success(request, _("Que bom que o artigo resolveu! Nenhum chamado foi aberto."))
    return redirect("portal:home")


def article_image(request, pk: int):
    """An article's image, for those who may read the article (404 otherwise); never cached by
    shared caches, never sniffed, under an image-only policy."""
    try:
        image = access_article_image(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
