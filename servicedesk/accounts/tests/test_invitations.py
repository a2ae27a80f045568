"""Invitations (issue 8): an approver invites colleagues by e-mail from /organizacao/, the person
chooses the password through the link and logs in; the back office sends the same link. Tenant
isolation: an address of another organization is refused without saying that it exists."""

import re

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core import mail
from django.test import Client, RequestFactory, override_settings

from servicedesk.accounts import services
from servicedesk.accounts.models import Role, User
from servicedesk.core.errors import DomainError, NotAllowed, TooManyRequests

SITE = "https://suporte.weconnect.example/"
LINK = re.compile(r"https?://[^/\s]+(/conta/convite/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "Folha-Dezembro-2026!"


def invite(actor, email="marcos.teixeira@acme.example", name="Marcos Teixeira"):
    return services.colleague_invite(actor=actor, email=email, name=name, site_url=SITE)


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def accept(client: Client, path: str, password: str = NEW_PASSWORD):
    """Open the link (Django moves the token into the session), then choose the password."""
    landing = client.get(path, follow=True)
    assert "Boas-vindas ao WeConnect Service Desk" in landing.content.decode()
    form_url = landing.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


# --------------------------------------------------------------------------- the service


def test_an_approver_invites_a_colleague_who_cannot_log_in_before_choosing_a_password(demo):
    lucia = demo["lucia.acme"]
    invitation = invite(lucia, email="  Marcos.Teixeira@ACME.example ")
    user = invitation.user
    assert invitation.created
    assert (user.role, user.organization, user.is_approver, user.is_active) == (
        Role.CUSTOMER,
        lucia.organization,
        False,
        True,
    )
    assert (user.first_name, user.last_name) == ("Marcos", "Teixeira")
    assert user.email == "Marcos.Teixeira@acme.example"  # the domain is normalized, the mailbox kept
    assert user.username == "marcos.teixeira.acme" and "@" not in user.username
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Lúcia Barros convidou você para o WeConnect Service Desk"
    assert SITE.rstrip("/") + link_in(message) in message.body
    assert "Seu usuário: marcos.teixeira.acme" in message.body
    assert (
        "WeConnect — Suporte (11) 4000-1117, de segunda a sexta-feira, das 9h às 13h e das 14h às 18h "
        "(horário de Brasília), exceto feriados"
    ) in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and link_in(message) in html and "exceto feriados" in html


def test_the_username_is_unique(demo):
    first = invite(demo["lucia.acme"], email="marcos@acme.example", name="Marcos Um").user
    second = invite(demo["lucia.acme"], email="Marcos@outro-dominio.example", name="Marcos Dois").user
    assert first.username == "marcos.acme" and second.username == "marcos.acme2"
    # The demo's Pedro is pedro.acme already; characters other than letters, digits, "_" and "-" become dots.
    assert invite(demo["lucia.acme"], email="pedro@acme.example", name="Pedro").user.username == "pedro.acme2"
    assert invite(demo["lucia.acme"], email="Maria_S+rh@acme.example", name="Maria").user.username == "maria_s.rh.acme"


def test_inviting_an_existing_colleague_again_resends_the_link(demo):
    lucia = demo["lucia.acme"]
    first = invite(lucia)
    again = invite(lucia, email="MARCOS.TEIXEIRA@acme.example", name="")
    assert not again.created and again.user.pk == first.user.pk
    assert User.objects.filter(email__iexact="marcos.teixeira@acme.example").count() == 1
    assert len(mail.outbox) == 2 and link_in(mail.outbox[1])
    # A colleague who already has a password gets the link too (his own mailbox).
    invite(lucia, email="joana.acme@demo.weconnect.example", name="")
    assert mail.outbox[-1].to == ["joana.acme@demo.weconnect.example"]


@pytest.mark.parametrize(
    "address",
    [
        "rafael.horizonte@demo.weconnect.example",  # a customer of another organization
        "RAFAEL.HORIZONTE@demo.weconnect.example",
        "ana.analista@demo.weconnect.example",  # a WeConnect analyst
    ],
)
def test_an_address_that_exists_elsewhere_is_refused_without_saying_so(demo, address):
    lucia = demo["lucia.acme"]
    users = User.objects.count()
    with pytest.raises(DomainError) as refusal:
        invite(lucia, email=address, name="Alguém")
    assert refusal.value.message == str(services.INVITATION_REFUSED)
    assert refusal.value.fields == {"email": str(services.INVITATION_REFUSED)}
    assert "Horizonte" not in refusal.value.message and "organiza" not in refusal.value.message
    assert User.objects.count() == users and mail.outbox == []
    rafael = demo["rafael.horizonte"]
    rafael.refresh_from_db()
    assert rafael.organization.slug == "horizonte"  # nothing moved


def test_a_deactivated_colleague_gets_the_same_refusal(demo):
    pedro = demo["pedro.acme"]
    pedro.is_active = False
    pedro.save(update_fields=["is_active"])
    with pytest.raises(DomainError) as refusal:
        invite(demo["lucia.acme"], email=pedro.email, name="Pedro")
    assert refusal.value.message == str(services.INVITATION_REFUSED) and mail.outbox == []


def test_an_approver_of_another_organization_cannot_take_over_an_acme_address(demo):
    helena = demo["helena.horizonte"]  # Horizonte's approver
    with pytest.raises(DomainError) as refusal:
        invite(helena, email="joana.acme@demo.weconnect.example", name="Joana")
    assert refusal.value.message == str(services.INVITATION_REFUSED)
    assert demo["joana.acme"].organization.slug == "acme" and mail.outbox == []


@pytest.mark.parametrize("username", ["joana.acme", "pedro.acme", "ana.analista", "admin"])
def test_only_approvers_invite(demo, username):
    users = User.objects.count()
    with pytest.raises(NotAllowed):
        invite(demo[username])
    assert User.objects.count() == users and mail.outbox == []


@pytest.mark.parametrize(
    "email, name, field", [("", "Marcos", "email"), ("marcos@", "Marcos", "email"), ("novo@acme.example", " ", "name")]
)
def test_incomplete_invitations_are_refused_field_by_field(demo, email, name, field):
    users = User.objects.count()
    with pytest.raises(DomainError) as refusal:
        invite(demo["lucia.acme"], email=email, name=name)
    assert set(refusal.value.fields) == {field}
    assert User.objects.count() == users and mail.outbox == []


@override_settings(PASSWORD_RESET_LIMIT_PER_ACCOUNT=2)
def test_resending_is_limited_per_account_and_shares_the_reset_budget(demo):
    lucia = demo["lucia.acme"]
    invite(lucia)
    invite(lucia)
    with pytest.raises(TooManyRequests):
        invite(lucia)
    assert len(mail.outbox) == 2


@override_settings(PORTAL_INVITATIONS_PER_HOUR=2)
def test_invitations_are_limited_per_approver(demo):
    lucia = demo["lucia.acme"]
    invite(lucia, email="um@acme.example", name="Um")
    invite(lucia, email="dois@acme.example", name="Dois")
    with pytest.raises(TooManyRequests):
        invite(lucia, email="tres@acme.example", name="Três")
    assert not User.objects.filter(email="tres@acme.example").exists() and len(mail.outbox) == 2


def test_a_failed_send_says_so_and_the_link_can_be_sent_again(demo, monkeypatch):
    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(DomainError) as failure:
        invite(demo["lucia.acme"])
    assert failure.value.message == str(services.INVITATION_NOT_SENT)
    assert not User.objects.filter(email="marcos.teixeira@acme.example").exists()  # undone with the e-mail
    monkeypatch.undo()
    assert invite(demo["lucia.acme"]).created and len(mail.outbox) == 1


def test_the_account_and_its_invitation_e_mail_are_one_transaction(demo, monkeypatch):
    """Issue 12 (nothing lost): the outbox row is written with the account; if it cannot be
    written, the account is not created either."""
    from servicedesk.outbox.models import OutboxMessage

    def outbox_down(message):
        raise RuntimeError("outbox table unavailable")

    monkeypatch.setattr("servicedesk.outbox.backend.outbox_email", outbox_down)
    users, rows = User.objects.count(), OutboxMessage.objects.count()
    with pytest.raises(RuntimeError):
        invite(demo["lucia.acme"])
    assert (User.objects.count(), OutboxMessage.objects.count()) == (users, rows)
    monkeypatch.undo()
    invitation = invite(demo["lucia.acme"])
    row = OutboxMessage.objects.get(recipients="marcos.teixeira@acme.example")
    assert invitation.created and row.subject == mail.outbox[-1].subject


# --------------------------------------------------------------------------- the link


def test_the_link_lets_the_person_choose_a_password_then_log_in_by_email(demo):
    invite(demo["lucia.acme"])
    client = Client()
    response = accept(client, link_in(mail.outbox[0]))
    assert response.status_code == 302 and response.url == "/conta/entrar/"
    login_page = client.get(response.url).content.decode()
    assert "Senha definida." in login_page and 'value="marcos.teixeira.acme"' in login_page
    response = client.post("/conta/entrar/", {"username": "marcos.teixeira@acme.example", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert User.objects.get(username="marcos.teixeira.acme").has_usable_password()


def test_the_link_works_once(demo):
    invite(demo["lucia.acme"])
    path = link_in(mail.outbox[0])
    accept(Client(), path)
    body = Client().get(path, follow=True).content.decode()
    assert "Convite inválido" in body and "new_password1" not in body


def test_a_deactivated_user_cannot_use_a_link(demo):
    user = invite(demo["lucia.acme"]).user
    user.is_active = False
    user.save(update_fields=["is_active"])
    body = Client().get(link_in(mail.outbox[0]), follow=True).content.decode()
    assert "Convite inválido" in body


def test_an_invited_person_whose_link_expired_can_ask_for_a_new_one(demo):
    invite(demo["lucia.acme"])
    mail.outbox.clear()
    response = Client().post("/conta/senha/esqueci/", {"email": "marcos.teixeira@acme.example"})
    assert response.status_code == 302 and len(mail.outbox) == 1  # not refused for having no password yet


# --------------------------------------------------------------------------- the pages


def test_the_organization_page_invites_and_lists_the_pending_invitation(demo, client):
    client.force_login(demo["lucia.acme"])
    response = client.post(
        "/organizacao/convites/", {"name": "Marcos Teixeira", "email": "marcos.teixeira@acme.example"}
    )
    assert response.status_code == 302 and response.url == "/organizacao/"
    body = client.get("/organizacao/").content.decode()
    assert "Convite enviado para marcos.teixeira@acme.example" in body
    assert "Marcos Teixeira" in body and "Convite pendente" in body and "Reenviar convite" in body
    response = client.post("/organizacao/convites/", {"email": "marcos.teixeira@acme.example"}, follow=True)
    assert "Convite enviado de novo para marcos.teixeira@acme.example." in response.content.decode()
    assert len(mail.outbox) == 2


def test_the_page_refuses_another_organizations_address_like_any_unknown_problem(demo, client):
    client.force_login(demo["lucia.acme"])
    users = User.objects.count()
    response = client.post("/organizacao/convites/", {"name": "R", "email": "rafael.horizonte@demo.weconnect.example"})
    body = response.content.decode()
    assert response.status_code == 422 and str(services.INVITATION_REFUSED) in body
    assert "Horizonte" not in body and "Rafael" not in body
    assert User.objects.count() == users and mail.outbox == []


@pytest.mark.parametrize("username", ["joana.acme", "ana.analista"])
def test_the_invitation_page_is_for_approvers_only(demo, client, username):
    client.force_login(demo[username])
    users = User.objects.count()
    assert client.post("/organizacao/convites/", {"name": "X", "email": "x@acme.example"}).status_code == 403
    assert User.objects.count() == users and mail.outbox == []


# --------------------------------------------------------------------------- the back office


def _admin_request(user):
    request = RequestFactory().post("/admin/accounts/user/", HTTP_HOST="localhost")
    request.user = user
    request._messages = []

    class Messages(list):
        def add(self, level, message, extra_tags=""):
            self.append((level, str(message)))

    request._messages = Messages()
    return request


def test_the_admin_action_sends_the_same_link(demo):
    from servicedesk.accounts.admin import UserAdmin

    model_admin = UserAdmin(User, admin_site)
    assert "send_invitation" in model_admin.get_actions(_admin_request(demo["admin"]))
    no_email = User.objects.create(
        username="sem.email", role=Role.CUSTOMER, organization=demo["joana.acme"].organization
    )
    no_email.set_unusable_password()
    no_email.save()
    request = _admin_request(demo["admin"])
    model_admin.send_invitation(request, User.objects.filter(username__in=["pedro.acme", "sem.email"]))
    [message] = mail.outbox
    assert message.to == ["pedro.acme@demo.weconnect.example"]
    assert "A equipe WeConnect criou o seu acesso" in message.body
    assert link_in(message) and "http://localhost/conta/convite/" in message.body
    texts = [text for _level, text in request._messages]
    assert any("sem.email" in t and str(services.INVITATION_NO_EMAIL) in t for t in texts)
    assert any("Convite enviado para pedro.acme" in t for t in texts)
    # The link works for a user who had a password: he chooses a new one.
    accept(Client(), link_in(message))
    assert Client().post("/conta/entrar/", {"username": "pedro.acme", "password": NEW_PASSWORD}).status_code == 302


def test_only_the_back_office_sends_invitations_to_anyone(demo):
    for username in ("lucia.acme", "ana.analista"):
        with pytest.raises(NotAllowed):
            services.user_invitation_send(user=demo["pedro.acme"], actor=demo[username], site_url=SITE)
    assert mail.outbox == []


def test_the_back_office_is_told_when_two_users_share_the_address(demo):
    sofia = demo["sofia.horizonte"]
    sofia.email = demo["pedro.acme"].email
    sofia.save(update_fields=["email"])
    with pytest.raises(DomainError) as refusal:
        services.user_invitation_send(user=demo["pedro.acme"], actor=demo["admin"], site_url=SITE)
    assert refusal.value.message == str(services.INVITATION_EMAIL_SHARED) and mail.outbox == []
