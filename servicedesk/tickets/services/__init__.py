"""Every write to a ticket, one module per use case; this package re-exports the public ones.

    state.py         ticket_lock, ticket_save — the row, its revision and its recomputed clocks
    transitions.py   ticket_transition — THE entry point of every status change (reason-checked),
                     the status-menu wrappers, the automatic closing
    opening.py       ticket_open, ticket_training_request
    conversation.py  ticket_comment_add, ticket_attachment_add, ticket_diagnosis_register
    triage.py        ticket_reclassify, ticket_assign, ticket_event_record
    reopening.py     reopen_request_create / _approve / _refuse
    alerts.py        ticket_sla_alerts, sla_alert_notify_due
    calendars.py     calendar_changes_apply (a calendar edit reaches the open tickets)
    reading.py       ticket_seen (the console's "cliente respondeu" marker)
    fixes.py         ticket_fix_link, release_publish, ticket_fix_announce (release awareness)

Each service: keyword-only arguments, the actor explicit, `now` passed in (aware, UTC), one
transaction, the row locked, the actor's capability checked (`tickets.access`), an append-only
history event (`tickets.history`), the SLA recomputed through the pure engine, e-mails after
commit. The modules depend on each other downwards only: state ← transitions ← the others.
"""

from servicedesk.tickets.services.alerts import sla_alert_notify_due, ticket_sla_alerts
from servicedesk.tickets.services.calendars import calendar_change_apply, calendar_changes_apply
from servicedesk.tickets.services.conversation import (
    COMMENT_EMPTY,
    COMMENT_ON_CLOSED,
    DIAGNOSIS_ALREADY,
    FILES_REQUIRED,
    INTERNAL_NOTE_STAFF_ONLY,
    ticket_attachment_add,
    ticket_comment_add,
    ticket_diagnosis_register,
)
from servicedesk.tickets.services.fixes import (
    FIX_PROBLEMS_ONLY,
    FIX_RELEASE_OTHER_PRODUCT,
    FIX_RELEASE_UNKNOWN,
    FIX_TICKET_WITHOUT_PRODUCT,
    RELEASE_PUBLISH_NOT_ALLOWED,
    release_publish,
    ticket_fix_announce,
    ticket_fix_link,
)
from servicedesk.tickets.services.opening import (
    AFFECTED_PROCESS_UNKNOWN,
    CATEGORY_REQUESTS_ONLY,
    CATEGORY_UNKNOWN,
    DESCRIPTION_REQUIRED,
    ENVIRONMENT_REQUIRED,
    EVIDENCE_REQUIRED,
    FIELD_REQUIRED,
    LINKED_TICKET_NOT_FOUND,
    MODULE_NOT_LICENSED,
    MODULE_REQUIRED,
    RELEASE_OTHER_PRODUCT,
    RELEASE_REQUIRED,
    SEVERITY_FIXED_NORMAL,
    SEVERITY_REQUIRED,
    TICKET_OPEN_CUSTOMERS_ONLY,
    TICKET_USER_NOT_TRAINED,
    TITLE_TOO_LONG,
    TRAINING_MODULE_REQUIRED,
    TYPE_REQUIRED,
    VERSION_NOT_SUPPORTED,
    ticket_open,
    ticket_training_request,
)
from servicedesk.tickets.services.reading import ticket_seen
from servicedesk.tickets.services.reopening import (
    REOPEN_ALREADY_PENDING,
    REOPEN_NOT_PENDING,
    REOPEN_ONLY_CLOSED,
    reopen_request_approve,
    reopen_request_create,
    reopen_request_refuse,
)
from servicedesk.tickets.services.state import TICKET_CHANGED, ticket_lock, ticket_save
from servicedesk.tickets.services.transitions import (
    ASK_CUSTOMER_NOTE_REQUIRED,
    CLOSED_REOPEN_THROUGH_REQUEST,
    CUSTOMER_MOVES_ONLY,
    REASON_REQUIRED,
    SOLUTION_REQUIRED,
    STATUS_UNKNOWN,
    TICKET_TRANSITION_NOT_ALLOWED,
    TicketTransitionNotAllowed,
    actor_kind,
    closing_due_first,
    ticket_ask_customer,
    ticket_auto_close,
    ticket_cancel,
    ticket_confirm_solution,
    ticket_resolve,
    ticket_transition,
)
from servicedesk.tickets.services.triage import (
    ASSIGNEE_NOT_STAFF,
    RECLASSIFY_JUSTIFICATION_REQUIRED,
    RECLASSIFY_NOTHING,
    SEVERITY_CHANGE_NOT_ALLOWED,
    SEVERITY_UNKNOWN,
    TEAM_NOT_MANAGED,
    TICKET_NOT_IN_MANAGED_TEAM,
    TYPE_UNKNOWN,
    ticket_assign,
    ticket_event_record,
    ticket_reclassify,
)

