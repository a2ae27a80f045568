"""TOTP two-factor login for staff (django-otp) and the REQUIRE_STAFF_2FA policy."""

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicedesk.accounts import services
from servicedesk.demo.data import DEMO_PASSWORD


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enable(user) -> TOTPDevice:
    device = services.two_factor_device_pending(user=user)
    return services.two_factor_device_confirm(user=user, token=code(device))


def test_staff_enables_totp_through_the_page(demo):
    client = Client()
    client.force_login(demo["ana.analista"])
    page = client.get("/conta/duas-etapas/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "QR code" in body
    device = TOTPDevice.objects.get(user=demo["ana.analista"], confirmed=False)
    assert client.post("/conta/duas-etapas/", {"token": "000000"}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    response = client.post("/conta/duas-etapas/", {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_customers_have_no_two_factor_page(demo):
    client = Client()
    client.force_login(demo["joana.acme"])
    assert client.get("/conta/duas-etapas/").status_code == 403


def test_login_asks_for_the_code_when_a_device_is_confirmed(demo):
    device = enable(demo["ana.analista"])
    device.last_t = -1
    device.save()
    client = Client()
    response = client.post("/conta/entrar/", {"username": "ana.analista", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == "/conta/entrar/verificacao/"
    # Not logged in yet: the console is out of reach.
    assert "_auth_user_id" not in client.session
    assert client.post("/conta/entrar/verificacao/", {"token": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.last_t = -1
    device.save()
    response = client.post("/conta/entrar/verificacao/", {"token": code(device)})
    assert response.status_code == 302 and response.url == "/console/"
    assert client.session["_auth_user_id"] == str(demo["ana.analista"].pk)
    assert client.session.get("otp_device_id") == device.persistent_id


def test_the_code_step_needs_the_password_step_first(demo):
    enable(demo["ana.analista"])
    response = Client().post("/conta/entrar/verificacao/", {"token": "123456"})
    assert response.status_code == 302 and response.url == "/conta/entrar/"


@override_settings(REQUIRE_STAFF_2FA=True)
def test_required_2fa_sends_staff_without_device_to_the_setup_page(demo):
    client = Client()
    response = client.post("/conta/entrar/", {"username": "bruno.analista", "password": DEMO_PASSWORD})
    assert response.url == "/conta/duas-etapas/"
    # The real console, not a stand-in: an unverified staff session is sent to the setup page…
    unverified = Client()
    unverified.force_login(demo["bruno.analista"])
    refused = unverified.get("/console/")
    assert (refused.status_code, refused.url) == (302, "/conta/duas-etapas/")
    # …and a session verified by a confirmed device reaches it.
    device = enable(demo["bruno.analista"])
    verified = Client()
    verified.force_login(demo["bruno.analista"])
    session = verified.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert verified.get("/console/").status_code == 200


@override_settings(REQUIRE_STAFF_2FA=True)
def test_required_2fa_does_not_touch_customers(demo):
    response = Client().post("/conta/entrar/", {"username": "joana.acme", "password": DEMO_PASSWORD})
    assert response.url == "/"


@override_settings(REQUIRE_STAFF_2FA=True)
def test_required_2fa_cannot_be_disabled(demo):
    enable(demo["ana.analista"])
    client = Client()
    client.force_login(demo["ana.analista"])
    client.post("/conta/duas-etapas/desativar/")
    assert TOTPDevice.objects.filter(user=demo["ana.analista"], confirmed=True).exists()


def test_optional_2fa_can_be_disabled_with_the_password_and_a_current_code(demo):
    device = enable(demo["ana.analista"])
    device.last_t = -1  # the enrolment used this step's code
    device.save()
    client = Client()
    client.force_login(demo["ana.analista"])
    response = client.post("/conta/duas-etapas/desativar/", {"password": DEMO_PASSWORD, "token": code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=demo["ana.analista"]).exists()


def test_an_administrator_requires_2fa_from_the_admin(demo):
    admin_client = Client()
    admin_client.force_login(demo["admin"])
    before = Client()
    response = before.post("/conta/entrar/", {"username": "bruno.analista", "password": DEMO_PASSWORD})
    assert response.url == "/console/"  # not required yet

    response = admin_client.post("/admin/accounts/securitypolicy/add/", {"require_staff_2fa": "on"})
    assert response.status_code == 302

    client = Client()
    response = client.post("/conta/entrar/", {"username": "bruno.analista", "password": DEMO_PASSWORD})
    assert response.url == "/conta/duas-etapas/"
    # Customers are never asked for a second factor.
    response = Client().post("/conta/entrar/", {"username": "joana.acme", "password": DEMO_PASSWORD})
    assert response.url == "/"


def test_only_administrators_change_the_security_policy(demo):
    from servicedesk.accounts.models import SecurityPolicy
    from servicedesk.accounts.services import security_policy_update
    from servicedesk.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        security_policy_update(actor=demo["gabriela.gestora"], require_staff_2fa=True)
    assert not SecurityPolicy.objects.exists()
    security_policy_update(actor=demo["admin"], require_staff_2fa=True)
    assert SecurityPolicy.objects.get().require_staff_2fa
