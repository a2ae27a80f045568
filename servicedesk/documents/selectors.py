"""Reads of the product documentation, always from the reader's scope (`access.document_queryset_for`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet

from servicedesk.catalog.models import Product, Release
from servicedesk.catalog.selectors import supported_release_ids
from servicedesk.documents.access import document_queryset_for
from servicedesk.documents.models import Document, DocumentDownload


@dataclass
class ReleaseShelf:
    release: Release | None  # None: documents for every version of the product
    supported: bool
    documents: list[Document] = field(default_factory=list)


@dataclass
class ProductShelf:
    product: Product
    releases: list[ReleaseShelf] = field(default_factory=list)


def document_list_for(user, *, product_id: int | None = None) -> QuerySet[Document]:
    """The reader's documents, newest first (optionally of one product)."""
    documents = document_queryset_for(user).select_related("product", "release")
    if product_id is not None:
        documents = documents.filter(product_id=product_id)
    return documents.order_by("-uploaded_at", "-id")


def document_shelves_for(user) -> list[ProductShelf]:
    """The reader's documents grouped by product (by name), then by release (newest release
    first; documents of no particular release last), each group newest first, with the
    supported releases marked (catalog: the latest release or the patch before it). Three queries."""
    documents = document_list_for(user).order_by(
        "product__name", "product_id", F("release__sort_key").desc(nulls_last=True), "-uploaded_at", "-id"
    )
    supported = supported_release_ids()
    shelves: list[ProductShelf] = []
    for document in documents:
        if not shelves or shelves[-1].product.pk != document.product_id:
            shelves.append(ProductShelf(product=document.product))
        releases = shelves[-1].releases
        if not releases or (releases[-1].release and releases[-1].release.pk) != document.release_id:
            releases.append(ReleaseShelf(release=document.release, supported=document.release_id in supported))
        releases[-1].documents.append(document)
    return shelves


def document_list_with_counts() -> QuerySet[Document]:
    """Every document with its number of downloads (the console's list: staff only)."""
    return (
        Document.objects.select_related("product", "release", "uploaded_by")
        .annotate(download_count=Count("downloads"))
        .order_by("-uploaded_at", "-id")
    )


def document_download_log(*, document: Document, limit: int = 500) -> QuerySet[DocumentDownload]:
    return document.downloads.select_related("user", "user__organization").order_by("-at", "-id")[:limit]
