"""The failed-login guard (accounts/login_guard.py): reserved before the password is checked,
per username *and* address, a back-off per username across addresses, a high per-address
threshold for shared NAT offices, and locks lifted by a right password or a new password."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings

from servicedesk.accounts import forms as account_forms
from servicedesk.accounts import login_guard
from servicedesk.accounts.forms import LOGIN_REFUSED
from servicedesk.accounts.models import LoginThrottle
from servicedesk.core import clock
from servicedesk.demo.data import DEMO_PASSWORD

LOGIN = "/conta/entrar/"
T0 = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


@pytest.fixture
def now(monkeypatch):
    """An injected clock: `now.at(seconds)` moves it to T0 + seconds."""

    class Clock:
        value = T0

        def at(self, seconds: float) -> datetime:
            self.value = T0 + timedelta(seconds=seconds)
            return self.value

    fake = Clock()
    monkeypatch.setattr(clock, "now", lambda: fake.value)
    return fake


@pytest.fixture
def password_checks(monkeypatch):
    """Counts the calls of authenticate() made by the login form (thread-safe)."""
    calls = []
    lock = threading.Lock()
    real = account_forms.authenticate

    def counting(*args, **kwargs):
        with lock:
            calls.append(kwargs.get("username"))
        return real(*args, **kwargs)

    monkeypatch.setattr(account_forms, "authenticate", counting)
    return calls


def login(username, password, address="127.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return response, client


def logged_in(response, client) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def refused(response) -> bool:
    return response.status_code == 200 and str(LOGIN_REFUSED).split(":")[0] in response.content.decode()


# --------------------------------------------------------------------------- the reservation (pure logic)


def test_pending_reservations_count_before_any_outcome(db):
    """Five attempts in flight (reserved, password not yet checked) already fill the pair's limit."""
    held = [login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=T0) for _ in range(5)]
    assert all(r is not None for r in held)
    assert login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=T0) is None
    # Another address is another pair.
    assert login_guard.reserve(username="pedro.acme", address="10.0.0.2", now=T0) is not None
    # A right password among them releases the username: the pair may try again.
    login_guard.release(held[0])
    assert login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=T0) is not None


def test_a_refused_attempt_changes_nothing(db):
    for _ in range(5):
        login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=T0)
    before = list(LoginThrottle.objects.order_by("pk").values())
    assert login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=T0 + timedelta(minutes=10)) is None
    assert list(LoginThrottle.objects.order_by("pk").values()) == before


def test_the_pair_lock_lasts_the_lock_time_after_the_last_evaluated_failure(db):
    for second in range(5):  # failures at T0 … T0+4 s
        assert login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=T0 + timedelta(seconds=second))
    last = T0 + timedelta(seconds=4)
    assert login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=last + timedelta(seconds=899)) is None
    assert login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=last + timedelta(seconds=900))


def test_the_username_backs_off_across_addresses(db):
    # 10 failures from 10 addresses: each pair has 1, the username has 10, then waits 30 s.
    for n in range(10):
        assert login_guard.reserve(username="ana.analista", address=f"10.1.0.{n}", now=T0)
    assert login_guard.reserve(username="ana.analista", address="10.1.0.99", now=T0 + timedelta(seconds=29)) is None
    assert login_guard.reserve(username="ana.analista", address="10.1.0.99", now=T0 + timedelta(seconds=30))
    # The 11th failure (at +30 s) doubles the wait to 60 s, the 12th to 120 s.
    eleventh = T0 + timedelta(seconds=30)
    assert (
        login_guard.reserve(username="ana.analista", address="10.1.0.98", now=eleventh + timedelta(seconds=59)) is None
    )
    assert login_guard.reserve(username="ana.analista", address="10.1.0.98", now=eleventh + timedelta(seconds=60))
    twelfth = eleventh + timedelta(seconds=60)
    assert (
        login_guard.reserve(username="ana.analista", address="10.1.0.97", now=twelfth + timedelta(seconds=119)) is None
    )
    assert login_guard.reserve(username="ana.analista", address="10.1.0.97", now=twelfth + timedelta(seconds=120))
    # The wait never passes the lock time: after many failures it stays at 900 s.
    rule = login_guard.rules()["user"]
    assert [rule.wait_after(n) for n in (9, 10, 11, 12, 13, 14, 15, 40)] == [0, 30, 60, 120, 240, 480, 900, 900]


def test_failures_are_forgotten_after_a_quiet_period(db):
    for _ in range(4):
        login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=T0)
    later = T0 + timedelta(seconds=900)
    for _ in range(4):
        assert login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=later)
    pair = LoginThrottle.objects.get(scope="pair")
    assert pair.failures == 4 and pair.blocked_until is None


def test_usernames_are_counted_without_case_or_spaces(db):
    for name in ["Pedro.Acme", "PEDRO.ACME ", " pedro.acme", "pedro.ACME", "pedro.acme"]:
        login_guard.reserve(username=name, address="10.0.0.1", now=T0)
    assert login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=T0) is None


def test_housekeeping_forgets_counters_that_neither_block_nor_count(db):
    login_guard.reserve(username="pedro.acme", address="10.0.0.1", now=T0)
    assert login_guard.forget(now=T0 + timedelta(seconds=3599)) == 0
    assert login_guard.forget(now=T0 + timedelta(seconds=3601)) == 3
    assert not LoginThrottle.objects.exists()


# --------------------------------------------------------------------------- through the login page


def test_once_locked_the_password_is_not_even_checked(demo, now, password_checks):
    for _ in range(5):
        assert refused(login("pedro.acme", "errada")[0])
    assert len(password_checks) == 5
    response, client = login("pedro.acme", DEMO_PASSWORD)
    assert refused(response) and "_auth_user_id" not in client.session
    assert len(password_checks) == 5  # refused before authenticate


