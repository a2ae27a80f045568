"""Every write of the advisory, one module per stage (domain.md §8); this package re-exports them.

    proposals.py    proposal_draft, proposal_update, proposal_send, proposal_cancel, proposal_decide
    engagements.py  appointment_schedule, time_entry_log, time_entry_update, time_entry_delete
    reports.py      report_send, report_decide, report_preview_pdf, engagement_statement
    exports.py      billing_export_create, batch_csv, batch_xlsx

Each service: keyword-only arguments, the actor explicit, `now` passed in, one transaction, the
rows locked in one order (proposal or report → engagement → ticket → analyst), the capability
checked here (`accounts.permissions`, `tickets.access` for the ticket's organization and the
training rule), the ticket moved only through `tickets.services.ticket_transition` with its
reason, an event in the ticket's history with who and when, e-mails after the commit.
"""

from servicedesk.advisory.services.engagements import (
    appointment_schedule,
    time_entry_delete,
    time_entry_log,
    time_entry_update,
)
from servicedesk.advisory.services.exports import batch_csv, batch_xlsx, billing_export_create
from servicedesk.advisory.services.proposals import (
    proposal_cancel,
    proposal_decide,
    proposal_draft,
    proposal_send,
    proposal_update,
)
from servicedesk.advisory.services.reports import (
    engagement_statement,
    report_decide,
    report_preview_pdf,
    report_send,
)

__all__ = [
    "appointment_schedule",
    "batch_csv",
    "batch_xlsx",
    "billing_export_create",
    "engagement_statement",
    "proposal_cancel",
    "proposal_decide",
    "proposal_draft",
    "proposal_send",
    "proposal_update",
    "report_decide",
    "report_preview_pdf",
    "report_send",
    "time_entry_delete",
    "time_entry_log",
    "time_entry_update",
]
