from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "servicedesk.accounts"
    label = "accounts"
    verbose_name = "Organizações, usuários e equipes"
