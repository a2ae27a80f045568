"""The reports tests reuse the ticket lifecycle's small world (organizations, people, catalog)."""

from servicedesk.tickets.tests.conftest import World, world  # noqa: F401
