"""The release-awareness demo (issue 11): two Holerite Online problems fixed in the published
5.4.2, each customer told once; loading twice adds nothing."""

import pytest
from django.core import mail

from servicedesk.catalog.models import Release
from servicedesk.demo.release_story import FIX_VERSION, PROBLEMS, load_release_story
from servicedesk.tickets.access import fix_release_for
from servicedesk.tickets.models import FixAnnouncement, Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_fixes_two_problems_in_a_published_release_once(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_release_story()
    with django_capture_on_commit_callbacks(execute=True):
        load_release_story()
    fix = Release.objects.get(product__code="weconnect-portal", version=FIX_VERSION)
    assert fix.published_at is not None
    assert not Release.objects.filter(published_at__isnull=True).exists()  # the launched ones too
    fixed = Ticket.objects.filter(fixed_in=fix)
    assert sorted(fixed.values_list("title", flat=True)) == sorted(title for _, title, _ in PROBLEMS)
    assert FixAnnouncement.objects.filter(release=fix).count() == 2
    joana = demo["joana.acme"]
    [acme] = fixed.filter(organization=joana.organization)
    assert fix_release_for(joana, acme) == fix
    # Acme's requester and its approver lucia; Horizonte's requester and its approver helena.
    fixed_mails = sorted(m.to[0] for m in mail.outbox if "Corrigido na versão 5.4.2" in m.subject)
    assert fixed_mails == sorted(
        demo[u].email for u in ("joana.acme", "lucia.acme", "rafael.horizonte", "helena.horizonte")
    )
