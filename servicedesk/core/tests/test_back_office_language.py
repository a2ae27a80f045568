"""The back office and the forms speak pt-BR (issue 8, "Back office and language").

- Django 6.1's blank choice ("- Select an option -") is ours, translated: "Selecione…" in pt-BR,
  "Select…" in English — in portal, console and admin forms alike (core/apps.py).
- The admin's app groups and table names are Portuguese (each app's apps.py, the models' Meta,
  accounts/admin_apps.py for the third-party apps).
- The admin's messages agree with feminine names ("Registro adicionado com sucesso: equipe …",
  never "O equipe … foi adicionado"; locale/pt_BR).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.utils import translation

from servicedesk.catalog.models import Release
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

DJANGO_BLANK_LABEL = "Select an option"


@pytest.fixture(autouse=True)
def _restore_default_language():
    """LocaleMiddleware activates the request's language in this thread: put pt-BR back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def signed_in(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def blank_options(body: str) -> list[str]:
    """The label of every select's blank option (value="")."""
    return [label.strip() for label in re.findall(r'<option value=""[^>]*>([^<]*)</option>', body)]


# --------------------------------------------------------------------------- the blank choice


def test_a_portal_form_offers_selecione_not_select_an_option(demo):
    # Acme has an operational schedule: the new-ticket form asks for the affected process.
    body = page(signed_in(demo["joana.acme"]), "/chamados/novo/")
    assert 'name="affected_process"' in body
    assert DJANGO_BLANK_LABEL not in body
    assert "Selecione…" in blank_options(body)


def test_a_console_form_offers_no_select_an_option(demo):
    ticket = Ticket.objects.filter(organization__slug="acme").first()
    body = page(signed_in(demo["ana.analista"]), f"/console/chamados/{ticket.pk}/")
    assert "<select" in body
    assert DJANGO_BLANK_LABEL not in body


@pytest.mark.parametrize("url", ["/admin/accounts/organization/add/", "change-release", "/admin/catalog/release/"])
def test_admin_forms_offer_selecione_not_select_an_option(demo, url):
    if url == "change-release":
        url = f"/admin/catalog/release/{Release.objects.first().pk}/change/"
    body = page(signed_in(demo["admin"]), url)
    assert DJANGO_BLANK_LABEL not in body
    assert "Selecione…" in blank_options(body)


def test_the_blank_choice_in_english_is_english(demo):
    body = page(signed_in(demo["joana.acme"], "en"), "/chamados/novo/")
    assert "Select…" in blank_options(body)
    assert "Selecione…" not in body and DJANGO_BLANK_LABEL not in body


# --------------------------------------------------------------------------- names in the admin

ENGLISH_NAMES = [
    "Accounts",
    "Catalog",
    "Channels",
    "Otp_Totp",
    "Tasks Database Backend",
    "Idempotency records",
    "Pending uploads",
    "Task Results",
    "TOTP devices",
    "Versãos",
]


def test_the_admin_index_names_groups_and_tables_in_portuguese(demo):
    body = page(signed_in(demo["admin"]), "/admin/")
    for name in (
        "Organizações, usuários e equipes",
        "SLA e calendários",
        "Catálogo de produtos",
        "Chamados",
        "Canais de atendimento",
        "Autenticação em dois fatores",
        "Tarefas em segundo plano",
        "Registros de idempotência",
        "Envios pendentes",
        "Resultados de tarefas",
        "Dispositivos TOTP",
        "Versões",
    ):
        assert name in body, name
    captions = re.findall(r"<caption>\s*<a [^>]*>([^<]+)</a>", body)
    for name in ENGLISH_NAMES:
        assert name not in captions and f">{name}<" not in body, name
    # The business groups come first, in the order an administrator sets a customer up.
    assert captions[:4] == ["Organizações, usuários e equipes", "SLA e calendários", "Catálogo de produtos", "Chamados"]


def test_every_table_of_our_apps_has_a_portuguese_name():
    """No English name and no plural made by Django's "+s" ("versãos"), in the apps whose Meta are
    ours (the tickets app's are its owner's: SlaAlert and NotificationLog still need theirs)."""
    english = re.compile(r"\b(record|upload|log|alert|device|result)s?\b")
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label in {"accounts", "catalog", "sla", "channels", "api"}:
            for name in (str(opts.verbose_name), str(opts.verbose_name_plural)):
                assert not english.search(name) and not name.endswith("ãos"), (opts.label, name)


def test_release_list_filters_by_produto_and_names_versoes(demo):
    body = page(signed_in(demo["admin"]), "/admin/catalog/release/")
    assert "Por produto" in body and "Por product" not in body
    assert "versões" in body.lower() and "versãos" not in body.lower()
    body = page(signed_in(demo["admin"]), "/admin/catalog/release/add/")
    assert ">Produto:</label>" in body and ">Product:</label>" not in body


# --------------------------------------------------------------------------- the admin's messages


def test_adding_a_feminine_table_row_reads_well(demo):
    client = signed_in(demo["admin"])
    response = client.post(
        "/admin/accounts/team/add/", {"name": "Suporte C", "kind": "support", "email": ""}, follow=True
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert re.fullmatch(r"Registro adicionado com sucesso: equipe “<a href=\"[^\"]+\">Suporte C</a>”\.", messages[0])
    body = response.content.decode()
    assert "O equipe" not in body and "foi adicionado" not in body


def test_changing_and_removing_read_well(demo):
    from servicedesk.accounts.models import Team

    client = signed_in(demo["admin"])
    team = Team.objects.create(name="Suporte D")
    response = client.post(
        f"/admin/accounts/team/{team.pk}/change/", {"name": "Suporte E", "kind": "support", "email": ""}, follow=True
    )
    assert next(str(m) for m in response.context["messages"]).startswith("Registro alterado com sucesso: equipe “")
    response = client.post(f"/admin/accounts/team/{team.pk}/delete/", {"post": "yes"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Registro removido com sucesso: equipe “Suporte E”."]
