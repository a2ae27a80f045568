"""The ticket resources through the real endpoints, on the same services as the web."""

from datetime import datetime, timedelta

import pytest

from servicedesk.api.models import IdempotencyRecord, PendingUpload
from servicedesk.api.tests.conftest import problem_body, question_body
from servicedesk.core import clock
from servicedesk.tickets.models import Comment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_customer_opens_a_problem_with_evidence_uploaded_first(joana, module_id):
    upload = joana.upload()
    assert upload.status_code == 201, upload.content
    upload_id = upload.json()["id"]
    response = joana.post("/tickets", problem_body(module_id, attachments=[upload_id]))
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(pk=body["number"])
    assert (body["status"], body["severity"], body["organization"]["id"]) == ("NOVO", "Alta", ticket.organization_id)
    assert ticket.attachments.count() == 1
    assert ticket.attachments.get().sha256 == upload.json()["sha256"]
    assert not PendingUpload.objects.filter(pk=upload_id).exists()
    assert body["opened_at"].endswith("-03:00")


def test_upload_is_checked_like_the_portal(joana):
    response = joana.upload("x.svg", b"<svg onload=alert(1)></svg>", "image/svg+xml")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "files"
    assert not PendingUpload.objects.exists()


def test_another_users_upload_cannot_be_attached(joana, as_user, demo, module_id):
    lucia = as_user(demo["lucia.acme"])
    upload_id = lucia.upload().json()["id"]
    response = joana.post("/tickets", problem_body(module_id, attachments=[upload_id]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "attachments"
    assert PendingUpload.objects.filter(pk=upload_id).exists()


def test_staff_cannot_open_tickets(ana, module_id):
    assert ana.post("/tickets", question_body(module_id)).status_code == 403


def test_untrained_customer_gets_the_service_message(as_user, demo, module_id):
    pedro = as_user(demo["pedro.acme"])
    response = pedro.post("/tickets", question_body(module_id))
    assert response.status_code == 422
    assert "treinados" in response.json()["detail"]


def test_idempotency_key_creates_one_ticket_and_replays_the_response(joana, module_id):
    before = Ticket.objects.count()
    first = joana.post("/tickets", question_body(module_id), **{"Idempotency-Key": "abc-1"})
    second = joana.post("/tickets", question_body(module_id), **{"Idempotency-Key": "abc-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert (first["Idempotent-Replayed"], second["Idempotent-Replayed"]) == ("false", "true")
    assert Ticket.objects.count() == before + 1
    other = joana.post("/tickets", question_body(module_id), **{"Idempotency-Key": "abc-2"})
    assert other.json()["number"] != first.json()["number"]


def test_idempotency_key_reused_with_another_body_is_refused(joana, module_id):
    joana.post("/tickets", question_body(module_id), **{"Idempotency-Key": "k"})
    response = joana.post("/tickets", question_body(module_id, title="Outro"), **{"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert response.json()["type"].endswith("idempotency-key-reused")


def test_idempotency_key_is_per_user(joana, as_user, demo, module_id):
    lucia = as_user(demo["lucia.acme"])
    from servicedesk.accounts.models import TrainingRecord

    TrainingRecord.objects.create(user=demo["lucia.acme"], course="RH", completed_on=datetime(2025, 1, 1).date())
    a = joana.post("/tickets", question_body(module_id), **{"Idempotency-Key": "same"})
    b = lucia.post("/tickets", question_body(module_id), **{"Idempotency-Key": "same"})
    assert a.json()["number"] != b.json()["number"]


def test_failed_creation_leaves_the_key_free(joana, module_id):
    bad = joana.post("/tickets", question_body(module_id, title=" "), **{"Idempotency-Key": "retry"})
    assert bad.status_code == 422
    assert not IdempotencyRecord.objects.exists()
    assert joana.post("/tickets", question_body(module_id), **{"Idempotency-Key": "retry"}).status_code == 201


def test_list_filters_and_cursor_pagination(joana, ana, module_id):
    numbers = [joana.post("/tickets", question_body(module_id, title=f"Dúvida {i}")).json()["number"] for i in range(5)]
    page1 = joana.get("/tickets", {"limit": 3, "type": "Dúvida"}).json()
    page2 = joana.get("/tickets", {"limit": 3, "type": "Dúvida", "cursor": page1["next_cursor"]}).json()
    seen = [t["number"] for t in page1["items"] + page2["items"]]
    assert page2["next_cursor"] is None
    assert len(seen) == len(set(seen)) == 6  # 5 new + the demo Dúvida of acme
    assert set(numbers) <= set(seen)
    assert all(t["type"] == "Dúvida" for t in page1["items"])
    assert [t["number"] for t in joana.get("/tickets", {"text": "Dúvida 3"}).json()["items"]] == [numbers[3]]
    assert joana.get("/tickets", {"status": ["RESOLVIDO"]}).json()["items"] == []
    due = ana.get("/tickets", {"order": "due", "limit": 2}).json()
    rest = ana.get("/tickets", {"order": "due", "limit": 50, "cursor": due["next_cursor"]}).json()
    dues = [t["next_due_at"] for t in due["items"] + rest["items"] if t["next_due_at"]]
    assert dues == sorted(dues, key=lambda d: datetime.fromisoformat(d))
    assert ana.get("/tickets", {"due_before": "2000-01-01T00:00:00Z"}).json()["items"] == []


def test_get_ticket(joana, acme_ticket, monkeypatch):
    # A minute after the opening the 20 h diagnosis clock of a NOVO ticket is running.
    monkeypatch.setattr(clock, "now", lambda: acme_ticket.opened_at + timedelta(minutes=1))
    body = joana.get(f"/tickets/{acme_ticket.pk}").json()
    assert body["number"] == acme_ticket.pk
    assert body["description"] == acme_ticket.description
    assert (body["status"], body["diagnosis_state"], body["solution_state"]) == ("NOVO", "running", "running")


def test_internal_notes_only_for_staff(joana, ana, acme_ticket):
    assert (
        ana.post(f"/tickets/{acme_ticket.pk}/comments", {"body": "Nota secreta", "internal": True}).status_code == 201
    )
    assert ana.post(f"/tickets/{acme_ticket.pk}/comments", {"body": "Resposta pública"}).status_code == 201
    staff_view = [c["body"] for c in ana.get(f"/tickets/{acme_ticket.pk}/comments").json()["items"]]
    customer_view = [c["body"] for c in joana.get(f"/tickets/{acme_ticket.pk}/comments").json()["items"]]
    assert "Nota secreta" in staff_view and "Resposta pública" in staff_view
    assert "Nota secreta" not in customer_view and "Resposta pública" in customer_view
    history = joana.get(f"/tickets/{acme_ticket.pk}/history").json()["items"]
    assert all(e["public"] for e in history)
    assert "internal_note" not in {e["kind"] for e in history}
    assert "internal_note" in {e["kind"] for e in ana.get(f"/tickets/{acme_ticket.pk}/history").json()["items"]}


def test_customer_cannot_write_internal_notes(joana, acme_ticket):
    response = joana.post(f"/tickets/{acme_ticket.pk}/comments", {"body": "x", "internal": True})
    assert response.status_code == 403
    assert not Comment.objects.filter(ticket=acme_ticket, body="x").exists()


def test_comment_with_attachment_and_download(joana, acme_ticket):
    upload_id = joana.upload("log.txt", b"erro na linha 3\n", "text/plain").json()["id"]
    response = joana.post(f"/tickets/{acme_ticket.pk}/comments", {"body": "Segue o log", "attachments": [upload_id]})
    assert response.status_code == 201, response.content
    attachment = response.json()["attachments"][0]
    download = joana.client.get(f"/api/v1/attachments/{attachment['id']}", headers=joana._headers({}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"erro na linha 3\n"
    assert "attachment" in download["Content-Disposition"]


def test_stale_revision_is_409(joana, acme_ticket):
    response = joana.post(f"/tickets/{acme_ticket.pk}/comments", {"body": "Oi", "revision": acme_ticket.revision + 7})
    assert response.status_code == 409


def test_customer_transitions_cancel_or_confirm_only(joana, ana, acme_ticket):
    number = acme_ticket.pk
    refused = joana.post(f"/tickets/{number}/transitions", {"to": "MANUTENÇÃO"})
    assert refused.status_code == 403
    resolved = ana.post(f"/tickets/{number}/transitions", {"to": "RESOLVIDO", "comment": "Corrigido na 12.1.2."})
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "RESOLVIDO"
    confirmed = joana.post(f"/tickets/{number}/transitions", {"to": "ENCERRADO"})
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "ENCERRADO"
    # The workflow refuses what it refuses, through the service.
    again = ana.post(f"/tickets/{number}/transitions", {"to": "EM ATENDIMENTO"})
    assert again.status_code == 409
    assert Ticket.objects.get(pk=number).status == "ENCERRADO"


def test_customer_cancels_with_a_reason(joana, acme_ticket):
    response = joana.post(f"/tickets/{acme_ticket.pk}/transitions", {"to": "CANCELADO", "comment": "Resolvido aqui."})
    assert response.json()["status"] == "CANCELADO"


def test_reclassification_by_staff_only(joana, ana, acme_ticket):
    number = acme_ticket.pk
    body = {"severity": "Crítica", "justification": "Folha inteira parada.", "triggering_fact": "Fechamento dia 25"}
    assert joana.post(f"/tickets/{number}/reclassification", body).status_code == 403
    assert Ticket.objects.get(pk=number).severity == "Alta"
    response = ana.post(f"/tickets/{number}/reclassification", body)
    assert response.status_code == 200, response.content
    assert response.json()["severity"] == "Crítica"
    event = TicketEvent.objects.get(ticket_id=number, kind="reclassified")
    assert event.data["triggering_fact"] == "Fechamento dia 25"
    assert ana.post(f"/tickets/{number}/reclassification", {"justification": " "}).status_code == 422


def test_calendar_endpoints(joana):
    due = joana.get("/calendar/business-time", {"start": "2026-03-02T10:00:00-03:00", "hours": 5}).json()
    assert due["due_at"] == "2026-03-02T16:00:00-03:00"  # 10–13 (3 h), lunch, 14–16 (2 h)
    elapsed = joana.get(
        "/calendar/elapsed", {"start": "2026-03-02T10:00:00-03:00", "end": "2026-03-02T16:00:00-03:00"}
    ).json()
    assert elapsed["business_seconds"] == 5 * 3600
    backwards = joana.get(
        "/calendar/elapsed", {"start": "2026-03-02T10:00:00-03:00", "end": "2026-03-01T10:00:00-03:00"}
    )
    # §2 (decision): backwards is negative — Sun 10:00 → Mon 10:00 holds Mon 09–10 only.
    assert backwards.status_code == 200
    assert backwards.json()["business_seconds"] == -3600


def test_catalog_and_plans(joana, ana):
    products = joana.get("/catalog/products").json()
    rh = next(p for p in products if p["code"] == "weconnect-rh")
    assert any(r["supported"] for r in rh["releases"]) and any(not r["supported"] for r in rh["releases"])
    assert rh["modules"]
    plans = {p["code"]: p for p in joana.get("/plans").json()}
    assert plans["STARTER"]["current"] and not plans["PREMIUM"]["current"]
    critical = next(t for t in plans["PREMIUM"]["targets"] if t["severity"] == "Crítica")
    assert (critical["diagnosis_hours"], critical["solution_business_days"]) == (6, 1)
    assert ana.get("/plans").status_code == 200


def test_docs_page_uses_vendored_swagger(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html and "://cdn" not in html.lower()
