import pytest

from servicedesk.advisory.tests.helpers import build_advisory
from servicedesk.tickets.tests.conftest import world  # noqa: F401  (the tickets' small world)


@pytest.fixture
def adv(world):  # noqa: F811
    return build_advisory(world)
