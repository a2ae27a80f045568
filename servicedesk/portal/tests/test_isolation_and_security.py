"""Tenant isolation, roles, CSRF and escaping on every portal page and the download view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicedesk.core import clock
from servicedesk.portal.tests.conftest import open_problem, png_upload
from servicedesk.tickets import services
from servicedesk.tickets.models import Attachment

TICKET_URLS = [
    "/chamados/{pk}/",
]
TICKET_POSTS = [
    ("/chamados/{pk}/responder/", {"body": "oi", "expected_revision": 1}),
    ("/chamados/{pk}/responder/", {"expected_revision": 1}),  # files alone: evidence
    ("/chamados/{pk}/confirmar/", {"expected_revision": 1}),
    ("/chamados/{pk}/cancelar/", {"expected_revision": 1}),
    ("/chamados/{pk}/reabertura/", {"reason": "x"}),
]


def test_another_organizations_ticket_is_not_found_everywhere(demo, login, horizonte_ticket):
    client = login(demo["joana.acme"])
    for url in TICKET_URLS:
        assert client.get(url.format(pk=horizonte_ticket.pk)).status_code == 404
    for url, data in TICKET_POSTS:
        assert client.post(url.format(pk=horizonte_ticket.pk), data).status_code == 404, url
    horizonte_ticket.refresh_from_db()
    assert horizonte_ticket.status == "NOVO" and horizonte_ticket.comments.count() == 0


def test_another_organizations_tickets_never_listed(demo, login, horizonte_ticket):
    client = login(demo["joana.acme"])
    for url in ("/", "/chamados/?estado=todos"):
        body = client.get(url).content.decode()
        # Both demo organizations have a ticket with the same title: look for the number.
        assert f">#{horizonte_ticket.pk}<" not in body
        assert f"/chamados/{horizonte_ticket.pk}/" not in body


def test_another_organizations_attachment_is_not_found(demo, login, horizonte_ticket):
    attachment = horizonte_ticket.attachments.first()
    assert login(demo["joana.acme"]).get(f"/anexos/{attachment.pk}/").status_code == 404
    assert login(demo["rafael.horizonte"]).get(f"/anexos/{attachment.pk}/").status_code == 200


def test_internal_notes_and_internal_attachments_never_reach_customers(demo, login, acme_ticket):
    analyst = demo["ana.analista"]
    services.ticket_comment_add(
        ticket=acme_ticket,
        author=analyst,
        body="NOTA-SECRETA: cliente difícil",
        internal=True,
        files=[png_upload("interno.png")],
        now=clock.now(),
    )
    services.ticket_comment_add(ticket=acme_ticket, author=analyst, body="Resposta pública", now=clock.now())
    internal = Attachment.objects.get(ticket=acme_ticket, is_internal=True)
    client = login(demo["joana.acme"])
    body = client.get(f"/chamados/{acme_ticket.pk}/").content.decode()
    assert "Resposta pública" in body
    assert "NOTA-SECRETA" not in body and "interno.png" not in body
    assert client.get(f"/anexos/{internal.pk}/").status_code == 404
    # Staff reach it through the same view.
    assert login(analyst).get(f"/anexos/{internal.pk}/").status_code == 200


def test_download_headers(demo, login, acme_ticket):
    attachment = acme_ticket.attachments.first()
    response = login(demo["joana.acme"]).get(f"/anexos/{attachment.pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    [text] = services.ticket_attachment_add(
        ticket=acme_ticket,
        uploader=demo["joana.acme"],
        now=clock.now(),
        files=[SimpleUploadedFile("log.txt", b"linha 1\nlinha 2\n", content_type="text/html")],
    )
    response = login(demo["joana.acme"]).get(f"/anexos/{text.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].startswith("text/plain")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_needs_login(demo, acme_ticket):
    attachment = acme_ticket.attachments.first()
    response = Client().get(f"/anexos/{attachment.pk}/")
    assert response.status_code == 302 and response.url.startswith("/conta/entrar/")


def test_organization_page_only_for_approvers(demo, login):
    assert login(demo["joana.acme"]).get("/organizacao/").status_code == 403
    assert login(demo["ana.analista"]).get("/organizacao/").status_code == 403
    body = login(demo["lucia.acme"]).get("/organizacao/").content.decode()
    assert "Joana" in body and "Rafael" not in body


@pytest.mark.parametrize("url", ["/chamados/", "/chamados/novo/", "/organizacao/"])
def test_staff_cannot_use_the_portal(demo, login, url):
    assert login(demo["ana.analista"]).get(url).status_code == 403


def test_staff_on_portal_home_go_to_console(demo, login):
    response = login(demo["ana.analista"]).get("/")
    assert response.status_code == 302 and response.url == "/console/"


def test_customers_cannot_reach_the_console(demo, login):
    client = login(demo["lucia.acme"])
    assert client.get("/console/").status_code == 404  # the console does not exist for customers
    # The back office sends a non-staff session to the (staff) login; nothing of it is shown.
    response = client.get("/admin/")
    assert (response.status_code, response.url) == (302, "/admin/login/?next=/admin/")


def csrf_posts(ticket_pk, deadline_pk):
    return [
        ("/chamados/novo/", {"type": "Dúvida"}),
        ("/chamados/treinamento/", {"module": 1}),
        (f"/chamados/{ticket_pk}/responder/", {"body": "x", "expected_revision": 1}),
        ("/organizacao/convites/", {"name": "Nova Pessoa", "email": "nova@acme.example"}),
        ("/organizacao/treinamento/", {"colleague": 1, "module": 1}),
        (f"/chamados/{ticket_pk}/confirmar/", {"expected_revision": 1}),
        (f"/chamados/{ticket_pk}/cancelar/", {"expected_revision": 1}),
        (f"/chamados/{ticket_pk}/reabertura/", {"reason": "x"}),
        ("/organizacao/acesso-remoto/", {"authorized": "on", "authorized_by": "x"}),
        ("/organizacao/cronograma/", {"process": "x", "day_of_month": 3}),
        (f"/organizacao/cronograma/{deadline_pk}/remover/", {}),
        ("/i18n/setlang/", {"language": "en"}),
    ]


def test_every_state_changing_form_needs_csrf(demo, login, acme_ticket):
    lucia = demo["lucia.acme"]
    deadline = lucia.organization.operational_deadlines.first()
    client = login(lucia, csrf=True)
    before = (acme_ticket.revision, acme_ticket.comments.count(), acme_ticket.attachments.count())
    tickets_before = acme_ticket.organization.tickets.count()
    users_before = lucia.organization.users.count()
    for url, data in csrf_posts(acme_ticket.pk, deadline.pk):
        assert client.post(url, data).status_code == 403, url
    assert lucia.organization.users.count() == users_before
    acme_ticket.refresh_from_db()
    assert (acme_ticket.revision, acme_ticket.comments.count(), acme_ticket.attachments.count()) == before
    assert acme_ticket.organization.tickets.count() == tickets_before
    assert lucia.organization.operational_deadlines.filter(pk=deadline.pk).exists()


def test_csrf_token_is_on_every_form_and_for_htmx(demo, login, acme_ticket):
    client = login(demo["lucia.acme"], csrf=True)
    for url in ("/", f"/chamados/{acme_ticket.pk}/", "/chamados/novo/", "/organizacao/"):
        body = client.get(url).content.decode()
        assert body.count("<form") and body.count('method="post"') <= body.count("csrfmiddlewaretoken")
        assert "X-CSRFToken" in body


XSS = '<script>alert("x")</script>'


def test_user_fields_are_escaped(demo, login, folha):
    joana = demo["joana.acme"]
    joana.first_name = XSS
    joana.save()
    lucia = demo["lucia.acme"]
    services_ticket = open_problem(joana, folha, title=f"Título {XSS}", description=f"Descrição {XSS}")
    services.ticket_comment_add(
        ticket=services_ticket,
        author=joana,
        body=f"Comentário {XSS}",
        now=clock.now(),
        files=[png_upload(f"{XSS}.png")],
    )
    from servicedesk.accounts import services as account_services

    account_services.operational_deadline_add(organization=lucia.organization, actor=lucia, process=XSS, day_of_month=5)
    account_services.organization_remote_access_update(
        organization=lucia.organization,
        actor=lucia,
        authorized=True,
        includes_sql=False,
        authorized_by=XSS,
        until=None,
        notes=XSS,
        today=clock.now().date(),
    )
    for client, url in (
        (login(joana), "/"),
        (login(joana), "/chamados/"),
        (login(joana), f"/chamados/{services_ticket.pk}/"),
        (login(lucia), "/organizacao/"),
    ):
        body = client.get(url).content.decode()
        assert XSS not in body, url
        assert "&lt;script&gt;" in body, url


def test_search_query_is_escaped(demo, login):
    body = login(demo["joana.acme"]).get("/chamados/", {"q": XSS}).content.decode()
    assert XSS not in body
