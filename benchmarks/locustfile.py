"""The simulated people of benchmarks/load.py (locust): customers, analysts and API clients.

The sessions, tokens and ticket numbers they use come from the JSON file named by LOAD_PEOPLE
(written by load.py). Not meant to be run alone."""

import json
import os
import random

from locust import HttpUser, between, task

HTTPS_HEADERS = {"X-Forwarded-Proto": "https"}
PEOPLE = json.loads(open(os.environ["LOAD_PEOPLE"]).read()) if os.environ.get("LOAD_PEOPLE") else {}  # noqa: SIM115


def _pick(kind: str):
    return random.choice(PEOPLE[kind])


class Customer(HttpUser):
    weight = 4
    wait_time = between(1, 3)

    def on_start(self):
        self.me = _pick("customers")
        self.client.headers.update({**HTTPS_HEADERS, "Cookie": self.me["cookie"]})

    @task(3)
    def home(self):
        self.client.get("/", name="portal: home")

    @task(3)
    def ticket(self):
        self.client.get(f"/chamados/{random.choice(self.me['tickets'])}/", name="portal: ticket page")

    @task(1)
    def reply(self):
        number = random.choice(self.me["tickets"])
        self.client.post(
            f"/api/v1/tickets/{number}/comments",
            json={"body": "Obrigado, seguem mais detalhes do problema."},
            headers={"Authorization": f"Bearer {self.me['token']}", "Cookie": ""},
            name="api: customer reply",
        )


class Analyst(HttpUser):
    weight = 4
    wait_time = between(1, 3)

    def on_start(self):
        self.me = _pick("analysts")
        self.client.headers.update({**HTTPS_HEADERS, "Cookie": self.me["cookie"]})

    @task(4)
    def queue(self):
        self.client.get("/console/", name="console: queue")

    @task(3)
    def ticket(self):
        self.client.get(f"/console/chamados/{random.choice(self.me['tickets'])}/", name="console: ticket page")

    @task(1)
    def reply(self):
        number = random.choice(self.me["tickets"])
        self.client.post(
            f"/api/v1/tickets/{number}/comments",
            json={"body": "Estamos analisando; retornamos em breve.", "internal": random.random() < 0.3},
            headers={"Authorization": f"Bearer {self.me['token']}", "Cookie": ""},
            name="api: analyst reply",
        )


class ApiClient(HttpUser):
    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self):
        self.me = _pick("api")
        self.client.headers.update({**HTTPS_HEADERS, "Authorization": f"Bearer {self.me['token']}"})

    @task(2)
    def listing(self):
        self.client.get("/api/v1/tickets?limit=50", name="api: list tickets")

    @task(3)
    def sla(self):
        self.client.get(f"/api/v1/tickets/{random.choice(self.me['tickets'])}/sla", name="api: poll SLA")
