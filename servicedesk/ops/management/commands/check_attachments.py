"""`manage.py check_attachments [--no-delete]`: the stored-files check now (servicedesk.ops.storage_check)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from servicedesk.core import clock
from servicedesk.ops.storage_check import storage_check_run


class Command(BaseCommand):
    help = (
        "Confere os arquivos guardados com os registros: arquivos sem registro (apagados após o prazo de "
        "carência), registros sem arquivo e arquivos com sha256 diferente."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-delete", action="store_true", help="Só relata: não apaga arquivos sem registro.")

    def handle(self, *args, no_delete, **options):
        report = storage_check_run(now=clock.now(), delete=not no_delete)
        self.stdout.write(
            f"{report.files} arquivo(s), {report.rows} registro(s): {report.orphans} sem registro "
            f"({report.orphans_deleted} apagado(s)), {report.missing} registro(s) sem arquivo, "
            f"{report.mismatched} com sha256 diferente."
        )
        for kind in ("orphans", "missing", "mismatched"):
            for finding in report.details.get(kind, []):
                self.stdout.write(f"  {kind}: {finding}")
        if report.missing or report.mismatched:
            self.stderr.write("Há registros sem arquivo ou com conteúdo diferente: restaure-os de um backup.")
