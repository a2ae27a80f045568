"""Product documentation end to end in a real browser (issue 10): the analyst publishes a manual in
the console (the release menu follows the product, by htmx) → a customer opens Documentação, sees it
under its release marked "versão suportada", and downloads it: the bytes are the uploaded ones →
the analyst sees the download in the log.

Artifacts: screenshots under test-artifacts/screenshots/documents-*.png and the downloaded manual
under test-artifacts/documents/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ROOT = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ROOT / "screenshots"
FILES = ROOT / "documents"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people(open_people):
    """One browser context per person (each keeps its own session), logged in on first use."""
    return open_people(_shot)


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"documents-{name}.png"), full_page=True)


def test_an_analyst_publishes_a_manual_and_a_customer_downloads_it(demo_live, people, live_server, tmp_path):
    from servicedesk.catalog.models import Release
    from servicedesk.documents.models import Document, DocumentDownload
    from servicedesk.documents.tests.factories import pdf_bytes

    content = pdf_bytes("Manual do eSocial - WeConnect RH 12.1.1")
    source = tmp_path / "Manual eSocial 12.1.1.pdf"
    source.write_bytes(content)
    release = Release.objects.get(product__code="weconnect-rh", version="12.1.1")

    # 1. The analyst publishes the manual in the console; the release menu follows the product.
    ana = people("ana.analista")
    ana.goto(f"{live_server.url}/console/documentos/")
    ana.select_option("#id_document_product", label="WeConnect RH")
    ana.wait_for_selector(f"#id_document_release option[value='{release.pk}']", state="attached")
    assert "5.4.1" not in ana.inner_text("#id_document_release")  # Portal do Colaborador's releases are gone
    ana.select_option("#id_document_release", value=str(release.pk))
    ana.select_option("#id_document_kind", value="manual")
    ana.fill("#id_document_title", "Manual do eSocial")
    ana.set_input_files("#id_document_file", str(source))
    _shot(ana, "1-upload-form")
    ana.click("form[enctype] button[type=submit]")
    ana.wait_for_selector(".alert:has-text('publicado')")
    document = Document.objects.get(title="Manual do eSocial")
    assert (document.release_id, document.original_name) == (release.pk, "Manual eSocial 12.1.1.pdf")

    # 2. The customer opens Documentação from the menu and downloads the manual.
    joana = people("joana.acme")
    joana.click("nav.mainnav a:has-text('Documentação')")
    joana.wait_for_selector("h1:has-text('Documentação')")
    section = joana.locator(".documents-release", has_text="Versão 12.1.1")
    assert "versão suportada" in section.inner_text()
    _shot(joana, "2-portal")
    with joana.expect_download() as info:
        section.locator("a:has-text('Manual do eSocial')").click()
    download = info.value
    assert download.suggested_filename == "Manual eSocial 12.1.1.pdf"
    FILES.mkdir(parents=True, exist_ok=True)
    target = FILES / download.suggested_filename
    download.save_as(str(target))
    assert target.read_bytes() == content

    # 3. The download is logged once, and the analyst sees it.
    assert list(DocumentDownload.objects.values_list("document", "user__username")) == [(document.pk, "joana.acme")]
    ana.goto(f"{live_server.url}/console/documentos/{document.pk}/")
    ana.wait_for_selector("h2:has-text('1 download')")
    assert "Joana" in ana.inner_text("#main")
    _shot(ana, "3-download-log")
