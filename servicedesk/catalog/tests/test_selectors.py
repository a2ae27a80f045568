"""Supported versions: the latest release of a product or the patch before it (domain.md §4)."""

from datetime import UTC, date, datetime

import pytest

from servicedesk.catalog.models import version_key
from servicedesk.catalog.selectors import release_is_supported, supported_release_ids
from servicedesk.tickets.tests.factories import ProductFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def test_latest_and_previous_patch_are_supported_in_numeric_order():
    product = ProductFactory()
    r9 = ReleaseFactory(product=product, version="12.1.9", released_on=date(2026, 1, 1))
    r10 = ReleaseFactory(product=product, version="12.1.10", released_on=date(2026, 2, 1))
    r2 = ReleaseFactory(product=product, version="12.0.2", released_on=date(2025, 1, 1))
    assert release_is_supported(release=r10) and release_is_supported(release=r9)
    assert not release_is_supported(release=r2)
    other = ReleaseFactory(version="1.0.0")
    assert supported_release_ids() == {r9.pk, r10.pk, other.pk}


def test_a_planned_release_neither_counts_as_the_latest_nor_ends_the_current_patchs_support():
    product = ProductFactory()
    r9 = ReleaseFactory(product=product, version="12.1.9")
    r10 = ReleaseFactory(product=product, version="12.1.10")
    planned = ReleaseFactory(product=product, version="12.2.0", released_on=date(2027, 1, 15), published_at=None)
    assert release_is_supported(release=r9) and release_is_supported(release=r10)
    assert not release_is_supported(release=planned)
    assert supported_release_ids() == {r9.pk, r10.pk}
    planned.published_at = datetime(2027, 1, 15, 15, tzinfo=UTC)  # published: now 12.2.0 and 12.1.10
    planned.save()
    assert supported_release_ids() == {r10.pk, planned.pk}
    assert not release_is_supported(release=r9)


def test_version_key_is_numeric():
    assert version_key("12.1.10") > version_key("12.1.9")
