from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "servicedesk.console"
    label = "console"
    verbose_name = "Console da equipe"
