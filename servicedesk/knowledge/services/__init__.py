"""Every write of the knowledge base (one module per use case)."""

from servicedesk.knowledge.services.articles import (
    article_archive,
    article_create,
    article_index,
    article_publish,
    article_update,
)
from servicedesk.knowledge.services.feedback import article_view_record, deflection_record, feedback_record

__all__ = [
    "article_archive",
    "article_create",
    "article_index",
    "article_publish",
    "article_update",
    "article_view_record",
    "deflection_record",
    "feedback_record",
]
