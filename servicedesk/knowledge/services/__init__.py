"""Every write of the knowledge base (one module per use case)."""

from servicedesk.knowledge.services.articles import (
    article_archive,
    article_create,
    article_index,
    article_publish,
    article_status_set,
    article_update,
)
from servicedesk.knowledge.services.feedback import article_view_record, deflection_record, feedback_record
from servicedesk.knowledge.services.from_ticket import article_create_from_ticket, article_draft_from_ticket
from servicedesk.knowledge.services.images import article_image_upload

__all__ = [
    "article_archive",
    "article_create",
    "article_create_from_ticket",
    "article_draft_from_ticket",
    "article_image_upload",
    "article_index",
    "article_publish",
    "article_status_set",
    "article_update",
    "article_view_record",
    "deflection_record",
    "feedback_record",
]
