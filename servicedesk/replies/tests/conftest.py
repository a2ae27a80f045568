"""Fixtures of the canned-reply tests: the tickets' test world."""

from servicedesk.tickets.tests.conftest import world  # noqa: F401