def test_an_attacker_elsewhere_cannot_lock_the_real_user_out(demo, now):
    for _ in range(8):
        assert refused(login("admin", "errada", address="203.0.113.66")[0])
    assert logged_in(*login("admin", DEMO_PASSWORD, address="198.51.100.7"))


def test_the_hr_office_behind_one_address_keeps_working(demo, now):
    # One person locks only themselves; colleagues behind the same NAT address log in.
    for _ in range(6):
        login("pedro.acme", "errada", address="192.0.2.10")
    assert refused(login("pedro.acme", DEMO_PASSWORD, address="192.0.2.10")[0])
    assert logged_in(*login("joana.acme", DEMO_PASSWORD, address="192.0.2.10"))


@override_settings(LOGIN_FAILURES_PER_ADDRESS=6)
def test_the_address_alone_is_locked_only_at_its_own_higher_threshold(demo, now):
    for n in range(6):  # six different usernames, one failure each
        login(f"ninguem{n}", "errada", address="192.0.2.20")
    assert refused(login("joana.acme", DEMO_PASSWORD, address="192.0.2.20")[0])
    assert logged_in(*login("joana.acme", DEMO_PASSWORD, address="192.0.2.21"))


def test_a_right_password_clears_the_username_failures(demo, now):
    for _ in range(4):
        login("pedro.acme", "errada")
    assert logged_in(*login("pedro.acme", DEMO_PASSWORD))
    assert not LoginThrottle.objects.filter(username="pedro.acme").exists()
    for _ in range(4):  # four more mistakes do not lock: the count started again
        login("pedro.acme", "errada")
    assert logged_in(*login("pedro.acme", DEMO_PASSWORD))


def test_a_completed_password_reset_lifts_the_lock(demo, now):
    for _ in range(5):
        login("pedro.acme", "errada")
    assert refused(login("pedro.acme", DEMO_PASSWORD)[0])
    client = Client()
    client.post("/conta/senha/esqueci/", {"email": "pedro.acme@demo.weconnect.example"})
    link = re.search(r"http://testserver(/conta/senha/redefinir/\S+/)", mail.outbox[-1].body).group(1)
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": "Nova-senha-forte-2026", "new_password2": "Nova-senha-forte-2026"}
    )
    assert logged_in(*login("pedro.acme", "Nova-senha-forte-2026"))


def test_any_new_password_lifts_the_lock(demo, now):
    for _ in range(5):
        login("pedro.acme", "errada")
    user = demo["pedro.acme"]
    user.set_password("Outra-senha-forte-2026")
    user.save()
    assert logged_in(*login("pedro.acme", "Outra-senha-forte-2026"))


def test_the_lock_ends_by_itself(demo, now):
    for _ in range(5):
        login("pedro.acme", "errada")
    now.at(899)
    assert refused(login("pedro.acme", DEMO_PASSWORD)[0])
    now.at(900)
    assert logged_in(*login("pedro.acme", DEMO_PASSWORD))


# --------------------------------------------------------------------------- a real burst (PostgreSQL)


def _burst(passwords, username="pedro.acme"):
    """One thread per password, all released together by a barrier; each with its own client."""
    from django.db import connections

    barrier = threading.Barrier(len(passwords))
    results = []
    lock = threading.Lock()

    def attempt(password):
        try:
            client = Client()
            client.get(LOGIN)  # its own CSRF cookie and session
            barrier.wait(timeout=20)
            response = client.post(LOGIN, {"username": username, "password": password})
            with lock:
                results.append((password, response.status_code, "_auth_user_id" in client.session))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_password_checks(password_checks, monkeypatch):
    """Widen the race: each password check takes 50 ms, as a real hash would."""
    import time

    counting = account_forms.authenticate

    def slow(*args, **kwargs):
        time.sleep(0.05)
        return counting(*args, **kwargs)

    monkeypatch.setattr(account_forms, "authenticate", slow)
    return password_checks


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrency")
def test_thirty_parallel_wrong_passwords_get_five_checks(demo, slow_password_checks):
    results = _burst(["errada"] * 30)
    assert len(results) == 30
    assert all(status == 200 and not session for _, status, session in results)
    assert len(slow_password_checks) == 5
    pair = LoginThrottle.objects.get(scope="pair", username="pedro.acme")
    assert pair.failures == 5
    # Locked: the right password afterwards is refused without a check.
    assert not logged_in(*login("pedro.acme", DEMO_PASSWORD))
    assert len(slow_password_checks) == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrency")
def test_the_right_password_inside_a_burst_gets_no_extra_chance(demo, slow_password_checks, monkeypatch):
    # Four failures already recorded: one check is left for a burst of 24 wrong and 1 right.
    for _ in range(4):
        login("pedro.acme", "errada")
    order = []  # the passwords checked, in the order the checks began
    counting = account_forms.authenticate

    def recording(*args, **kwargs):
        order.append(kwargs.get("password"))
        return counting(*args, **kwargs)

    monkeypatch.setattr(account_forms, "authenticate", recording)
    results = _burst(["errada"] * 24 + [DEMO_PASSWORD])
    assert len(results) == 25
    successes = [password for password, _, session in results if session]
    assert successes in ([], [DEMO_PASSWORD])
    if successes:
        # The right password got the one check left and logged in: a right password releases
        # the username's counters (login_guard.release), so wrong attempts that arrive after the
        # login start a new count — never more than the pair's free failures (5).
        assert order[0] == DEMO_PASSWORD, order
        assert 1 <= len(order) <= 1 + 5, order
    else:
        assert order == ["errada"]  # one check, and the right password was not checked at all
