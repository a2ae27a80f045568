"""Every kind of page renders under the Content-Security-Policy without a single violation (Chromium).

The page records `securitypolicyviolation` events from the first script on, and the console's
errors; both must stay empty, and the header must be on the document response.
"""

import pytest

from servicedesk.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations and console errors."""
    errors = []

    def on_console(message):
        # A failed load is reported by on_response with its address (the browser's own
        # /favicon.ico probe on the admin's pages is not ours to serve).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", on_response)
    page.console_errors = errors
    return page


def visit(page, url: str, *, ready: str | None = None, nonce: bool = True) -> None:
    errors_before = len(page.console_errors)
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "object-src 'none'" in policy, (url, policy)
    assert "base-uri 'none'" in policy and "frame-ancestors 'none'" in policy, (url, policy)
    if nonce:  # our pages draw their inline scripts with it; the admin's pages have none
        assert "'nonce-" in policy, (url, policy)
    page.wait_for_load_state("networkidle")
    if ready:
        page.wait_for_selector(ready)
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], (url, violations)
    assert page.console_errors[errors_before:] == [], (url, page.console_errors[errors_before:])


def _problem_ticket(demo_live):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from servicedesk.catalog.models import Module
    from servicedesk.demo.data import demo_screenshot_png
    from servicedesk.tickets import services

    return services.ticket_open(
        requester=demo_live["joana.acme"],
        type="Problema",
        severity="Alta",
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="Folha de Pagamento"),
        version_text="12.1.1",
        title="Holerite sem horas extras",
        description="As horas extras de novembro não aparecem.",
        files=[SimpleUploadedFile("tela.png", demo_screenshot_png(), content_type="image/png")],
        now=clock.now(),
    )


def _login(page, live_server, username):
    from servicedesk.demo.data import DEMO_PASSWORD

    page.context.clear_cookies()
    visit(page, f"{live_server.url}/conta/entrar/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_every_page_kind_renders_without_a_csp_violation(demo_live, watched, live_server):
    page = watched
    ticket = _problem_ticket(demo_live)
    base = live_server.url

    _login(page, live_server, "joana.acme")
    visit(page, f"{base}/")
    visit(page, f"{base}/chamados/novo/", ready="#id_module")
    # The form's scripts run: the version warning shows for an unsupported release.
    page.check("input[name=type][value=Problema]")
    visit(page, f"{base}/chamados/{ticket.pk}/")
    visit(page, f"{base}/tokens/")
    page.fill("#id_name", "Integração")
    page.click("button:has-text('Criar token')")
    page.wait_for_selector("[data-testid=new-token]")
    assert page.evaluate("window.__cspViolations") == []
    visit(page, f"{base}/api/v1/docs", ready=".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 5  # Swagger UI rendered the operations

    _login(page, live_server, "ana.analista")
    visit(page, f"{base}/console/")
    visit(page, f"{base}/console/chamados/{ticket.pk}/")

    _login(page, live_server, "gabriela.gestora")
    visit(page, f"{base}/console/gestao/")

    _login(page, live_server, "admin")
    visit(page, f"{base}/admin/", nonce=False)
    visit(page, f"{base}/admin/accounts/user/", nonce=False)
    # The language switch is a nonce'd script now: it still submits the form.
    page.goto(f"{base}/console/")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("window.__cspViolations") == []
