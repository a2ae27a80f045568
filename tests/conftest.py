"""Project-level tests (across the portal, the console and the API): the tickets' test world."""

from servicedesk.tickets.tests.conftest import world  # noqa: F401
