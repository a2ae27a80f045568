from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """Satisfaction surveys (domain.md §10): after a ticket closes, its requester is asked once
    for a rating (1–5) and a comment."""

    name = "servicedesk.surveys"
    label = "surveys"
    verbose_name = "Pesquisas de satisfação"
