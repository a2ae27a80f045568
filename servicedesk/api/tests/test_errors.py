"""problem+json everywhere; unknown fields refused; naive datetimes refused; 404/405."""

import pytest

from servicedesk.api.tests.conftest import ApiClient, question_body
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    return body


def test_unknown_path_and_wrong_method_are_problems(joana):
    assert_problem(joana.get("/does-not-exist"), 404)
    body = assert_problem(joana.client.delete("/api/v1/tickets", headers=joana._headers({})), 405)
    assert "DELETE" in body["detail"]


@pytest.mark.parametrize(
    "field,value",
    [("status", "RESOLVIDO"), ("due_at", "2026-03-02T10:00:00-03:00"), ("organization", 1), ("assignee", 1)],
)
def test_customer_cannot_set_fields_it_may_not_set(joana, module_id, field, value):
    before = Ticket.objects.count()
    body = assert_problem(joana.post("/tickets", question_body(module_id, **{field: value})), 422)
    assert {"field": field, "reason": "Campo desconhecido ou que você não pode definir."} in body["errors"]
    assert Ticket.objects.count() == before


def test_unknown_field_in_any_body_is_refused(joana, acme_ticket):
    response = joana.post(f"/tickets/{acme_ticket.pk}/comments", {"body": "Olá", "colour": "azul"})
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "colour"
    assert acme_ticket.comments.filter(body="Olá").count() == 0


def test_invalid_fields_list_field_and_reason_in_portuguese(joana):
    body = assert_problem(joana.post("/tickets", {"type": "Bug", "environment": "produção"}), 422)
    fields = {e["field"]: e["reason"] for e in body["errors"]}
    assert "Valores possíveis" in fields["type"]
    assert fields["title"] == "Campo obrigatório."
    assert body["detail"].startswith("Alguns campos")


def test_domain_errors_carry_the_service_message_and_fields(joana, module_id):
    # A Problema without evidence: the rule is in tickets.services.ticket_open.
    body = assert_problem(
        joana.post(
            "/tickets",
            {
                "type": "Problema",
                "severity": "Alta",
                "environment": "produção",
                "module": module_id,
                "version_text": "12.1.1",
                "title": "Erro",
                "description": "Erro ao calcular.",
            },
        ),
        422,
    )
    assert {"field": "files", "reason": "Anexe pelo menos uma evidência (captura de tela) do problema."} in body[
        "errors"
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/tickets?due_before=2026-03-02T10:00:00",
        "/calendar/business-time?start=2026-03-02T10:00:00&hours=2",
        "/calendar/elapsed?start=2026-03-02T10:00:00-03:00&end=2026-03-03T10:00:00",
    ],
)
def test_naive_datetimes_are_refused(joana, path):
    body = assert_problem(joana.client.get("/api/v1" + path, headers=joana._headers({})), 422)
    assert "fuso" in body["errors"][0]["reason"]


def test_nul_characters_are_input_errors_not_server_errors(joana, acme_ticket):
    assert_problem(joana.post(f"/tickets/{acme_ticket.pk}/comments", {"body": "a\x00b"}), 422)
    assert_problem(joana.get("/tickets", {"text": "a\x00b"}), 422)


def test_ids_beyond_bigint_are_input_errors(joana):
    assert_problem(joana.get(f"/tickets/{2**64}"), 422)


def test_invalid_cursor_is_422(joana):
    body = assert_problem(joana.get("/tickets", {"cursor": "not-a-cursor"}), 422)
    assert body["errors"][0]["field"] == "cursor"


def test_anonymous_problem_has_www_authenticate():
    response = ApiClient().get("/tickets")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        # found by schemathesis: PostgreSQL refuses an offset beyond ±15:59, which was a 500
        ("1175-10-13T17:24:57.049+17:21", "Fuso horário inválido: o deslocamento deve ficar entre -14:00 e +14:00."),
        ("2026-03-02T10:00:00+14:01", "Fuso horário inválido: o deslocamento deve ficar entre -14:00 e +14:00."),
        ("1175-10-13T17:24:57-03:00", "Informe um instante entre 1990 e 2100."),
        ("2101-01-01T00:00:00-03:00", "Informe um instante entre 1990 e 2100."),
    ],
)
def test_instants_no_calendar_covers_are_input_errors(joana, acme_ticket, value, reason):
    body = assert_problem(joana.get("/tickets", {"due_after": value}), 422)
    assert body["errors"] == [{"field": "due_after", "reason": reason}]


def test_instants_at_the_edges_are_accepted(joana, acme_ticket):
    assert joana.get("/tickets", {"due_after": "1990-01-01T00:00:00+14:00"}).status_code == 200
    assert joana.get("/tickets", {"due_before": "2100-12-31T23:59:59-12:00"}).status_code == 200


def test_the_calendar_refuses_instants_outside_its_years(joana):
    body = assert_problem(joana.get("/calendar/business-time", {"start": "1175-10-13T17:24:57-03:00", "hours": 2}), 422)
    assert body["errors"] == [{"field": "start", "reason": "Informe um instante entre 1990 e 2100."}]
