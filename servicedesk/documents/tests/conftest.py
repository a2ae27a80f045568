"""A small documentation world: two products (Folha with two releases, Ponto), organizations
licensing Folha, Ponto or nothing, an analyst, a maintenance engineer."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from servicedesk.accounts.models import Role
from servicedesk.documents import services
from servicedesk.documents.tests.factories import pdf_upload
from servicedesk.tickets.tests.factories import (
    T0,
    CustomerFactory,
    OrganizationFactory,
    ProductFactory,
    ReleaseFactory,
    StaffFactory,
)


@dataclass
class Docs:
    folha: object
    ponto: object
    folha_old: object  # Folha 11.0.0 (not supported: two newer releases)
    folha_prev: object  # Folha 12.0.0 (supported: the patch before the latest)
    folha_new: object  # Folha 12.0.1 (supported: the latest)
    customer: object  # its organization licenses Folha
    ponto_customer: object  # its organization licenses Ponto only
    unlicensed: object  # its organization licenses nothing
    analyst: object
    maintenance: object

    def upload(self, title="Manual da Folha", *, product=None, release=None, upload=None, kind="manual", at=T0):
        return services.document_upload(
            actor=self.analyst,
            title=title,
            kind=kind,
            product=product or self.folha,
            release=release,
            upload=upload or pdf_upload(),
            now=at,
        )


def make_docs() -> Docs:
    folha = ProductFactory(code="folha", name="Folha de Pagamento")
    ponto = ProductFactory(code="ponto", name="Ponto Eletrônico")
    return Docs(
        folha=folha,
        ponto=ponto,
        folha_old=ReleaseFactory(product=folha, version="11.0.0"),
        folha_prev=ReleaseFactory(product=folha, version="12.0.0"),
        folha_new=ReleaseFactory(product=folha, version="12.0.1"),
        customer=CustomerFactory(organization=OrganizationFactory(products=[folha])),
        ponto_customer=CustomerFactory(organization=OrganizationFactory(products=[ponto])),
        unlicensed=CustomerFactory(organization=OrganizationFactory()),
        analyst=StaffFactory(role=Role.ANALYST),
        maintenance=StaffFactory(role=Role.MAINTENANCE),
    )


@pytest.fixture
def docs(db) -> Docs:
    return make_docs()


def stored_document_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def clear_document_files() -> None:
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "documents", ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_documents_left_on_disk():
    """Each test starts with an empty documents folder (the media root is shared by the run)."""
    clear_document_files()
    yield
    clear_document_files()
