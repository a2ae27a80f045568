"""Every way into the back office asks for the second factor; turning it off asks for password and code."""

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicedesk.accounts import services
from servicedesk.accounts.forms import PASSWORD_WRONG, TOKEN_INVALID
from servicedesk.demo.data import DEMO_PASSWORD

ADMIN_PAGES = ["/admin/", "/admin/accounts/user/", "/admin/otp_totp/totpdevice/"]


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def fresh(device: TOTPDevice) -> TOTPDevice:
    """Forget the last used step and the throttling, so the current code is accepted once more."""
    device.refresh_from_db()
    device.last_t = -1
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    return device


def enable(user) -> TOTPDevice:
    device = services.two_factor_device_pending(user=user)
    return fresh(services.two_factor_device_confirm(user=user, token=code(device)))


def admin_login_post(client, password=DEMO_PASSWORD):
    client.get("/admin/login/")
    return client.post("/admin/login/?next=/admin/", {"username": "admin", "password": password, "next": "/admin/"})


# --------------------------------------------------------------------------- the admin login


@pytest.mark.parametrize("with_device", [True, False])
def test_a_password_only_post_to_the_admin_login_never_opens_a_session(demo, with_device):
    if with_device:
        enable(demo["admin"])
    client = Client()
    response = admin_login_post(client)
    assert response.status_code == 302
    assert response.url == "/conta/entrar/?next=/admin/"
    assert "_auth_user_id" not in client.session
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 302, page


def test_the_admin_login_page_sends_to_our_login_with_next(demo):
    response = Client().get("/admin/accounts/user/", follow=True)
    assert [url for url, _ in response.redirect_chain] == [
        "/admin/login/?next=/admin/accounts/user/",
        "/conta/entrar/?next=/admin/accounts/user/",
    ]
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_an_admin_with_a_device_and_an_unverified_session_cannot_open_the_admin(demo):
    enable(demo["admin"])
    client = Client()
    client.force_login(demo["admin"])  # a session opened without the code
    for page in ADMIN_PAGES:
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), page
    # The login page asks again (no redirect loop back to the admin).
    response = client.get("/admin/login/?next=/admin/accounts/user/", follow=True)
    assert response.redirect_chain[-1][0] == "/conta/entrar/?next=/admin/accounts/user/"
    assert response.status_code == 200 and 'name="password"' in response.content.decode()


def test_the_admin_opens_after_the_password_and_the_code(demo):
    device = enable(demo["admin"])
    client = Client()
    response = client.post(
        "/conta/entrar/?next=/admin/accounts/user/",
        {"username": "admin", "password": DEMO_PASSWORD, "next": "/admin/accounts/user/"},
    )
    assert response.url == "/conta/entrar/verificacao/"
    assert client.get("/admin/accounts/user/").status_code == 302
    response = client.post("/conta/entrar/verificacao/", {"token": code(device)})
    assert response.status_code == 302 and response.url == "/admin/accounts/user/"
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200


def test_an_admin_without_a_device_still_enters_with_the_password_when_2fa_is_optional(demo):
    client = Client()
    response = client.post(
        "/conta/entrar/?next=/admin/", {"username": "admin", "password": DEMO_PASSWORD, "next": "/admin/"}
    )
    assert response.url == "/admin/"
    assert client.get("/admin/accounts/user/").status_code == 200


@override_settings(REQUIRE_STAFF_2FA=True)
def test_with_2fa_required_an_unverified_admin_is_sent_to_enrolment_not_to_the_device_list(demo):
    client = Client()
    client.force_login(demo["admin"])
    response = client.get("/admin/otp_totp/totpdevice/")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302 and response.url == "/conta/duas-etapas/"
    assert TOTPDevice.objects.filter(user=demo["admin"]).count() == 0


def test_a_signed_in_customer_gets_403_from_the_admin_login_not_a_loop(demo):
    client = Client()
    client.force_login(demo["joana.acme"])
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_an_external_next_is_ignored_by_the_admin_login(demo):
    response = Client().get("/admin/login/?next=https://evil.example/")
    assert response.url == "/conta/entrar/?next=/admin/"


# --------------------------------------------------------------------------- turning 2FA off


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "password", "Este campo é obrigatório."),
        ({"password": DEMO_PASSWORD}, "token", "Este campo é obrigatório."),
        ({"password": "errada", "token": "CODE"}, "password", PASSWORD_WRONG),
        ({"password": DEMO_PASSWORD, "token": "000000"}, "token", TOKEN_INVALID),
    ],
    ids=["nothing", "no-code", "wrong-password", "wrong-code"],
)
def test_disabling_2fa_needs_the_current_password_and_a_current_code(demo, data, field, message):
    device = enable(demo["ana.analista"])
    if data.get("token") == "CODE":
        data = {**data, "token": code(device)}
    if data.get("token") == "000000" and code(device) == "000000":
        data = {**data, "token": "111111"}
    client = Client()
    client.force_login(demo["ana.analista"])
    response = client.post("/conta/duas-etapas/desativar/", data)
    assert response.status_code == 422
    assert str(message) in response.context["disable_form"].errors[field]
    assert TOTPDevice.objects.filter(user=demo["ana.analista"], confirmed=True).count() == 1
    assert "Desativar" in response.content.decode()


def test_disabling_2fa_with_password_and_code_removes_the_device(demo):
    device = enable(demo["ana.analista"])
    client = Client()
    client.force_login(demo["ana.analista"])
    response = client.post("/conta/duas-etapas/desativar/", {"password": DEMO_PASSWORD, "token": code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=demo["ana.analista"]).exists()


def test_guessing_the_password_on_the_disable_page_is_locked_like_the_login(demo):
    device = enable(demo["ana.analista"])
    client = Client()
    client.force_login(demo["ana.analista"])
    with override_settings(LOGIN_FAILURES_PER_USER_AND_ADDRESS=2):
        for _ in range(2):
            client.post("/conta/duas-etapas/desativar/", {"password": "errada", "token": code(device)})
        # Locked now: even the right password is refused, and the device stays.
        response = client.post("/conta/duas-etapas/desativar/", {"password": DEMO_PASSWORD, "token": code(device)})
    assert response.status_code == 422
    assert TOTPDevice.objects.filter(user=demo["ana.analista"], confirmed=True).exists()
