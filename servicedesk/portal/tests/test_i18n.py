"""The English translation: pt-BR is the source language and the default; a customer who picks
English in the language switch sees the portal in English, while the policy's words (statuses,
types, severities, environments) stay as they are stored. The catalog is complete and compiled."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"


@pytest.fixture(autouse=True)
def _restore_default_language():
    """LocaleMiddleware activates the request's language in this thread: put pt-BR back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english(login):
    """A logged-in client that switched the language to English through the switch in base.html."""

    def make(user):
        client = login(user)
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.status_code == 302
        assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        return client

    return make


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --------------------------------------------------------------------------- default: pt-BR


def test_default_language_is_portuguese(demo, login):
    body = page(login(demo["joana.acme"]), "/")
    assert '<html lang="pt-br">' in body
    for text in ("Chamados em aberto", "Fale com o suporte", "Abrir chamado", "Como funciona o prazo"):
        assert text in body
    for text in ("Open tickets", "Contact support", "How deadlines work"):
        assert text not in body


# --------------------------------------------------------------------------- English


def test_home_in_english(demo, english, acme_ticket):
    body = page(english(demo["joana.acme"]), "/")
    assert '<html lang="en">' in body
    for text in (
        "Open tickets",
        "Contact support",
        "Open ticket",
        "How deadlines work",
        "waiting for you",
        "Skip to content",
        "Sign out",
        "Mon–Fri, 9 a.m.–1 p.m. and 2 p.m.–6 p.m. (Brasília time), except holidays",
    ):
        assert text in body, text
    for text in ("Chamados em aberto", "Fale com o suporte", "Como funciona o prazo", "aguardando vocês", ">Sair<"):
        assert text not in body, text
    # The status is the policy's word, shown as stored in both languages.
    assert "NOVO" in body


def test_new_ticket_form_in_english(demo, english):
    body = page(english(demo["joana.acme"]), "/chamados/novo/")
    for text in (
        "Ticket type",
        "Product, module and version",
        "Detailed description",
        "System unavailable, no workaround, critical impact.",
        "Something in the system does not work as it should.",
        "Choose the module…",
        "Drag screenshots here",
        "Additional information",
    ):
        assert text in body, text
    for text in (
        "Tipo de chamado",
        "Produto, módulo e versão",
        "Descrição detalhada",
        "Sistema indisponível, sem alternativa, impacto crítico.",
        "Escolha o módulo…",
        "Arraste capturas de tela para cá",
    ):
        assert text not in body, text
    # Types and severities are the policy's vocabulary: their values and names stay in pt-BR.
    assert 'value="Problema"' in body and "<strong>Problema</strong>" in body
    assert "<strong>Crítica</strong>" in body


def test_ticket_page_in_english(demo, english, acme_ticket):
    body = page(english(demo["joana.acme"]), f"/chamados/{acme_ticket.pk}/")
    for text in (
        f"Ticket #{acme_ticket.pk}",
        "Conversation",
        "History",
        "Deadlines (SLA)",
        "Requester",
        "Waiting for assignment",
        "Ticket opened (Problema, severity Alta)",
        "Send message",
        "Cancel ticket",
    ):
        assert text in body, text
    for text in (">Conversa<", "Histórico", "Prazos (SLA)", "Solicitante", "Aguardando atribuição", "Enviar mensagem"):
        assert text not in body, text


def test_training_page_and_messages_in_english(demo, english, acme_ticket):
    client = english(demo["pedro.acme"])
    body = page(client, "/chamados/novo/")
    assert "Training required" in body and "Treinamento necessário" not in body
    client = english(demo["joana.acme"])
    response = client.post(
        f"/chamados/{acme_ticket.pk}/responder/",
        {"body": "More details", "expected_revision": acme_ticket.revision},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Message sent." in body and "Mensagem enviada." not in body


def test_staff_console_in_english(demo, english, acme_ticket):
    client = english(demo["ana.analista"])
    body = page(client, "/console/")
    assert "Support queues" in body and "Filas de atendimento" not in body
    body = page(client, f"/console/chamados/{acme_ticket.pk}/")
    assert "Internal note" in body and "Public reply" in body and "Nota interna" not in body


def test_switching_back_to_portuguese(demo, english):
    client = english(demo["joana.acme"])
    client.post("/i18n/setlang/", {"language": "pt-br", "next": "/"})
    body = page(client, "/")
    assert "Chamados em aberto" in body and "Open tickets" not in body


# --------------------------------------------------------------------------- domain errors


def test_service_field_error_in_english_on_the_portal(demo, english, folha):
    """The services raise pt-BR constants; DomainError translates them into the request's language."""
    from servicedesk.catalog.models import Release
    from servicedesk.portal.tests.conftest import png_upload
    from servicedesk.tickets.models import Ticket

    data = {
        "type": "Problema",
        "severity": "Alta",
        "module": folha.pk,
        "release": Release.objects.get(product=folha.product, version="12.1.1").pk,
        "environment": "produção",
        "title": "Payroll without overtime",
        "description": "",
        "files": [png_upload()],
    }
    before = Ticket.objects.count()
    response = english(demo["joana.acme"]).post("/chamados/novo/", data)
    body = response.content.decode()
    assert "Describe the problem in detail." in body
    assert "Descreva o problema em detalhes." not in body
    assert Ticket.objects.count() == before


def test_service_field_error_stays_portuguese_by_default(demo, login, folha):
    from servicedesk.portal.tests.conftest import png_upload

    data = {"type": "Problema", "severity": "Alta", "module": folha.pk, "environment": "produção", "title": "X"}
    body = login(demo["joana.acme"]).post("/chamados/novo/", {**data, "files": [png_upload()]}).content.decode()
    assert "Descreva o problema em detalhes." in body
    assert "Describe the problem in detail." not in body


def test_refused_transition_in_english_on_the_console(demo, english, acme_ticket):
    client = english(demo["ana.analista"])
    response = client.post(
        f"/console/chamados/{acme_ticket.pk}/status/",
        {"to": "ENCERRADO", "note": "", "expected_revision": acme_ticket.revision},
    )
    assert response.status_code == 400
    body = response.content.decode()
    # The template is translated; the statuses are the policy's words, as stored.
    assert "The ticket cannot be moved from NOVO to ENCERRADO." in body
    assert "Não é possível passar o chamado" not in body
    acme_ticket.refresh_from_db()
    assert acme_ticket.status == "NOVO"


# --------------------------------------------------------------------------- the catalog


def _po_entries(text: str) -> list[dict]:
    """msgid/msgid_plural/msgstr[...] and flags of every entry (a minimal .po reader)."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        entries.append(entry)
    return entries


def test_english_catalog_is_complete_and_compiled():
    entries = [e for e in _po_entries(PO_FILE.read_text(encoding="utf-8")) if e.get("msgid")]
    assert len(entries) > 250
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or (e.get("msgstr[0]") and e.get("msgstr[1]")))]
    assert untranslated == []
    # The .mo kept in the repository is compiled from this .po (tests need no GNU gettext).
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for e in entries:
        if "msgid_plural" in e:
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr[0]"]
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 2) == e["msgstr[1]"]
        else:
            assert compiled.gettext(e["msgid"]) == e["msgstr"], e["msgid"]
