"""`manage.py restore DIR --yes`: replace the database and the attachments with a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from servicedesk.core.backup import BackupError, restore, row_counts


class Command(BaseCommand):
    help = "Restaura uma cópia de `manage.py backup` (substitui o banco e os anexos)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="Pasta da cópia (com manifest.json).")
        parser.add_argument("--yes", action="store_true", help="Confirma: os dados atuais serão substituídos.")

    def handle(self, *args, source, yes, **options):
        if not yes:
            raise CommandError("A restauração substitui o banco e os anexos atuais: repita com --yes.")
        try:
            manifest = restore(Path(source))
        except (BackupError, OSError) as exc:
            raise CommandError(f"Restauração não feita: {exc}") from exc
        counts = row_counts()
        different = {label: (n, counts.get(label)) for label, n in manifest["rows"].items() if counts.get(label) != n}
        if different:
            raise CommandError(f"Linhas diferentes do manifesto: {different}")
        self.stdout.write(
            f"Restaurado de {source}: {sum(counts.values())} linha(s) e {len(manifest['media']['files'])} arquivo(s) conferidos."
        )
