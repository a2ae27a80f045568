"""The guided form, the ticket page and its actions, the lists and the home."""

import pytest
from django.urls import reverse

from servicedesk.catalog.models import Release
from servicedesk.core import clock
from servicedesk.portal.tests.conftest import open_problem, png_upload
from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket

NEW = "/chamados/novo/"


def problem_data(folha, **overrides):
    data = {
        "type": "Problema",
        "severity": "Alta",
        "module": folha.pk,
        "release": Release.objects.get(product=folha.product, version="12.1.1").pk,
        "environment": "produção",
        "title": "Folha sem horas extras",
        "description": "Horas extras de novembro não aparecem.",
        "files": [png_upload()],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_trained_customer_opens_a_problem(demo, login, folha):
    response = login(demo["joana.acme"]).post(NEW, problem_data(folha))
    ticket = Ticket.objects.latest("id")
    assert response.status_code == 302 and response.url == f"/chamados/{ticket.pk}/"
    assert (ticket.type, ticket.severity, ticket.requester) == ("Problema", "Alta", demo["joana.acme"])
    assert ticket.attachments.count() == 1


def test_missing_minimum_information_is_refused_field_by_field_keeping_what_was_typed(demo, login, folha):
    data = problem_data(folha, module=None, release=None, environment=None, files=None, severity=None)
    data["description"] = "Texto que digitei com cuidado"
    response = login(demo["joana.acme"]).post(NEW, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"module", "environment", "files", "severity"}
    body = response.content.decode()
    assert "Texto que digitei com cuidado" in body
    assert "Anexe pelo menos uma evidência" in body
    assert 'value="Problema" checked' in body
    assert Ticket.objects.filter(title="Folha sem horas extras").count() == 0


def test_question_needs_no_severity_version_or_evidence(demo, login, folha):
    data = problem_data(folha, type="Dúvida", severity=None, release=None, files=None)
    response = login(demo["joana.acme"]).post(NEW, data)
    assert response.status_code == 302
    assert Ticket.objects.latest("id").severity == "Normal"


def test_request_with_category(demo, login, folha):
    data = problem_data(folha, type="Solicitação", severity=None, release=None, files=None, category="chave")
    assert login(demo["joana.acme"]).post(NEW, data).status_code == 302
    assert Ticket.objects.latest("id").category == "chave"


def test_unsupported_version_is_accepted_and_flagged_at_once(demo, login, folha):
    old = Release.objects.get(product=folha.product, version="12.0.0")
    response = login(demo["joana.acme"]).post(NEW, problem_data(folha, release=old.pk), follow=True)
    ticket = Ticket.objects.latest("id")
    assert not ticket.version_supported
    assert "Versão não suportada" in response.content.decode()


def test_form_warns_about_unsupported_versions_and_shows_severity_definitions(demo, login):
    body = login(demo["joana.acme"]).get(NEW).content.decode()
    assert 'data-supported="0"' in body and "(não suportada)" in body
    assert "Sistema indisponível, sem alternativa" in body


def test_cloud_organizations_do_not_choose_a_version(demo, login, folha):
    body = login(demo["rafael.horizonte"]).get(NEW).content.decode()
    assert 'name="release"' not in body
    response = login(demo["rafael.horizonte"]).post(NEW, problem_data(folha, release=None))
    assert response.status_code == 302
    assert Ticket.objects.latest("id").version_text == "12.1.1"


def test_untrained_user_is_stopped_and_may_request_training(demo, login, folha):
    client = login(demo["pedro.acme"])
    page = client.get(NEW).content.decode()
    assert "Somente usuários treinados" in page and "Solicitar treinamento" in page
    assert client.post(NEW, problem_data(folha)).status_code == 200
    assert not Ticket.objects.filter(requester=demo["pedro.acme"]).exists()
    response = client.post("/chamados/treinamento/", {"module": folha.pk, "description": "Turma de março"})
    ticket = Ticket.objects.get(requester=demo["pedro.acme"])
    assert response.url == f"/chamados/{ticket.pk}/"
    assert ticket.category == "treinamento"


def test_linked_ticket_must_belong_to_the_organization(demo, login, folha, horizonte_ticket, acme_ticket):
    client = login(demo["joana.acme"])
    response = client.post(NEW, problem_data(folha, linked_ticket=horizonte_ticket.pk))
    assert response.status_code == 200 and "linked_ticket" in response.context["form"].errors
    response = client.post(NEW, problem_data(folha, linked_ticket=acme_ticket.pk))
    assert Ticket.objects.latest("id").linked_ticket == acme_ticket


def test_ticket_page_shows_conversation_sla_and_timeline(demo, login, acme_ticket):
    analyst = demo["ana.analista"]
    services.ticket_reclassify(
        ticket=acme_ticket,
        actor=analyst,
        now=clock.now(),
        severity="Crítica",
        justification="Folha inteira parada",
        triggering_fact="Fechamento no dia 25",
    )
    services.ticket_ask_customer(ticket=acme_ticket, actor=analyst, now=clock.now(), note="Envie o log do cálculo")
    body = login(demo["joana.acme"]).get(f"/chamados/{acme_ticket.pk}/").content.decode()
    assert "Envie o log do cálculo" in body
    assert "Justificativa: Folha inteira parada" in body and "Fato gerador: Fechamento no dia 25" in body
    assert "Prazo pausado" in body and "AGUARDANDO CLIENTE" in body
    assert "Acesso remoto" in body


def test_customer_answer_resumes_the_ticket(demo, login, acme_ticket):
    services.ticket_ask_customer(ticket=acme_ticket, actor=demo["ana.analista"], now=clock.now(), note="Detalhes?")
    acme_ticket.refresh_from_db()
    response = login(demo["joana.acme"]).post(
        f"/chamados/{acme_ticket.pk}/responder/", {"body": "Segue o log", "expected_revision": acme_ticket.revision}
    )
    assert response.status_code == 302
    acme_ticket.refresh_from_db()
    assert acme_ticket.status == "EM ATENDIMENTO"


def test_stale_reply_gets_conflict_and_keeps_the_text(demo, login, acme_ticket):
    stale = acme_ticket.revision
    services.ticket_comment_add(ticket=acme_ticket, author=demo["ana.analista"], body="Analisando", now=clock.now())
    response = login(demo["joana.acme"]).post(
        f"/chamados/{acme_ticket.pk}/responder/", {"body": "Meu texto longo", "expected_revision": stale}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert services.TICKET_CHANGED in body and "Meu texto longo" in body
    acme_ticket.refresh_from_db()
    assert f'value="{acme_ticket.revision}"' in body
    assert not acme_ticket.comments.filter(body="Meu texto longo").exists()


def test_confirm_solution_closes(demo, login, acme_ticket):
    services.ticket_resolve(ticket=acme_ticket, actor=demo["ana.analista"], now=clock.now(), note="Corrigido")
    acme_ticket.refresh_from_db()
    client = login(demo["joana.acme"])
    assert "Confirmar solução" in client.get(f"/chamados/{acme_ticket.pk}/").content.decode()
    client.post(f"/chamados/{acme_ticket.pk}/confirmar/", {"expected_revision": acme_ticket.revision})
    acme_ticket.refresh_from_db()
    assert acme_ticket.status == "ENCERRADO"
    body = client.get(f"/chamados/{acme_ticket.pk}/").content.decode()
    assert "Solicitar reabertura" in body and "Abrir chamado vinculado" in body


def test_reopen_request_on_closed_ticket(demo, login, acme_ticket):
    services.ticket_resolve(ticket=acme_ticket, actor=demo["ana.analista"], now=clock.now(), note="Feito.")
    services.ticket_confirm_solution(ticket=acme_ticket, actor=demo["joana.acme"], now=clock.now())
    client = login(demo["joana.acme"])
    client.post(f"/chamados/{acme_ticket.pk}/reabertura/", {"reason": "Voltou a acontecer"})
    assert acme_ticket.reopen_requests.filter(status="pending").exists()
    assert "Reabertura solicitada" in client.get(f"/chamados/{acme_ticket.pk}/").content.decode()


def test_cancel(demo, login, acme_ticket):
    login(demo["joana.acme"]).post(f"/chamados/{acme_ticket.pk}/cancelar/", {"expected_revision": acme_ticket.revision})
    acme_ticket.refresh_from_db()
    assert acme_ticket.status == "CANCELADO"


def test_add_evidence(demo, login, acme_ticket):
    login(demo["joana.acme"]).post(
        f"/chamados/{acme_ticket.pk}/responder/",
        {"body": "", "files": [png_upload("novo.png")], "expected_revision": acme_ticket.revision},
    )
    assert acme_ticket.attachments.filter(original_name="novo.png", comment__isnull=True).exists()


def test_list_filters_and_pagination(demo, login, folha):
    joana = demo["joana.acme"]
    for i in range(27):
        open_problem(joana, folha, title=f"Chamado {i}", files=[png_upload()])
    client = login(joana)
    first = client.get("/chamados/")
    assert first.context["page"].total >= 27 and len(first.context["page"].object_list) == 25
    second = client.get("/chamados/", {"pagina": 2})
    assert second.context["page"].number == 2
    closed = client.get("/chamados/", {"estado": "fechados"})
    assert closed.context["page"].total == 0
    assert client.get("/chamados/", {"status": "NOVO", "q": "Chamado 26"}).context["page"].total == 1


@pytest.mark.parametrize("count", [1, 30])
def test_home_has_a_constant_number_of_queries(demo, login, folha, count, django_assert_max_num_queries):
    joana = demo["joana.acme"]
    for i in range(count):
        open_problem(joana, folha, title=f"Chamado {i}")
    client = login(joana)
    client.get("/")  # warm the calendar cache of this process
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "(11) 4000-1117" in body and "exceto feriados" in body
    assert "badge-sla" in body
    assert 'href="/base-de-conhecimento/"' in body  # the knowledge base exists (issue 10)


def test_home_htmx_refresh_returns_the_fragment(demo, login, acme_ticket):
    response = login(demo["joana.acme"]).get("/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and f"/chamados/{acme_ticket.pk}/" in body


def test_organization_page_edits(demo, login):
    lucia = demo["lucia.acme"]
    client = login(lucia)
    response = client.post(
        "/organizacao/acesso-remoto/",
        {"authorized": "on", "includes_sql": "on", "authorized_by": "", "until": "", "notes": ""},
    )
    assert response.status_code == 422 and "Informe quem autorizou" in response.content.decode()
    client.post(
        "/organizacao/acesso-remoto/",
        {"authorized": "on", "includes_sql": "on", "authorized_by": "Lúcia", "until": "", "notes": "VPN"},
    )
    lucia.organization.refresh_from_db()
    assert lucia.organization.remote_access_authorized
    client.post("/organizacao/cronograma/", {"process": "Fechamento do ponto", "day_of_month": 20})
    deadline = lucia.organization.operational_deadlines.get(process="Fechamento do ponto")
    client.post(reverse("portal:organization_deadline_remove", args=[deadline.pk]))
    assert not lucia.organization.operational_deadlines.filter(pk=deadline.pk).exists()


def test_a_broad_search_counts_up_to_the_cap_and_reads_its_page_in_order(demo, login, folha, monkeypatch):
    """Many matches: the total stops at COUNT_CAP + 1 ("mais de 1.000") and the page is read in
    the list's order (tickets.search, `in_order`) — the same rows, newest first, as a plain read."""
    from servicedesk.portal import selectors
    from servicedesk.tickets import search

    joana = demo["joana.acme"]
    opened = [open_problem(joana, folha, title=f"Xilofone quebrado {i}").pk for i in range(8)]
    client = login(joana)
    plain = client.get("/chamados/", {"q": "xilofone", "estado": "todos"}).context["page"]
    assert plain.total == 8 and not plain.capped
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    monkeypatch.setattr(search, "IN_ORDER_FROM", 3)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 4)
    response = client.get("/chamados/", {"q": "xilofone", "estado": "todos"})
    page = response.context["page"]
    assert page.total == 6 and page.capped  # 5 + 1: "more than the cap"
    assert [t.pk for t in page.object_list] == opened[::-1][:4]
    assert "mais de 1.000 chamados" in response.content.decode()
    second = client.get("/chamados/", {"q": "xilofone", "estado": "todos", "pagina": 2}).context["page"]
    assert [t.pk for t in second.object_list] == opened[::-1][4:]


def test_a_search_with_few_matches_reads_its_page_by_the_ids_it_counted(demo, login, folha):
    """Up to IN_ORDER_FROM matches the page is read by the ids the count found: the same rows,
    newest first, and the words looked up once per page (not once to count and once to read)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    joana = demo["joana.acme"]
    opened = [open_problem(joana, folha, title=f"Marimba desafinada {i}").pk for i in range(3)]
    open_problem(joana, folha, title="Outro assunto")
    client = login(joana)
    client.get("/chamados/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/chamados/", {"q": "marimba desafinada", "estado": "todos"}).context["page"]
    assert [t.pk for t in page.object_list] == opened[::-1] and page.total == 3
    lookups = [
        q for q in queries.captured_queries if "tickets_search_fts" in q["sql"] or "tickets_ticketsearch" in q["sql"]
    ]
    assert len(lookups) == 1, lookups
