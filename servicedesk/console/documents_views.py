"""Product documentation in the staff console (issue 10): upload (documents.publish), the list
with download counts, one document's download log, withdraw and delete. Thin: one selector or
access function, one service, render; a refusal changes nothing and comes back with the form
as typed and the service's message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicedesk.accounts import permissions
from servicedesk.accounts.permissions import require
from servicedesk.console.documents_forms import DocumentUploadForm, release_choices
from servicedesk.core import clock
from servicedesk.core.errors import DomainError, NotFound
from servicedesk.documents import services
from servicedesk.documents.access import access_document
from servicedesk.documents.selectors import document_download_log, document_list_with_counts


def _list_page(request, form, *, status=200):
    context = {"form": form, "documents": document_list_with_counts()[:300]}
    return render(request, "console/documents.html", context, status=status)


@require("console.access", deny=404)
def documents(request):
    if request.method != "POST":
        return _list_page(request, DocumentUploadForm())
    if not permissions.can(request.user, "documents.publish"):
        raise PermissionDenied(services.PUBLISHERS_ONLY)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Confira os campos destacados."))
        return _list_page(request, form, status=400)
    data = form.cleaned_data
    try:
        document = services.document_upload(
            actor=request.user,
            title=data["title"],
            kind=data["kind"],
            product=data["product"],
            release=data["release"],
            upload=data["file"],
            now=clock.now(),
        )
    except DomainError as exc:
        for field, message in (exc.fields or {None: exc.message}).items():
            form.add_error(field if field in form.fields else None, message)
        return _list_page(request, form, status=503 if isinstance(exc, services.StorageUnavailable) else 400)
    messages.success(request, _("Documento “{title}” publicado.").format(title=document.title))
    return HttpResponseRedirect(reverse("console:documents"))


@require("console.access", deny=404)
def document_releases(request):
    """The release menu of the chosen product (htmx, on change of the product)."""
    return render(request, "console/_release_options.html", {"choices": release_choices(request.GET.get("product"))})


def _document(user, pk):
    try:
        return access_document(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require("console.access", deny=404)
def document_detail(request, pk: int):
    document = _document(request.user, pk)
    log = document_download_log(document=document)
    return render(request, "console/document_detail.html", {"document": document, "log": log})


@require("documents.publish", deny=404)
@require_POST
def document_withdraw(request, pk: int):
    document = _document(request.user, pk)
    try:
        services.document_withdraw(document=document, actor=request.user, now=clock.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Documento retirado do portal."))
    return HttpResponseRedirect(reverse("console:document_detail", args=[document.pk]))


@require("documents.publish", deny=404)
@require_POST
def document_delete(request, pk: int):
    document = _document(request.user, pk)
    services.document_delete(document=document, actor=request.user)
    messages.success(request, _("Documento excluído."))
    return HttpResponseRedirect(reverse("console:documents"))
