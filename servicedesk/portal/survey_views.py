"""The satisfaction survey's page (servicedesk.surveys): opened from the e-mail's link, whose
token is the only credential (no login needed). A GET only shows the form; the POST records the
answer, once. An unknown token is a 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from servicedesk.core import clock
from servicedesk.core.errors import Conflict, DomainError, NotFound
from servicedesk.surveys import services as surveys


@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    try:
        survey = surveys.survey_by_token(token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {"survey": survey, "ticket": survey.ticket, "ratings": range(1, 6), "error": None}
    status = 200
    if request.method == "POST" and survey.answered_at is None:
        try:
            survey = surveys.survey_answer(
                survey=survey,
                rating=request.POST.get("rating"),
                comment=request.POST.get("comment", ""),
                now=clock.now(),
            )
            context["survey"] = survey
            context["thanks"] = True
        except Conflict as exc:
            context["error"], status = exc.message, 409
        except DomainError as exc:
            context["error"], status = exc.message, 400
            context["comment"] = request.POST.get("comment", "")
    return render(request, "portal/survey.html", context, status=status)
