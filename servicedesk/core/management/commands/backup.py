"""`manage.py backup [--output DIR]`: the database, the attachments and a manifest with checksums."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from servicedesk.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Cópia de segurança: banco de dados (pg_dump), anexos e um manifesto com somas sha256."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Pasta nova para a cópia (padrão: var/backups/<data-hora>).")

    def handle(self, *args, output=None, **options):
        target = (
            Path(output) if output else settings.BASE_DIR / "var" / "backups" / timezone.now().strftime("%Y%m%d-%H%M%S")
        )
        try:
            manifest = backup(target)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Cópia não feita: {exc}") from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Cópia em {target}: {rows} linha(s), {len(manifest['media']['files'])} arquivo(s).")
