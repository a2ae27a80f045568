"""DomainError translates the pt-BR source message into the active language when it is built."""

import pytest
from django.conf import settings
from django.utils import translation

from servicedesk.core.errors import DomainError, NotFound
from servicedesk.tickets import services as ticket_services
from servicedesk.tickets.access import TICKET_NOT_FOUND
from servicedesk.tickets.attachments import ATTACHMENT_EMPTY


@pytest.fixture(autouse=True)
def _default_language():
    """Start from the project's default language (a request in another test may have left one active)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_constants_stay_plain_portuguese_strings():
    assert type(ticket_services.FIELD_REQUIRED) is str
    assert ticket_services.FIELD_REQUIRED == "Campo obrigatório."


def test_default_language_keeps_the_portuguese_message():
    error = DomainError(ticket_services.FIELD_REQUIRED, field="title")
    assert error.message == "Campo obrigatório."
    assert error.fields == {"title": "Campo obrigatório."}


def test_message_and_fields_in_the_active_language():
    with translation.override("en"):
        error = DomainError(
            ticket_services.DESCRIPTION_REQUIRED,
            fields={"description": ticket_services.DESCRIPTION_REQUIRED, "title": ticket_services.FIELD_REQUIRED},
        )
        not_found = NotFound(TICKET_NOT_FOUND)
    assert error.message == "Describe the problem in detail."
    assert error.fields == {"description": "Describe the problem in detail.", "title": "This field is required."}
    assert not_found.message == "Ticket not found." and str(not_found) == "Ticket not found."


def test_formatted_templates_are_translated_before_formatting():
    from django.utils.translation import gettext

    with translation.override("en"):
        assert gettext(ATTACHMENT_EMPTY).format(name="a.png") == "The file “a.png” is empty."
    assert gettext(ATTACHMENT_EMPTY).format(name="a.png") == "O arquivo “a.png” está vazio."


def test_unknown_and_empty_messages_pass_through():
    with translation.override("en"):
        assert DomainError("Mensagem sem tradução.").message == "Mensagem sem tradução."
        assert DomainError("").message == ""
