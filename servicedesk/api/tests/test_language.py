"""The REST API answers in pt-BR whatever the caller's Accept-Language (issue 4)."""

from django.utils import translation

from servicedesk.api.tests.conftest import problem_body


def test_api_not_found_detail_stays_portuguese_in_english(joana, horizonte_ticket):
    response = joana.get(f"/tickets/{horizonte_ticket.pk}", **{"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json()["detail"] == "Chamado não encontrado."
    assert response["Content-Language"] == "pt-br"


def test_api_refused_post_detail_stays_portuguese_in_english(joana, module_id):
    response = joana.post("/tickets", problem_body(module_id, description=""), **{"Accept-Language": "en"})
    assert response.status_code == 422
    body = response.json()
    assert "Descreva o problema em detalhes." in str(body)
    assert "Describe the problem" not in str(body)


def test_the_web_ui_still_follows_accept_language(client, settings):
    try:
        response = client.get("/conta/entrar/", HTTP_ACCEPT_LANGUAGE="en")
        assert response["Content-Language"] == "en"
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # LocaleMiddleware left English active in this thread
