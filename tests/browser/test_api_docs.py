"""The API documentation page renders in a real browser (Chromium): Swagger UI parses the spec
(its YAML parser refuses a duplicated key: "Parser error — duplicated mapping key") and draws
every operation. Screenshot: test-artifacts/screenshots/test_the_api_docs_render_every_operation.png.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def test_the_api_docs_render_every_operation(demo_live, login_as, live_server):
    page = login_as("joana.acme")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response is not None and response.status == 200
    # Swagger UI draws either the document or its error box ("Unable to render this definition").
    page.wait_for_selector(".swagger-ui .information-container .title, .swagger-ui .errors-wrapper", timeout=15_000)
    page.wait_for_load_state("networkidle")

    ui = page.inner_text("#swagger-ui")
    assert "Parser error" not in ui and "Unable to render" not in ui and "duplicated mapping key" not in ui
    assert page.locator(".swagger-ui .errors-wrapper").count() == 0
    assert "WeConnect Service Desk API" in ui

    # Every operation of the spec is drawn, with its pt-BR summary and its operation id.
    spec = page.evaluate("fetch('/api/v1/openapi.json').then((response) => response.json())")
    operations = [
        operation
        for path_item in spec["paths"].values()
        for method, operation in path_item.items()
        if method in HTTP_METHODS
    ]
    assert len(operations) > 5
    assert page.locator(".swagger-ui .opblock").count() == len(operations)
    listing = page.locator("#operations-default-tickets_list, [id$='-tickets_list']")
    assert listing.count() == 1
    assert "Listar chamados" in listing.inner_text()
    assert page.locator(".swagger-ui .opblock-summary-description", has_text="Baixar anexo").count() == 1
    assert errors == []
