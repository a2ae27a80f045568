from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    """Improvement suggestions from customers (domain.md §10, issue 10): recorded with product
    and module, analysed by staff (recebida → em análise → encaminhada à manutenção/produto →
    planejada / recusada), linked to tickets, every status change kept with who and when, and
    the author told by e-mail."""

    name = "servicedesk.suggestions"
    verbose_name = "Sugestões de melhoria"
