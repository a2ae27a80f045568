"""Small documents for the tests (and the demo): PDFs drawn by fpdf2, uploads, one helper to publish."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def pdf_bytes(text: str = "Manual do produto") -> bytes:
    """A one-page PDF with `text` (latin-1 core font: enough for Portuguese)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def pdf_upload(name: str = "manual.pdf", text: str = "Manual do produto") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def text_upload(name: str = "leiaute.txt", content: bytes = b"S-1200;cpf;valor\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")
