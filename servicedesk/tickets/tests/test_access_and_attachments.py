"""Tenant isolation, internal notes, and attachment checks by content (domain.md §1, §3; style.md)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.core.errors import DomainError, NotFound
from servicedesk.tickets import attachments, services
from servicedesk.tickets.access import access_attachment, access_ticket, comment_queryset_for, ticket_queryset_for
from servicedesk.tickets.models import Attachment, TicketEvent
from servicedesk.tickets.tests.factories import T0, png_bytes, png_upload

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def _upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    # The declared content type is deliberately ignored by the checks.
    return SimpleUploadedFile(name, content, content_type=content_type)


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` × `height` pixels (an image bomb), with valid CRCs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("log.txt", "erro 42\n")
    return buffer.getvalue()


# --------------------------------------------------------------------------- tenant isolation


def test_other_organization_ticket_is_not_found(world):
    ticket = world.open_problem()
    assert access_ticket(world.customer, ticket.pk) == ticket
    assert access_ticket(world.analyst, ticket.pk) == ticket
    with pytest.raises(NotFound) as exc:
        access_ticket(world.other_customer, ticket.pk)
    with pytest.raises(NotFound) as missing:
        access_ticket(world.other_customer, ticket.pk + 1000)
    assert exc.value.message == missing.value.message  # no hint that the id exists
    assert list(ticket_queryset_for(world.other_customer)) == []
    assert list(ticket_queryset_for(world.untrained)) == [ticket]  # same organization: may read


def test_other_organization_attachment_is_not_found(world):
    ticket = world.open_problem()
    attachment = ticket.attachments.get()
    assert access_attachment(world.customer, attachment.pk) == attachment
    with pytest.raises(NotFound):
        access_attachment(world.other_customer, attachment.pk)


def test_internal_notes_and_attachments_are_never_shown_to_customers(world):
    ticket = world.open_problem()
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Pública", now=T0 + H)
    note = services.ticket_comment_add(
        ticket=ticket, author=world.analyst, body="Interna", now=T0 + 2 * H, internal=True, files=[png_upload()]
    )
    assert [c.body for c in comment_queryset_for(world.customer, ticket)] == ["Pública"]
    assert [c.body for c in comment_queryset_for(world.analyst, ticket)] == ["Pública", "Interna"]
    internal_attachment = note.attachments.get()
    assert internal_attachment.is_internal
    with pytest.raises(NotFound):
        access_attachment(world.customer, internal_attachment.pk)
    assert access_attachment(world.analyst, internal_attachment.pk) == internal_attachment
    note_event = TicketEvent.objects.get(ticket=ticket, kind="internal_note")
    assert note_event.public is False


# --------------------------------------------------------------------------- attachments by content


def test_png_renamed_pdf_is_stored_as_png(world):
    ticket = world.open_problem(files=[_upload("relatorio.pdf", png_bytes(), "application/pdf")])
    stored = ticket.attachments.get()
    assert (stored.content_type, stored.original_name) == ("image/png", "relatorio.pdf")
    assert "relatorio" not in stored.file.name  # the stored name never contains the uploaded one


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pagina.html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("pagina.txt", b"<html><body>oi</body></html>"),
        ("imagem.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("imagem.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("programa.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64),
    ],
)
def test_markup_and_executables_are_refused(world, name, content):
    with pytest.raises(DomainError) as exc:
        attachments.check_upload(_upload(name, content, "text/plain"))
    assert exc.value.message == attachments.ATTACHMENT_TYPE_REFUSED.format(name=name)
    with pytest.raises(DomainError) as exc:
        world.open_problem(files=[_upload(name, content)])
    assert "files" in exc.value.fields
    assert Attachment.objects.count() == 0


def test_zip_and_text_log_are_accepted(world):
    ticket = world.open_problem(
        files=[png_upload(), _upload("logs.zip", _zip_bytes()), _upload("server.log", "erro às 10h\n".encode() * 50)]
    )
    types = sorted(ticket.attachments.values_list("content_type", flat=True))
    assert types == ["application/zip", "image/png", "text/plain"]


def test_image_bomb_is_refused(world):
    bomb = _png_claiming(100_000, 100_000)
    with pytest.raises(DomainError) as exc:
        attachments.check_upload(_upload("tela.png", bomb))
    assert exc.value.message == attachments.ATTACHMENT_IMAGE_INVALID.format(name="tela.png")
    ticket = world.open_problem()
    with pytest.raises(DomainError):
        services.ticket_attachment_add(
            ticket=ticket, uploader=world.customer, files=[_upload("tela.png", bomb)], now=T0 + H
        )
    assert ticket.attachments.count() == 1


def test_corrupt_image_is_refused(world):
    with pytest.raises(DomainError):
        attachments.check_upload(_upload("tela.png", png_bytes()[:60]))


def test_over_the_size_limit_is_refused(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = b"a" * (1024 * 1024 + 1)
    with pytest.raises(DomainError) as exc:
        attachments.check_upload(_upload("grande.log", big))
    assert exc.value.message == attachments.ATTACHMENT_TOO_LARGE.format(name="grande.log", limit=1)
    assert attachments.check_upload(_upload("limite.log", b"a" * (1024 * 1024))).content_type == "text/plain"


def test_empty_file_is_refused(world):
    with pytest.raises(DomainError) as exc:
        attachments.check_upload(_upload("vazio.txt", b""))
    assert exc.value.message == attachments.ATTACHMENT_EMPTY.format(name="vazio.txt")


def test_path_in_the_uploaded_name_is_dropped(world):
    info = attachments.check_upload(_upload("../../etc/passwd.log", b"linha\n"))
    assert info.name == "passwd.log"
