from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    """The knowledge base (issue 10, domain.md §9): articles per product, module and release,
    with a visibility, a review before publication, every edit kept as a version, a Portuguese
    word search, feedback ("foi útil?") and deflections (an article that spared a ticket)."""

    name = "servicedesk.knowledge"
    verbose_name = "Base de conhecimento"
