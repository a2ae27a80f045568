"""`manage.py sla_sweeper`: every interval, enqueue the SLA sweep (automatic closing, SLA warnings).

The sweep is idempotent and safe on several workers, so running one sweeper per deployment is
enough and running two does no harm. `--once` runs it inline and prints the counts.
It also enqueues the housekeeping tasks of settings.PERIODIC_TASKS at their own intervals
(dotted paths: the tickets app does not import the apps that own them).
"""

import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from servicedesk.core import clock
from servicedesk.tickets import tasks


class Command(BaseCommand):
    help = "Agenda a varredura de SLA (encerramento automático, alertas) a cada intervalo."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0, help="Segundos entre varreduras (padrão: 60).")
        parser.add_argument("--once", action="store_true", help="Executa uma varredura agora, sem fila, e sai.")

    def handle(self, *args, interval, once, **options):
        if once:
            counts = tasks.run_sla_sweep(now=clock.now())
            self.stdout.write(
                "Varredura de SLA: {closed} encerrado(s), {alerts} alerta(s), {reminders} lembrete(s).".format(**counts)
            )
            return
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"sla_sweeper: a cada {interval:g} s")
        periodic = [(import_string(path), every) for path, every in settings.PERIODIC_TASKS]
        last_run: dict[int, float] = {}
        while not stop.is_set():
            try:
                tick(periodic, last_run, time.monotonic())
            except Exception:  # the queue may be briefly down; try again at the next tick
                self.stderr.write("sla_sweeper: falha ao agendar a varredura; nova tentativa no próximo intervalo")
            stop.wait(interval)


def tick(periodic: list, last_run: dict[int, float], monotonic: float) -> None:
    """One beat of the sweeper: the SLA sweep, and each periodic task whose interval has passed
    since it was last enqueued (`last_run` is updated in place; seconds of a monotonic clock)."""
    tasks.sla_sweep.enqueue()
    for index, (task, every) in enumerate(periodic):
        if monotonic - last_run.get(index, float("-inf")) >= every:
            task.enqueue()
            last_run[index] = monotonic
