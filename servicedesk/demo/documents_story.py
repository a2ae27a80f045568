"""Demo product documentation (issue 10): a few manuals, release notes and an eSocial layout for
the demo products, uploaded through the service by an analyst. Idempotent. Not part of
`load_demo_data`, whose world the tests share; `seed_demo` loads it, and the browser journey."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from servicedesk.accounts.models import User
from servicedesk.catalog.models import Product, Release
from servicedesk.core import clock
from servicedesk.documents.models import Document
from servicedesk.documents.services import document_upload

UPLOADER = "ana.analista"
# product code, release (None: every release), kind, title, file name, days ago
DEMO_DOCUMENTS = [
    (
        "weconnect-rh",
        "12.1.1",
        "manual",
        "Manual do usuário — WeConnect RH 12.1.1",
        "manual-weconnect-rh-12.1.1.pdf",
        3,
    ),
    ("weconnect-rh", "12.1.1", "notas-de-versao", "Notas da versão 12.1.1", "notas-12.1.1.pdf", 5),
    ("weconnect-rh", "12.1.0", "notas-de-versao", "Notas da versão 12.1.0", "notas-12.1.0.pdf", 90),
    (
        "weconnect-rh",
        "12.0.0",
        "manual",
        "Manual do usuário — WeConnect RH 12.0.0",
        "manual-weconnect-rh-12.0.0.pdf",
        300,
    ),
    (
        "weconnect-rh",
        None,
        "leiaute",
        "Leiaute do arquivo de integração eSocial (S-1200)",
        "leiaute-esocial-s1200.txt",
        20,
    ),
    ("weconnect-portal", "5.4.1", "manual", "Manual do Portal do Colaborador 5.4.1", "manual-portal-5.4.1.pdf", 10),
]
ESOCIAL_LAYOUT = (
    "Leiaute de integração WeConnect RH -> eSocial S-1200 (remuneração)\n"
    "campo;tipo;tamanho;descrição\n"
    "cpfTrab;N;11;CPF do trabalhador\n"
    "perApur;A;7;Período de apuração (AAAA-MM)\n"
    "codRubr;A;30;Código da rubrica\n"
    "vrRubr;N;14,2;Valor da rubrica\n"
)


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF (core font: latin-1 text only)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, title.replace("—", "-"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _content(kind: str, title: str) -> bytes:
    if kind == "leiaute":
        return ESOCIAL_LAYOUT.encode("utf-8")
    return demo_pdf(
        title,
        [
            "WeConnect Service Desk - documento de demonstração.",
            "Este arquivo foi gerado para a demonstração do portal (Documentação).",
        ],
    )


def load_demo_documents() -> list[Document]:
    uploader = User.objects.get(username=UPLOADER)
    now = clock.now()
    documents = []
    for code, version, kind, title, file_name, days_ago in DEMO_DOCUMENTS:
        product = Product.objects.get(code=code)
        existing = Document.objects.filter(product=product, title=title).first()
        if existing is not None:
            documents.append(existing)
            continue
        release = Release.objects.get(product=product, version=version) if version else None
        documents.append(
            document_upload(
                actor=uploader,
                title=title,
                kind=kind,
                product=product,
                release=release,
                upload=SimpleUploadedFile(file_name, _content(kind, title)),
                now=now - timedelta(days=days_ago),
            )
        )
    return documents
