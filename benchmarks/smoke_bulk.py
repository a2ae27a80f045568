"""`python benchmarks/smoke_bulk.py --database-url postgres://…/sd_ops_bench`: after a bulk load
(generate_demo_tickets), the console queue, a generated ticket's page (console and portal) and
the API list answer 200 against it, in-process, with their time. A check, not a benchmark."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # no shadowed stdlib (calendar)
sys.path.insert(0, str(_HERE.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from servicedesk.accounts.models import User
    from servicedesk.tickets.models import Ticket

    settings.ALLOWED_HOSTS = ["*"]
    analyst = User.objects.get(username="ana.analista")
    ticket = Ticket.objects.filter(team__members=analyst).order_by("-pk").first() or Ticket.objects.order_by("-pk")[0]
    customer = ticket.requester
    staff, portal = Client(), Client()
    staff.force_login(analyst)
    portal.force_login(customer)
    checks = [
        (staff, "/console/"),
        (staff, f"/console/chamados/{ticket.pk}/"),
        (staff, "/api/v1/tickets"),
        (portal, "/"),
        (portal, f"/chamados/{ticket.pk}/"),
    ]
    failed = 0
    print(f"{Ticket.objects.count():,} chamados; chamado #{ticket.pk} ({ticket.status})")
    for client, path in checks:
        client.get(path)  # warm
        started = time.perf_counter()
        response = client.get(path)
        ms = (time.perf_counter() - started) * 1000
        ok = response.status_code == 200
        failed += not ok
        print(f"{response.status_code} {ms:7.1f} ms  {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
