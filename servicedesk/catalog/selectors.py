from django.db.models import QuerySet

from servicedesk.catalog.models import Module, Product, Release

SUPPORTED_RELEASES_PER_PRODUCT = 2  # the latest release and the patch before it (domain.md §4)


def _published():
    """Releases that are out: a planned release (not yet published) neither counts as the latest
    nor pushes the current patch out of support before it is released."""
    return Release.objects.filter(published_at__isnull=False)


def release_list_supported(*, product: Product) -> QuerySet[Release]:
    ids = list(
        _published()
        .filter(product=product)
        .order_by("-sort_key")
        .values_list("id", flat=True)[:SUPPORTED_RELEASES_PER_PRODUCT]
    )
    return Release.objects.filter(id__in=ids)


def release_is_supported(*, release: Release) -> bool:
    return release_list_supported(product=release.product).filter(id=release.id).exists()


def supported_release_ids() -> set[int]:
    """Ids of every supported release across products, in one query."""
    supported: set[int] = set()
    counts: dict[int, int] = {}
    for release_id, product_id in _published().order_by("product_id", "-sort_key").values_list("id", "product_id"):
        if counts.get(product_id, 0) < SUPPORTED_RELEASES_PER_PRODUCT:
            supported.add(release_id)
            counts[product_id] = counts.get(product_id, 0) + 1
    return supported


def product_list_with_modules() -> QuerySet[Product]:
    return Product.objects.prefetch_related("modules", "releases")


def module_get(*, module_id: int) -> Module | None:
    return Module.objects.select_related("product").filter(id=module_id).first()
