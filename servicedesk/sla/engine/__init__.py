"""Pure SLA engine: business calendar, policy data and clocks. Imports nothing from Django."""

from servicedesk.sla.engine.calendar import (
    DEFAULT_TIMEZONE,
    DEFAULT_WINDOWS,
    BusinessCalendar,
    brazilian_national_holidays,
)
from servicedesk.sla.engine.clocks import ClockReport, ClockState, Timeline, TimelineEvent, compute_clocks
from servicedesk.sla.engine.policy import (
    AUTO_CLOSE_AFTER,
    AUTO_CLOSE_STATUSES,
    BUSINESS_DAY,
    DEFAULT_PLAN_TARGETS,
    PAUSING_STATUSES,
    RUNNING_STATUSES,
    STOPPED_STATUSES,
    UNIFORM_SEVERITY_TYPES,
    Environment,
    Plan,
    Severity,
    Targets,
    TicketStatus,
    TicketType,
    targets_for,
)

__all__ = [
    "AUTO_CLOSE_AFTER",
    "AUTO_CLOSE_STATUSES",
    "BUSINESS_DAY",
    "DEFAULT_PLAN_TARGETS",
    "DEFAULT_TIMEZONE",
    "DEFAULT_WINDOWS",
    "PAUSING_STATUSES",
    "RUNNING_STATUSES",
    "STOPPED_STATUSES",
    "UNIFORM_SEVERITY_TYPES",
    "BusinessCalendar",
    "ClockReport",
    "ClockState",
    "Environment",
    "Plan",
    "Severity",
    "Targets",
    "TicketStatus",
    "TicketType",
    "Timeline",
    "TimelineEvent",
    "brazilian_national_holidays",
    "compute_clocks",
    "targets_for",
]
