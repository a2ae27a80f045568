"""Fault drills of issue 12 (marked `drill`: `make drills`, run by .ci/run after the suites).

They start their own Celery workers and, for the Redis outage, their own redis-server on port
6390 (never the machine's 6379). The ones with a worker need PostgreSQL: the worker is another
process and must see the test database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from datetime import time as clock_time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from servicedesk.core import clock
from servicedesk.core.errors import ServiceUnavailable
from servicedesk.core.tests import conftest as core_fixtures
from servicedesk.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from servicedesk.sla.engine.policy import AUTO_CLOSE_AFTER, TicketStatus
from servicedesk.sla.models import BusinessCalendar, BusinessWindow, Weekday
from servicedesk.tickets import services
from servicedesk.tickets.models import Attachment, EventKind, NotificationLog, Ticket, TicketEvent
from servicedesk.tickets.tests import drill_tasks
from servicedesk.tickets.tests.factories import png_upload

# The fixtures of the task-backend tests (a Celery worker of the test, the test Redis database).
use_tasks = core_fixtures.use_tasks
redis_url = core_fixtures.redis_url
celery_broker = core_fixtures.celery_broker
celery_worker_process = core_fixtures.celery_worker_process

CELERY = {"BACKEND": "servicedesk.core.task_backends.CeleryBackend"}
H = timedelta(hours=1)
# issue 12: "Redis stopped for 60 s" (`make drills` passes it; DRILL_REDIS_OUTAGE_SECONDS=5 for a quick run).
REDIS_OUTAGE_SECONDS = float(os.environ.get("DRILL_REDIS_OUTAGE_SECONDS", "60"))
pytestmark = [pytest.mark.drill, pytest.mark.slow]


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def _test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


needs_postgres = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""), reason="the worker process must see the test database"
)


@pytest.mark.django_db
def test_storage_not_writable_gives_a_clear_error_and_saves_nothing(world, settings, tmp_path):
    ticket = world.open_problem()
    events, attachments = TicketEvent.objects.count(), Attachment.objects.count()
    blocker = tmp_path / "arquivo"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = str(blocker / "media")  # nothing can be written under a file (even as root)
    with pytest.raises(ServiceUnavailable) as refused:
        services.ticket_attachment_add(ticket=ticket, uploader=world.analyst, files=[png_upload()], now=clock.now())
    assert refused.value.status_code == 503
    assert refused.value.message.startswith("Não foi possível guardar o arquivo agora: nada foi salvo.")
    assert (TicketEvent.objects.count(), Attachment.objects.count()) == (events, attachments)


@needs_postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the migrations' rows
def test_a_worker_killed_mid_task_runs_it_again_and_its_effect_happens_once(
    world, use_tasks, celery_worker_process, tmp_path
):
    opened = clock.now() - timedelta(days=20)
    ticket = world.open_problem(now=opened)
    services.ticket_resolve(ticket=ticket, actor=world.analyst, now=opened + H, note="Corrigido.")
    use_tasks(CELERY)
    env = {"DATABASE_URL": _test_database_url()}
    flag = tmp_path / "flag.txt"

    first = celery_worker_process(visibility_timeout=3, extra_env=env)
    drill_tasks.sweep_then_wait.enqueue(str(flag))
    assert _wait_for(lambda: flag.exists() and "swept" in flag.read_text(), 60), "the first worker never swept"
    os.killpg(first.pid, signal.SIGKILL)  # the closing is committed, the task not acknowledged
    first.wait(10)
    celery_worker_process(visibility_timeout=3, extra_env=env)
    assert _wait_for(lambda: "done" in flag.read_text(), 90), flag.read_text()

    assert flag.read_text().splitlines() == ["swept 1", "swept 0", "done"]  # ran twice, closed once
    ticket.refresh_from_db()
    assert ticket.status == "ENCERRADO"
    [closing] = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.AUTO_CLOSED)
    assert NotificationLog.objects.filter(event=closing).count() == 1
    closed_mails = OutboxMessage.objects.filter(
        kind=OutboxKind.EMAIL, subject__startswith=f"[#{ticket.pk}] Chamado encerrado"
    )
    assert [m.status for m in closed_mails] == [OutboxStatus.SENT]


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test on port 6390 (loopback, no persistence); start()/stop()."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    import redis

    port = int(os.environ.get("DRILL_REDIS_PORT", "6390"))
    state: dict = {}

    def start():
        state["process"] = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=port)
        assert _wait_for(lambda: _pings(client), 10), "own redis-server did not start"

    def stop():
        state["process"].terminate()
        state["process"].wait(10)

    start()
    yield type(
        "OwnRedis",
        (),
        {"url": f"redis://127.0.0.1:{port}/14", "start": staticmethod(start), "stop": staticmethod(stop)},
    )
    if state["process"].poll() is None:
        stop()


def _pings(client) -> bool:
    import redis

    try:
        return client.ping()
    except redis.exceptions.ConnectionError:
        return False


def _round_the_clock_calendar() -> BusinessCalendar:
    """Business time every second of every day (but 23:59:59–00:00), no holidays: a ticket's
    automatic closing can then be put at any instant, here one inside the outage."""
    calendar = BusinessCalendar.objects.create(name="24 x 7 (simulado)", include_national_holidays=False)
    BusinessWindow.objects.bulk_create(
        BusinessWindow(calendar=calendar, weekday=day, start=clock_time(0), end=clock_time(23, 59, 59))
        for day in Weekday
    )
    return calendar


def _beat_tick(app, name: str) -> None:
    """What celery beat sends for one entry of CELERY_BEAT_SCHEDULE (the product's schedule): the
    `servicedesk.periodic` tick, through the broker, which a worker turns into the task."""
    entry = django_settings.CELERY_BEAT_SCHEDULE[name]
    app.send_task(entry["task"], args=entry["args"], kwargs=entry.get("kwargs"), **entry.get("options", {}))


@needs_postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the migrations' rows
def test_redis_stopped_no_5xx_every_timer_fires_and_the_notifications_written_meanwhile_are_sent_after(
    world, use_tasks, celery_worker_process, own_redis, settings, monkeypatch
):
    from servicedesk.core.celery_app import app

    settings.CACHES = {
        "default": {"BACKEND": "servicedesk.core.cache.ResilientRedisCache", "LOCATION": own_redis.url},
        "counts": {"BACKEND": "servicedesk.core.cache.ResilientRedisCache", "LOCATION": own_redis.url},
    }
    use_tasks(CELERY)
    monkeypatch.setattr(app.conf, "broker_url", own_redis.url)
    app._pool = None
    app.amqp._producer_pool = None
    celery_worker_process(extra_env={"DATABASE_URL": _test_database_url()}, broker=own_redis.url)
    customer, analyst = Client(), Client()
    customer.force_login(world.customer)
    analyst.force_login(world.analyst)
    before = world.open_problem(now=clock.now())
    assert customer.get("/").status_code == 200

    # A timer that falls inside the outage: a resolved ticket whose automatic closing (16 business
    # hours after the resolution, on a round-the-clock calendar) comes half-way through it.
    world.premium_org.calendar = _round_the_clock_calendar()
    world.premium_org.save(update_fields=["calendar"])
    closing = clock.now() + timedelta(seconds=REDIS_OUTAGE_SECONDS / 2)
    timer = world.open_problem(requester=world.premium_customer, now=closing - AUTO_CLOSE_AFTER - H)
    services.ticket_resolve(ticket=timer, actor=world.analyst, now=closing - AUTO_CLOSE_AFTER, note="Corrigido.")
    timer.refresh_from_db()
    # The worker is up and has sent everything so far: what the outage loses is what it writes.
    assert _wait_for(lambda: not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists(), 60)

    own_redis.stop()
    stopped = clock.now()
    assert stopped < timer.auto_close_at < stopped + timedelta(seconds=REDIS_OUTAGE_SECONDS)
    statuses = []
    during: list[Ticket] = []
    deadline = time.monotonic() + REDIS_OUTAGE_SECONDS
    while time.monotonic() < deadline or not during:
        during.append(world.open_problem(now=clock.now()))  # the customer opens a ticket
        services.ticket_resolve(ticket=before, actor=world.analyst, now=clock.now(), note="Feito.") if len(
            during
        ) == 1 else None
        statuses += [
            customer.get("/").status_code,
            customer.get(f"/chamados/{during[-1].pk}/").status_code,
            analyst.get("/console/").status_code,
            analyst.get(f"/console/chamados/{during[-1].pk}/").status_code,
        ]
        time.sleep(0.5)
    assert statuses and max(statuses) < 500, statuses
    waiting = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, kind=OutboxKind.CALL)
    assert waiting.count() >= len(during) + 1  # every opening, and the resolution, waits in the outbox
    # Their relays were lost: each is due at the next sweep (not only STUCK_AFTER later).
    assert not waiting.filter(next_attempt_at__gt=clock.now()).exists()
    # The closing fell due during the outage and nothing could run it.
    assert timer.auto_close_at < clock.now()
    assert Ticket.objects.get(pk=timer.pk).status == TicketStatus.RESOLVED

    own_redis.start()
    # Redis is back: the next ticks of celery beat (the SLA sweep, the outbox sweep) do the rest.
    _beat_tick(app, "sla_sweep")
    _beat_tick(app, "outbox_sweep")
    assert _wait_for(lambda: Ticket.objects.get(pk=timer.pk).status == TicketStatus.CLOSED, 90), (
        "the automatic closing never happened"
    )
    assert _wait_for(lambda: not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists(), 90), list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING).values_list("pk", "kind", "last_error")
    )
    [closed] = TicketEvent.objects.filter(ticket=timer, kind=EventKind.AUTO_CLOSED)
    assert closed.at == timer.auto_close_at  # closed as of its deadline, not of the sweep that ran late
    assert (
        OutboxMessage.objects.filter(
            kind=OutboxKind.EMAIL, subject__startswith=f"[#{timer.pk}] Chamado encerrado", status=OutboxStatus.SENT
        ).count()
        == 1
    )
    for ticket in during:
        assert (
            OutboxMessage.objects.filter(
                kind=OutboxKind.EMAIL,
                subject__startswith=f"[#{ticket.pk}] Recebemos seu chamado",
                status=OutboxStatus.SENT,
            ).count()
            == 1
        )
    assert OutboxMessage.objects.filter(
        kind=OutboxKind.EMAIL, subject__startswith=f"[#{before.pk}] Chamado resolvido", status=OutboxStatus.SENT
    ).exists()