__all__ = [
    "AFFECTED_PROCESS_UNKNOWN",
    "ASK_CUSTOMER_NOTE_REQUIRED",
    "ASSIGNEE_NOT_STAFF",
    "CATEGORY_REQUESTS_ONLY",
    "CATEGORY_UNKNOWN",
    "CLOSED_REOPEN_THROUGH_REQUEST",
    "COMMENT_EMPTY",
    "COMMENT_ON_CLOSED",
    "CUSTOMER_MOVES_ONLY",
    "DESCRIPTION_REQUIRED",
    "DIAGNOSIS_ALREADY",
    "ENVIRONMENT_REQUIRED",
    "EVIDENCE_REQUIRED",
    "FIELD_REQUIRED",
    "FILES_REQUIRED",
    "FIX_PROBLEMS_ONLY",
    "FIX_RELEASE_OTHER_PRODUCT",
    "FIX_RELEASE_UNKNOWN",
    "FIX_TICKET_WITHOUT_PRODUCT",
    "INTERNAL_NOTE_STAFF_ONLY",
    "LINKED_TICKET_NOT_FOUND",
    "MODULE_NOT_LICENSED",
    "MODULE_REQUIRED",
    "REASON_REQUIRED",
    "RECLASSIFY_JUSTIFICATION_REQUIRED",
    "RECLASSIFY_NOTHING",
    "RELEASE_OTHER_PRODUCT",
    "RELEASE_PUBLISH_NOT_ALLOWED",
    "RELEASE_REQUIRED",
    "REOPEN_ALREADY_PENDING",
    "REOPEN_NOT_PENDING",
    "REOPEN_ONLY_CLOSED",
    "SEVERITY_CHANGE_NOT_ALLOWED",
    "SEVERITY_FIXED_NORMAL",
    "SEVERITY_REQUIRED",
    "SEVERITY_UNKNOWN",
    "SOLUTION_REQUIRED",
    "STATUS_UNKNOWN",
    "TEAM_NOT_MANAGED",
    "TICKET_CHANGED",
    "TICKET_NOT_IN_MANAGED_TEAM",
    "TICKET_OPEN_CUSTOMERS_ONLY",
    "TICKET_TRANSITION_NOT_ALLOWED",
    "TICKET_USER_NOT_TRAINED",
    "TITLE_TOO_LONG",
    "TRAINING_MODULE_REQUIRED",
    "TYPE_REQUIRED",
    "TYPE_UNKNOWN",
    "VERSION_NOT_SUPPORTED",
    "TicketTransitionNotAllowed",
    "actor_kind",
    "calendar_change_apply",
    "calendar_changes_apply",
    "closing_due_first",
    "release_publish",
    "reopen_request_approve",
    "reopen_request_create",
    "reopen_request_refuse",
    "sla_alert_notify_due",
    "ticket_ask_customer",
    "ticket_assign",
    "ticket_attachment_add",
    "ticket_auto_close",
    "ticket_cancel",
    "ticket_comment_add",
    "ticket_confirm_solution",
    "ticket_diagnosis_register",
    "ticket_event_record",
    "ticket_fix_announce",
    "ticket_fix_link",
    "ticket_lock",
    "ticket_open",
    "ticket_reclassify",
    "ticket_resolve",
    "ticket_save",
    "ticket_seen",
    "ticket_sla_alerts",
    "ticket_training_request",
    "ticket_transition",
]
