"""The knowledge base in the console (issue 10): list and search, write and edit (versions),
publish and archive by a reviewer, the version diff, images, the workspace's KB search with
"inserir link", and "transformar em artigo" on a resolved ticket."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from servicedesk.knowledge import services as kb
from servicedesk.knowledge.models import Article, ArticleImage, ArticleStatus, ArticleVersion, Visibility
from servicedesk.knowledge.services.from_ticket import TICKET_NOT_RESOLVED
from servicedesk.tickets import services
from servicedesk.tickets.tests.factories import T0, CustomerFactory, OrganizationFactory, png_bytes

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
SITE = "https://suporte.weconnect.example"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def article(world):
    return kb.article_create(
        actor=world.analyst,
        title="Horas extras na folha",
        body="Linha um\nLinha dois\n",
        now=T0,
        visibility=Visibility.CUSTOMERS,
        products=[world.product],
    )


def resolved_ticket(world):
    ticket = world.open_problem(description="As horas extras de novembro não aparecem no recibo.")
    services.ticket_comment_add(
        ticket=ticket, author=world.analyst, body="SEGREDO: cliente usa versão pirata", now=T0 + H, internal=True
    )
    return services.ticket_resolve(
        ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Marque o evento 150 como horas extras e recalcule."
    )


# --------------------------------------------------------------------------- who reaches the pages


@pytest.mark.parametrize(
    "path",
    [
        "/console/base-de-conhecimento/",
        "/console/base-de-conhecimento/novo/",
        "/console/base-de-conhecimento/{pk}/",
        "/console/base-de-conhecimento/{pk}/editar/",
        "/console/base-de-conhecimento/{pk}/versoes/",
    ],
)
def test_customers_get_404_on_every_console_kb_page(world, article, path):
    response = client_for(world.customer).get(path.format(pk=article.pk))
    assert response.status_code == 404


def test_customers_cannot_publish_nor_turn_tickets_into_articles(world, article):
    client = client_for(world.customer)
    assert client.post(f"/console/base-de-conhecimento/{article.pk}/publicar/").status_code == 404
    ticket = resolved_ticket(world)
    assert client.get(f"/console/chamados/{ticket.pk}/transformar-em-artigo/").status_code == 404
    assert client.get(f"/console/chamados/{ticket.pk}/base-de-conhecimento/?kbq=horas").status_code == 404
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_staff_list_every_status_and_visibility(world, article):
    internal = kb.article_create(actor=world.analyst, title="Nota interna de processo", body="x", now=T0)
    published = kb.article_publish(
        article=kb.article_create(
            actor=world.analyst, title="Artigo publicado", body="y", now=T0, visibility=Visibility.PUBLIC
        ),
        actor=world.manager,
        now=T0,
    )
    page = client_for(world.analyst).get("/console/base-de-conhecimento/").content.decode()
    for item in (article, internal, published):
        assert f"/console/base-de-conhecimento/{item.pk}/" in page
    drafts = client_for(world.analyst).get("/console/base-de-conhecimento/?situacao=rascunho").content.decode()
    assert f"/console/base-de-conhecimento/{published.pk}/" not in drafts
    assert f"/console/base-de-conhecimento/{internal.pk}/" in drafts


def test_staff_search_finds_internal_drafts_with_snippets(world, article):
    page = client_for(world.analyst).get("/console/base-de-conhecimento/?q=horas+extras").content.decode()
    assert "1 artigo encontrado" in page
    assert "<mark>Horas</mark>" in page


# --------------------------------------------------------------------------- write, edit, versions


def test_an_analyst_creates_a_draft_and_each_edit_is_a_version(world):
    client = client_for(world.analyst)
    response = client.post(
        "/console/base-de-conhecimento/novo/",
        {"title": "Recibo em PDF", "body": "Abra o recibo.", "visibility": "interna", "products": [world.product.pk]},
    )
    article = Article.objects.get(title="Recibo em PDF")
    assert response.status_code == 302
    assert (article.status, article.author, article.version) == (ArticleStatus.DRAFT, world.analyst, 1)
    response = client.post(
        f"/console/base-de-conhecimento/{article.pk}/editar/",
        {
            "title": "Recibo em PDF",
            "body": "Abra o recibo e clique em Imprimir.",
            "visibility": "interna",
            "products": [world.product.pk],
            "expected_version": 1,
        },
    )
    assert response.status_code == 302
    assert list(ArticleVersion.objects.filter(article=article).values_list("number", "body")) == [
        (2, "Abra o recibo e clique em Imprimir."),
        (1, "Abra o recibo."),
    ]


def test_a_stale_edit_is_refused_and_changes_nothing(world, article):
    response = client_for(world.analyst).post(
        f"/console/base-de-conhecimento/{article.pk}/editar/",
        {"title": "Outro", "body": "Outro", "visibility": "interna", "expected_version": 7},
    )
    assert response.status_code == 400
    assert "Este artigo mudou desde que você o abriu" in response.content.decode()
    article.refresh_from_db()
    assert (article.title, article.version) == ("Horas extras na folha", 1)


def test_bad_input_is_a_portuguese_form_error(world):
    response = client_for(world.analyst).post(
        "/console/base-de-conhecimento/novo/", {"title": "Sem corpo", "body": "   ", "visibility": "interna"}
    )
    assert response.status_code == 400
    assert not Article.objects.filter(title="Sem corpo").exists()


def test_maintenance_staff_cannot_write(world):
    from servicedesk.accounts.models import Role
    from servicedesk.tickets.tests.factories import StaffFactory

    maintenance = StaffFactory(role=Role.MAINTENANCE)
    response = client_for(maintenance).post(
        "/console/base-de-conhecimento/novo/", {"title": "Tentativa", "body": "x", "visibility": "interna"}
    )
    assert response.status_code == 400
    assert "Somente analistas, gestores e administradores escrevem artigos." in response.content.decode()
    assert not Article.objects.filter(title="Tentativa").exists()


def test_the_diff_shows_removed_and_added_lines_escaped(world, article):
    kb.article_update(article=article, actor=world.analyst, now=T0 + H, body="Linha um\n<script>alert(1)</script>\n")
    page = client_for(world.analyst).get(f"/console/base-de-conhecimento/{article.pk}/versoes/?de=1&para=2")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        '<tr class="diff-delete"><td class="muted small">2</td><td class="muted small"></td><td><code>− Linha dois'
        in html
    )
    assert "+ &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "1 linha(s) incluída(s), 1 removida(s)." in html


def test_the_diff_of_a_version_that_does_not_exist_is_404(world, article):
    client = client_for(world.analyst)
    assert client.get(f"/console/base-de-conhecimento/{article.pk}/versoes/?de=1&para=9").status_code == 404
    assert client.get(f"/console/base-de-conhecimento/{article.pk}/versoes/?de=x&para=1").status_code == 404


# --------------------------------------------------------------------------- review


def test_an_analyst_without_knowledge_publish_cannot_publish(world, article):
    response = client_for(world.analyst).post(f"/console/base-de-conhecimento/{article.pk}/publicar/", follow=True)
    assert "Somente gestores e administradores publicam" in response.content.decode()
    article.refresh_from_db()
    assert (article.status, article.reviewer) == (ArticleStatus.DRAFT, None)


def test_a_reviewer_publishes_then_archives(world, article):
    client = client_for(world.manager)
    client.post(f"/console/base-de-conhecimento/{article.pk}/publicar/")
    article.refresh_from_db()
    assert (article.status, article.reviewer) == (ArticleStatus.PUBLISHED, world.manager)
    client.post(f"/console/base-de-conhecimento/{article.pk}/arquivar/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.ARCHIVED


def test_an_analyst_cannot_archive(world, article):
    kb.article_publish(article=article, actor=world.manager, now=T0)
    client_for(world.analyst).post(f"/console/base-de-conhecimento/{article.pk}/arquivar/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


# --------------------------------------------------------------------------- images


def test_an_image_is_checked_by_content(world, article):
    client = client_for(world.analyst)
    fake = SimpleUploadedFile("foto.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
    response = client.post(f"/console/base-de-conhecimento/{article.pk}/imagens/", {"image": fake})
    assert response.status_code == 400
    assert not ArticleImage.objects.exists()
    pdf = SimpleUploadedFile("manual.png", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", content_type="image/png")
    response = client.post(f"/console/base-de-conhecimento/{article.pk}/imagens/", {"image": pdf})
    assert response.status_code == 400
    assert "não é uma imagem aceita" in response.content.decode()
    good = SimpleUploadedFile("tela.png", png_bytes(), content_type="image/png")
    response = client.post(f"/console/base-de-conhecimento/{article.pk}/imagens/", {"image": good})
    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert (image.content_type, image.original_name, image.uploaded_by) == ("image/png", "tela.png", world.analyst)


def test_an_image_is_served_with_the_article_visibility(world, article):
    image = kb.article_image_upload(
        article=article,
        actor=world.analyst,
        upload=SimpleUploadedFile("tela.png", png_bytes(), content_type="image/png"),
        now=T0,
    )
    url = f"/base-de-conhecimento/imagens/{image.pk}/"
    unlicensed = CustomerFactory(organization=OrganizationFactory())
    # A draft: staff only.
    assert client_for(world.analyst).get(url).status_code == 200
    assert client_for(world.customer).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    kb.article_publish(article=article, actor=world.manager, now=T0)
    # Published for customers of organizations that license the product.
    response = client_for(world.customer).get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(unlicensed).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    assert Client().get("/base-de-conhecimento/imagens/999999/").status_code == 404


def test_the_body_renders_own_images_and_drops_external_ones(world, article):
    image = kb.article_image_upload(
        article=article,
        actor=world.analyst,
        upload=SimpleUploadedFile("tela.png", png_bytes(), content_type="image/png"),
        now=T0,
    )
    kb.article_update(
        article=article,
        actor=world.analyst,
        now=T0 + H,
        body=f"![tela](/base-de-conhecimento/imagens/{image.pk}/)\n\n![fora](https://evil.example/p.png)",
    )
    html = client_for(world.analyst).get(f"/console/base-de-conhecimento/{article.pk}/").content.decode()
    assert f'<img src="/base-de-conhecimento/imagens/{image.pk}/" alt="tela">' in html
    assert "evil.example" not in html
    assert '<img alt="fora">' in html


# --------------------------------------------------------------------------- the ticket workspace


@override_settings(SITE_URL=SITE)
def test_the_workspace_search_offers_the_link_the_requester_can_open(world, article):
    kb.article_publish(article=article, actor=world.manager, now=T0)
    internal = kb.article_publish(
        article=kb.article_create(actor=world.analyst, title="Horas extras: procedimento interno", body="x", now=T0),
        actor=world.manager,
        now=T0,
    )
    ticket = world.open_problem()
    html = client_for(world.analyst).get(f"/console/chamados/{ticket.pk}/base-de-conhecimento/?kbq=horas+extras")
    html = html.content.decode()
    assert f'data-insert-reply="Horas extras na folha: {SITE}/base-de-conhecimento/{article.slug}/"' in html
    assert "Horas</mark> <mark>extras</mark>: procedimento interno" in html
    assert f"{SITE}/base-de-conhecimento/{internal.slug}/" not in html
    assert "O solicitante não pode abrir este artigo." in html


def test_the_workspace_has_the_kb_search_box(world):
    ticket = world.open_problem()
    html = client_for(world.analyst).get(f"/console/chamados/{ticket.pk}/").content.decode()
    assert f'hx-get="/console/chamados/{ticket.pk}/base-de-conhecimento/"' in html
    assert "Transformar em artigo" not in html  # not resolved yet


def test_the_workspace_search_of_another_ticket_id_is_404(world):
    assert client_for(world.analyst).get("/console/chamados/999999/base-de-conhecimento/?kbq=x").status_code == 404


def test_a_resolved_ticket_becomes_a_prefilled_internal_draft_without_internal_notes(world):
    ticket = resolved_ticket(world)
    client = client_for(world.analyst)
    assert "Transformar em artigo" in client.get(f"/console/chamados/{ticket.pk}/").content.decode()
    form = client.get(f"/console/chamados/{ticket.pk}/transformar-em-artigo/").content.decode()
    assert "As horas extras de novembro não aparecem no recibo." in form
    assert "Marque o evento 150 como horas extras e recalcule." in form
    assert "SEGREDO" not in form
    body = (
        "## Problema\n\nAs horas extras de novembro não aparecem no recibo.\n\n"
        "## Solução\n\nMarque o evento 150 como horas extras e recalcule.\n"
    )
    response = client.post(
        f"/console/chamados/{ticket.pk}/transformar-em-artigo/",
        {"title": ticket.title, "body": body, "visibility": "interna"},
    )
    article = Article.objects.get(source_ticket=ticket)
    assert response.status_code == 302
    assert (article.title, article.body, article.status, article.visibility) == (
        "Folha não calcula horas extras",
        body.strip(),
        ArticleStatus.DRAFT,
        Visibility.INTERNAL,
    )
    assert list(article.products.all()) == [world.product]
    assert article.author == world.analyst


def test_a_ticket_that_is_not_resolved_cannot_become_an_article(world):
    ticket = world.open_problem()
    response = client_for(world.analyst).post(
        f"/console/chamados/{ticket.pk}/transformar-em-artigo/", {"title": "x", "body": "y", "visibility": "interna"}
    )
    assert response.status_code == 302
    assert not Article.objects.exists()
    follow = client_for(world.analyst).post(
        f"/console/chamados/{ticket.pk}/transformar-em-artigo/", {"title": "x"}, follow=True
    )
    assert TICKET_NOT_RESOLVED in follow.content.decode()


def test_a_closed_ticket_becomes_an_article_too(world):
    ticket = resolved_ticket(world)
    services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=T0 + 3 * H)
    ticket.refresh_from_db()
    assert ticket.status == "ENCERRADO"
    response = client_for(world.manager).get(f"/console/chamados/{ticket.pk}/transformar-em-artigo/")
    assert response.status_code == 200


def test_another_organizations_ticket_is_404_for_conversion_of_a_customer(world):
    ticket = resolved_ticket(world)
    assert (
        client_for(world.other_customer).get(f"/console/chamados/{ticket.pk}/transformar-em-artigo/").status_code == 404
    )
