from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and the benchmark volumes. It sits on top of every domain app
    (it writes organizations, people, catalog and tickets); nothing imports it."""

    name = "servicedesk.demo"
    verbose_name = "Dados de demonstração"
