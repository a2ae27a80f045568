"""Shared browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Screenshots go to test-artifacts/screenshots/<test>.png (ignored by git, kept by CI as artifacts).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's sync API

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pt-BR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def demo_live(transactional_db, live_server):
    """The demo world in the live server's database; returns {username: user}.

    Mark the tests ``django_db(transaction=True, serialized_rollback=True)``: the SLA plans and
    calendar come from data migrations, which a plain transactional flush would remove."""
    from importlib import import_module

    from django.apps import apps

    from servicedesk.accounts.models import User
    from servicedesk.demo.data import load_demo_data
    from servicedesk.sla.models import Plan

    if not Plan.objects.exists():
        # A transactional test that ran before (without serialized rollback) flushed the rows
        # the data migration seeded: seed them again the same way.
        import_module("servicedesk.sla.migrations.0002_seed_default_calendar_and_plans").seed(apps, None)
    load_demo_data()
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def login_as(page, live_server):
    from servicedesk.demo.data import DEMO_PASSWORD

    def login(username: str, password: str = DEMO_PASSWORD):
        page.goto(f"{live_server.url}/conta/entrar/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return login


@pytest.fixture
def open_people(browser, live_server):
    """`open_people(shot, accept_dialogs=False)` → `as_user(username)`: one browser context per
    person (each keeps its own session), logged in on first use; `None` is a visitor. At the end
    `shot(page, "last-<username>")` keeps the last state of each person's page, pass or fail.
    `as_user.problems` collects the Content-Security-Policy violations the pages reported."""
    from servicedesk.demo.data import DEMO_PASSWORD

    contexts, pages, shots, problems = [], {}, [], []

    def open_(shot, *, accept_dialogs: bool = False):
        shots.append(shot)

        def as_user(username: str | None):
            if username not in pages:
                context = browser.new_context(
                    viewport={"width": 1280, "height": 900}, locale="pt-BR", accept_downloads=True
                )
                context.set_default_timeout(15_000)
                contexts.append(context)
                page = context.new_page()
                if accept_dialogs:
                    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts
                page.on(
                    "console",
                    lambda message: (
                        problems.append(message.text)
                        if message.type == "error" and "Content Security Policy" in message.text
                        else None
                    ),
                )
                if username:
                    page.goto(f"{live_server.url}/conta/entrar/")
                    page.fill("#id_username", username)
                    page.fill("#id_password", DEMO_PASSWORD)
                    page.click("button[type=submit]")
                    page.wait_for_load_state()
                pages[username] = page
            return pages[username]

        as_user.problems = problems
        return as_user

    yield open_
    for username, page in pages.items():
        for shot in shots:
            shot(page, f"last-{username or 'visitor'}")
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot_png(tmp_path) -> Path:
    import io

    from PIL import Image, ImageDraw

    buffer = io.BytesIO()
    image = Image.new("RGB", (640, 360), (236, 241, 248))
    ImageDraw.Draw(image).text((20, 20), "Erro no cálculo da folha", fill=(180, 30, 30))
    image.save(buffer, format="PNG")
    path = tmp_path / "erro-folha.png"
    path.write_bytes(buffer.getvalue())
    return path
