from django.core.management.base import BaseCommand

from servicedesk.demo.data import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Carrega os dados de demonstração (idempotente) e mostra os logins."

    def handle(self, *args, **options):
        logins = load_demo_data()
        self.stdout.write(self.style.SUCCESS(f"\nLogins de demonstração (senha para todos: {DEMO_PASSWORD})"))
        for username, description in logins:
            self.stdout.write(f"  {username:<20} {description}")
        self.stdout.write("\n`make run` serve o portal e a retaguarda (/admin/, login admin).\n")
