"""`manage.py peer_measure`: server time of django-helpdesk's pages, timed by benchmarks/timing.py
(the same function that times ours), printed as one JSON line.

The open-ticket list of an agent is ``/helpdesk/tickets/`` with no filter: django-helpdesk's
default query, status Open or Reopened, sorted by creation date, 25 rows (the agent's
``tickets_per_page``). The page itself carries no rows: its DataTable fetches them from
``/helpdesk/datatables_ticket_list/<query>`` with the DataTables parameters sent below. One view
of the list is both requests, in the order a browser makes them; each is reported alone too.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import django
import helpdesk
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from helpdesk.models import FollowUp, Ticket

from .peer_seed import staff_user

_spec = importlib.util.spec_from_file_location("bench_timing", Path(__file__).resolve().parents[4] / "timing.py")
timing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(timing)

DATA_URL = re.compile(r"/helpdesk/datatables_ticket_list/[A-Za-z0-9+/=]*")


def datatables_params(length: int) -> str:
    """What the list's DataTable sends on first load (serverSide, default order: column 5 = created, asc)."""
    return urlencode(
        {
            "draw": 1,
            "order[0][column]": 5,
            "order[0][dir]": "asc",
            "start": 0,
            "length": length,
            "search[value]": "",
            "search[regex]": "false",
        }
    )


class Command(BaseCommand):
    help = "Mede as páginas do django-helpdesk (tempo no servidor, p50/p95, queries) e imprime JSON."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=100)
        parser.add_argument("--budget", type=float, default=60.0, help="Segundos por página (mín. 20 vistas).")
        parser.add_argument("--searches", default="[]", help="Lista JSON de buscas por palavra.")

    def handle(self, *args, repeat, budget, searches, **options):
        user = staff_user("agente")
        client = Client()
        client.force_login(user)
        per_page = user.usersettings_helpdesk.tickets_per_page

        def list_urls(query: str = "") -> list[str]:
            shell = "/helpdesk/tickets/" + (f"?{urlencode({'q': query})}" if query else "")
            response = client.get(shell)
            found = DATA_URL.search(response.content.decode())
            if response.status_code != 200 or not found:
                raise CommandError(
                    f"lista do django-helpdesk sem a URL dos dados: GET {shell} → {response.status_code}"
                )
            return [shell, f"{found.group(0)}?{datatables_params(per_page)}"]

        urls = list_urls()
        data = client.get(urls[1]).json()
        open_count = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).count()
        if data["recordsTotal"] != open_count or len(data["data"]) != min(per_page, open_count):
            raise CommandError(f"a lista não mostra os abertos: {data['recordsTotal']} de {open_count}")
        ticket = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).order_by("-id").first()

        def run(name, view_urls, *, cold=True):
            pages[name] = timing.measure_view(client, view_urls, repeat=repeat, cold=cold, budget_s=budget)

        pages: dict[str, dict] = {}
        run("list", urls)
        if pages["list"]["p50_ms"] < 1000:  # nothing of the list is cached, so warm = cold; skip when slow
            run("list_warm", urls, cold=False)
        run("list_page", urls[:1])
        run("list_data", urls[1:])
        run("ticket", [f"/helpdesk/tickets/{ticket.pk}/"])
        found = {}
        for query in json.loads(searches):
            search_urls = list_urls(query)
            run(f"search:{query}", search_urls)
            found[query] = client.get(search_urls[1]).json()["recordsFiltered"]
        self.stdout.write(
            json.dumps(
                {
                    "vendor": connection.vendor,
                    "django": django.get_version(),
                    "helpdesk": getattr(helpdesk, "__version__", "2.6.1"),
                    "tickets": Ticket.objects.count(),
                    "open": open_count,
                    "followups": FollowUp.objects.count(),
                    "per_page": per_page,
                    "urls": urls,
                    "ticket_id": ticket.pk,
                    "search_found": found,
                    "pages": pages,
                }
            )
        )
