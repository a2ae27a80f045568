"""Token management pages (/tokens/), for customers and staff: list, create (secret shown once), revoke."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from servicedesk.accounts.permissions import effective_role, needs_two_factor_setup
from servicedesk.api import selectors, services
from servicedesk.api.models import TokenScope
from servicedesk.core import clock
from servicedesk.core.errors import DomainError

LIFETIME_CHOICES = [(30, "30 dias"), (90, "90 dias"), (180, "180 dias"), (365, "1 ano")]


class TokenForm(forms.Form):
    name = forms.CharField(label="Nome", max_length=80, help_text="Para lembrar onde o token é usado.")
    scope = forms.ChoiceField(
        label="Escopo", choices=TokenScope.choices, initial=TokenScope.READ, widget=forms.RadioSelect
    )
    lifetime_days = forms.TypedChoiceField(
        label="Validade",
        choices=LIFETIME_CHOICES,
        coerce=int,
        initial=settings.API_TOKEN_DEFAULT_DAYS,
        required=False,
        empty_value=None,  # the service's default (API_TOKEN_DEFAULT_DAYS)
    )


def _guard(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if effective_role(request.user) is None:
        raise PermissionDenied
    if needs_two_factor_setup(request):
        return redirect("accounts:two_factor_setup")
    return None


@require_http_methods(["GET", "POST"])
def token_list(request):
    refused = _guard(request)
    if refused is not None:
        return refused
    created = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                lifetime_days=form.cleaned_data["lifetime_days"],
                now=clock.now(),
            )
            form = TokenForm()
        except DomainError as exc:
            for field, message in exc.fields.items():
                form.add_error(field if field in form.fields else None, message)
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": selectors.api_token_list(user=request.user), "now": clock.now()},
        status=422 if request.method == "POST" and created is None else 200,
    )
    add_never_cache_headers(response)  # the page may carry a secret shown once
    return response


@require_POST
def token_revoke(request, token_id: int):
    refused = _guard(request)
    if refused is not None:
        return refused
    try:
        token = services.api_token_revoke(user=request.user, token_id=token_id, now=clock.now())
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Token “{token.name}” revogado. Sistemas que o usavam perdem o acesso agora.")
    return redirect("tokens:list")
