import pytest
from axes.models import AccessAttempt


@pytest.fixture(autouse=True)
def _clean_axes(db):
    AccessAttempt.objects.all().delete()
    yield
