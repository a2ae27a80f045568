"""Supported versions: the latest release of a product or the patch before it (domain.md §4)."""

from datetime import date

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


def test_version_key_is_numeric():
    assert version_key("12.1.10") > version_key("12.1.9")
