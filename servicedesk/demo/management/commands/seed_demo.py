import logging

from django.core.management.base import BaseCommand

from servicedesk.demo.advisory_story import APPROVER, load_advisory_story
from servicedesk.demo.catalog_story import load_catalog_story
from servicedesk.demo.data import DEMO_PASSWORD, demo_approvers, load_demo_data
from servicedesk.demo.documents_story import load_demo_documents
from servicedesk.demo.release_story import load_release_story


class Command(BaseCommand):
    help = "Carrega os dados de demonstração (idempotente) e mostra os logins."

    def handle(self, *args, **options):
        logins = load_demo_data()
        # fpdf2 subsets the report's font with fontTools, which logs every step at INFO (and the
        # root logger prints INFO): keep that out of `make run`'s output.
        fonttools = logging.getLogger("fontTools")
        level = fonttools.level
        fonttools.setLevel(logging.WARNING)
        try:
            story = load_advisory_story()
            documents = load_demo_documents()
        finally:
            fonttools.setLevel(level)
        self.stdout.write(self.style.SUCCESS(f"\nLogins de demonstração (senha para todos: {DEMO_PASSWORD})"))
        for username, description in logins:
            self.stdout.write(f"  {username:<20} {description}")
        self.stdout.write(
            self.style.SUCCESS("\nAprovadores (aceitam propostas e validam relatórios de assessoria no portal)")
        )
        for user in demo_approvers():
            self.stdout.write(f"  {user.username:<20} {user.organization.name}")
        self.stdout.write(
            self.style.SUCCESS(f"\nAssessoria técnica (tabela Serviços e Valores carregada) — entre como {APPROVER}:")
        )
        for line in story:
            self.stdout.write(f"  {line.text}")
        self.stdout.write(
            self.style.SUCCESS(f"\nDocumentação dos produtos ({len(documents)} documentos) — portal em /documentacao/")
        )
        self.stdout.write(self.style.SUCCESS("\nCatálogo de serviços e sugestões de melhoria"))
        for line in load_catalog_story():
            self.stdout.write(f"  {line.text}")
        self.stdout.write(self.style.SUCCESS("\nCorreções por versão"))
        for line in load_release_story():
            self.stdout.write(f"  {line.text}")
        self.stdout.write("\n`make run` serve o portal e a retaguarda (/admin/, login admin).\n")
