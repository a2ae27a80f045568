"""The failed-login guard: a password is checked only after an attempt has been reserved.

Three counters (``LoginThrottle`` rows) stand in front of every password check:

* **the username at this address** (``pair``): ``LOGIN_FAILURES_PER_USER_AND_ADDRESS`` failures
  (5), then this pair is refused for ``LOGIN_LOCK_SECONDS`` (15 minutes). An attacker elsewhere
  locks only their own pair, never the real user at their own address;
* **the username from any address** (``user``): after ``LOGIN_FAILURES_PER_USER`` failures (10)
  every further attempt waits a delay that doubles from ``LOGIN_BACKOFF_SECONDS`` (30 s) up to
  ``LOGIN_LOCK_SECONDS``: distributed guessing gets a few attempts an hour;
* **the address with any username** (``address``): ``LOGIN_FAILURES_PER_ADDRESS`` failures (100),
  then locked for ``LOGIN_LOCK_SECONDS``. The threshold is high because an HR office shares one
  NAT address: one person's typos never stop their colleagues.

``reserve`` runs *before* ``authenticate``: in one transaction it locks the three rows (in a fixed
order, so two requests never deadlock), refuses if any of them is blocked, else counts the
attempt as a failure in each and sets the next ``blocked_until``. Parallel requests therefore
queue on the rows and at most the limit of them ever reach the password check: a burst of 30
guesses gets 5 evaluated, whatever the timing. A right password ``release``s its reservation
(the username's counters are cleared, the address's count is given back); a wrong one keeps it.
A changed or reset password clears every counter of the username (``ClearOnPasswordChange``).
Failures are forgotten after a quiet period (``LOGIN_LOCK_SECONDS``, or ``LOGIN_USER_MEMORY_SECONDS``
for the username's back-off). Refused attempts change nothing, so hammering a locked key does not
extend the lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicedesk.accounts.models import LoginGuardScope, LoginThrottle

MAX_USERNAME = 150


@dataclass(frozen=True)
class Rule:
    """How many failures a key gets free, and how long the next attempt then waits."""

    scope: str
    free: int  # failures allowed before any wait; 0 disables the rule
    first_wait: int  # seconds after the `free`-th failure
    max_wait: int
    growth: int  # 1: a fixed lock; 2: the wait doubles with each further failure
    memory: int  # seconds without a failure after which the count starts again

    def wait_after(self, failures: int) -> int:
        if self.free <= 0 or failures < self.free:
            return 0
        return min(self.max_wait, self.first_wait * self.growth ** min(failures - self.free, 32))


def rules() -> dict[str, Rule]:
    lock = settings.LOGIN_LOCK_SECONDS
    return {
        LoginGuardScope.PAIR: Rule(
            LoginGuardScope.PAIR, settings.LOGIN_FAILURES_PER_USER_AND_ADDRESS, lock, lock, 1, lock
        ),
        LoginGuardScope.USER: Rule(
            LoginGuardScope.USER,
            settings.LOGIN_FAILURES_PER_USER,
            settings.LOGIN_BACKOFF_SECONDS,
            lock,
            2,
            max(settings.LOGIN_USER_MEMORY_SECONDS, lock),
        ),
        LoginGuardScope.ADDRESS: Rule(
            LoginGuardScope.ADDRESS, settings.LOGIN_FAILURES_PER_ADDRESS, lock, lock, 1, lock
        ),
    }


def normalize_username(username: str) -> str:
    """Case and surrounding spaces do not make a new counter."""
    return username.strip().casefold()[:MAX_USERNAME]


@dataclass(frozen=True)
class Reservation:
    """An attempt allowed to check a password; it counts as a failure until released."""

    username: str
    address: str
    at: datetime


def _keys(username: str, address: str) -> list[tuple[str, str, str]]:
    # Sorted: every transaction locks rows in the same order.
    return sorted(
        [
            (LoginGuardScope.ADDRESS, "", address),
            (LoginGuardScope.PAIR, username, address),
            (LoginGuardScope.USER, username, ""),
        ]
    )


def _q(keys) -> Q:
    query = Q(pk__in=[])
    for scope, username, address in keys:
        query |= Q(scope=scope, username=username, address=address)
    return query


def _forget_if_quiet(row: LoginThrottle, rule: Rule, now: datetime) -> None:
    if row.last_failure_at is not None and now - row.last_failure_at >= timedelta(seconds=rule.memory):
        row.failures = 0
        row.blocked_until = None


def _lock_rows(keys: list[tuple[str, str, str]], now: datetime) -> list[LoginThrottle] | None:
    """The rows of `keys`, created if missing and locked (SELECT … FOR UPDATE) in key order."""
    for _attempt in range(3):
        # INSERT … ON CONFLICT DO NOTHING: concurrent first attempts do not collide.
        LoginThrottle.objects.bulk_create(
            [LoginThrottle(scope=s, username=u, address=a, last_failure_at=now) for s, u, a in keys],
            ignore_conflicts=True,
        )
        rows = list(LoginThrottle.objects.select_for_update().filter(_q(keys)).order_by("scope", "username", "address"))
        if len(rows) == len(keys):
            return rows
    return None  # a housekeeping delete raced us three times in a row: refuse this attempt


def reserve(*, username: str, address: str, now: datetime) -> Reservation | None:
    """Reserve one password check for `username` from `address`, or None: refuse without checking."""
    username = normalize_username(username)
    address = address[:64]
    active = rules()
    keys = [key for key in _keys(username, address) if active[key[0]].free > 0]
    if not keys:
        return Reservation(username=username, address=address, at=now)
    with transaction.atomic():
        rows = _lock_rows(keys, now)
        if rows is None:
            return None
        for row in rows:
            _forget_if_quiet(row, active[row.scope], now)
        if any(row.blocked_until is not None and now < row.blocked_until for row in rows):
            return None
        for row in rows:
            row.failures += 1
            row.last_failure_at = now
            wait = active[row.scope].wait_after(row.failures)
            row.blocked_until = now + timedelta(seconds=wait) if wait else None
        LoginThrottle.objects.bulk_update(rows, ["failures", "last_failure_at", "blocked_until"])
    return Reservation(username=username, address=address, at=now)


def release(reservation: Reservation) -> None:
    """The password was right: the username's counters go, the address gets its attempt back.

    The rows are locked in the same key order as `reserve` locks them (address, pair, user):
    locking them in another order deadlocks with a concurrent reservation on PostgreSQL."""
    keys = _keys(reservation.username, reservation.address)
    with transaction.atomic():
        rows = list(LoginThrottle.objects.select_for_update().filter(_q(keys)).order_by("scope", "username", "address"))
        for row in rows:
            if row.scope != LoginGuardScope.ADDRESS:
                row.delete()
            elif row.failures > 0:
                row.failures -= 1
                if rules()[LoginGuardScope.ADDRESS].wait_after(row.failures) == 0:
                    row.blocked_until = None
                row.save(update_fields=["failures", "blocked_until"])


def clear(*, username: str) -> int:
    """Lift every lock of `username` (a reset or changed password, an administrator's unlock)."""
    deleted, _rows = LoginThrottle.objects.filter(username=normalize_username(username)).delete()
    return deleted


def forget(*, now: datetime) -> int:
    """Housekeeping: delete counters that are neither blocking nor remembered any more."""
    oldest = now - timedelta(seconds=max(rule.memory for rule in rules().values()))
    stale = LoginThrottle.objects.filter(last_failure_at__lt=oldest).filter(
        Q(blocked_until__isnull=True) | Q(blocked_until__lt=now)
    )
    deleted, _rows = stale.delete()
    return deleted


class ClearOnPasswordChange:
    """An ``AUTH_PASSWORD_VALIDATORS`` entry that validates nothing: Django calls its
    ``password_changed`` after every saved ``set_password`` (reset, change, admin, manage.py),
    and a new password lifts the username's locks."""

    def validate(self, password, user=None) -> None:
        return None

    def get_help_text(self) -> str:
        return str(_("Ao definir a nova senha, os bloqueios de login da sua conta são desfeitos."))

    def password_changed(self, password, user=None) -> None:
        if user is not None and user.pk is not None:
            clear(username=user.get_username())
