"""Product documentation in the portal (issue 10): the documents of the organization's licensed
products by product and release, and the download — access-checked and logged at every request
(documents.services.document_download), always as an attachment, never sniffed. Staff download
through the same view (the console links here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from servicedesk.accounts.permissions import is_staff_user, require
from servicedesk.core import clock
from servicedesk.core.errors import NotFound
from servicedesk.core.ratelimit import client_ip
from servicedesk.documents.selectors import document_shelves_for
from servicedesk.documents.services import StorageUnavailable, document_download


@require("portal.access")
def home(request):
    return render(request, "portal/documents.html", {"shelves": document_shelves_for(request.user)})


@login_required
def download(request, pk: int):
    try:
        document, handle = document_download(
            user=request.user, document_id=pk, address=client_ip(request), now=clock.now()
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except StorageUnavailable as exc:
        # The file is gone from the store: say so where the reader came from, never a 500.
        messages.error(request, exc.message)
        back = "console:document_detail" if is_staff_user(request.user) else None
        return redirect(back, pk) if back else redirect("documents:index")
    return document_file_response(document, handle)


def document_file_response(document, handle) -> FileResponse:
    """The stored file as a download: the safe original name (quoted by Django), the type found
    by content at upload, no sniffing, no rendering, no caching."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
