"""`manage.py redis_worker`: run the tasks of the Redis task backend (production)."""

from django.core.management.base import BaseCommand

from servicedesk.core.task_backends import RedisWorker, redis_backend


class Command(BaseCommand):
    help = "Executa as tarefas em segundo plano da fila Redis (TASKS com RedisBackend). SIGTERM termina a tarefa atual e sai."

    def add_arguments(self, parser):
        parser.add_argument("--backend", default="default", help="Alias do backend em TASKS (padrão: default).")
        parser.add_argument("--queue-name", action="append", dest="queues", help="Fila a atender (repetível).")
        parser.add_argument("--batch", action="store_true", help="Sai quando não houver tarefa pronta.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Sai depois de N tarefas.")
        parser.add_argument("--worker-id", default=None)

    def handle(self, *args, backend, queues, batch, max_tasks, worker_id, **options):
        worker = RedisWorker(
            backend=redis_backend(backend), queue_names=queues, batch=batch, max_tasks=max_tasks, worker_id=worker_id
        )
        count = worker.run()
        if options["verbosity"] > 0:
            self.stdout.write(f"worker {worker.worker_id}: {count} tarefa(s) executada(s).")
