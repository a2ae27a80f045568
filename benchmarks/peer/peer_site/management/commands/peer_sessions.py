"""`manage.py peer_sessions --count P`: P staff members of django-helpdesk, one logged-in session
each, printed as a JSON list of Cookie header values (the virtual users of the wrk run)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import Client

from .peer_seed import pool_username, staff_user


class Command(BaseCommand):
    help = "Cria P sessões de equipe (uma por usuário) e imprime os cookies em JSON."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=50)

    def handle(self, *args, count, **options):
        cookies = []
        for n in range(1, count + 1):
            client = Client()
            client.force_login(staff_user(pool_username(n)))
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
        self.stdout.write(json.dumps(cookies))
