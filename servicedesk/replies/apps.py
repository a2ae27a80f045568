from django.apps import AppConfig


class RepliesConfig(AppConfig):
    """Canned replies (respostas prontas): text modules staff insert into a reply, personal or
    shared by a team, with variables filled from the ticket."""

    name = "servicedesk.replies"
    verbose_name = "Respostas prontas"
