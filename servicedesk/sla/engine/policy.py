"""SLA policy as data: statuses, types, severities, environments and the default plan
targets (domain §3, §5, §6, §7). Values are the policy's own Portuguese words; member
names are English. No Django here: the Django app imports these."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "AUTO_CLOSE_AFTER",
    "AUTO_CLOSE_STATUSES",
    "BUSINESS_DAY",
    "DEFAULT_PLAN_TARGETS",
    "PAUSING_STATUSES",
    "RUNNING_STATUSES",
    "STOPPED_STATUSES",
    "UNIFORM_SEVERITY_TYPES",
    "Environment",
    "Plan",
    "Severity",
    "Targets",
    "TicketStatus",
    "TicketType",
    "targets_for",
]


class TicketStatus(StrEnum):
    NEW = "NOVO"  # opened, not yet picked up — clock runs
    IN_PROGRESS = "EM ATENDIMENTO"  # being analysed / worked — clock runs
    MAINTENANCE = "MANUTENÇÃO"  # forwarded to the maintenance team — clock runs
    WAITING_CUSTOMER = "AGUARDANDO CLIENTE"  # waiting for the customer — paused
    ADVISORY = "SERV-ASSESSORIA"  # technical advisory under way (§8) — paused
    PROPOSAL = "COM-PROPOSTA"  # commercial proposal being prepared — paused
    SERVICES = "SERVIÇOS"  # customization or specific project — paused
    RESOLVED = "RESOLVIDO"  # solution delivered, awaiting confirmation — stopped
    CLOSED = "ENCERRADO"  # closed (final) — stopped
    CANCELLED = "CANCELADO"  # withdrawn by the customer before a solution — stopped


class TicketType(StrEnum):
    PROBLEM = "Problema"
    REQUEST = "Solicitação"
    QUESTION = "Dúvida"


class Severity(StrEnum):
    CRITICAL = "Crítica"
    HIGH = "Alta"
    NORMAL = "Normal"
    LOW = "Baixa"


class Environment(StrEnum):
    PRODUCTION = "produção"
    STAGING = "homologação"


class Plan(StrEnum):
    STARTER = "STARTER"
    PREMIUM = "PREMIUM"


# §5: status categories — the SLA reacts to the category, not to the name.
RUNNING_STATUSES: frozenset[TicketStatus] = frozenset(
    {TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.MAINTENANCE}
)
PAUSING_STATUSES: frozenset[TicketStatus] = frozenset(
    {TicketStatus.WAITING_CUSTOMER, TicketStatus.ADVISORY, TicketStatus.PROPOSAL, TicketStatus.SERVICES}
)
STOPPED_STATUSES: frozenset[TicketStatus] = frozenset(
    {TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.CANCELLED}
)
# §7: statuses that close automatically after AUTO_CLOSE_AFTER without customer interaction.
AUTO_CLOSE_STATUSES: frozenset[TicketStatus] = frozenset({TicketStatus.RESOLVED, TicketStatus.WAITING_CUSTOMER})
# §3: Solicitação and Dúvida are always Normal.
UNIFORM_SEVERITY_TYPES: frozenset[TicketType] = frozenset({TicketType.REQUEST, TicketType.QUESTION})

BUSINESS_DAY = timedelta(hours=8)  # §6 (decision): one business day = 8 business hours
AUTO_CLOSE_AFTER = timedelta(hours=16)  # §7: 16 business hours


class Targets(NamedTuple):
    """Business-time targets of one severity, measured from the opening."""

    diagnosis: timedelta
    solution: timedelta


def _t(diagnosis_hours: int, solution_days: int) -> Targets:
    return Targets(timedelta(hours=diagnosis_hours), solution_days * BUSINESS_DAY)


# §6: default plan table (business time).
DEFAULT_PLAN_TARGETS: dict[Plan, dict[Severity, Targets]] = {
    Plan.STARTER: {
        Severity.CRITICAL: _t(10, 5),
        Severity.HIGH: _t(20, 20),
        Severity.NORMAL: _t(30, 30),
        Severity.LOW: _t(40, 45),
    },
    Plan.PREMIUM: {
        Severity.CRITICAL: _t(6, 1),
        Severity.HIGH: _t(10, 6),
        Severity.NORMAL: _t(16, 24),
        Severity.LOW: _t(40, 45),
    },
}


def targets_for(plan: str) -> dict[Severity, Targets]:
    """Default targets of ``plan`` ("STARTER"/"PREMIUM"); unknown plan → ``ValueError``."""
    try:
        return DEFAULT_PLAN_TARGETS[Plan(plan)]
    except ValueError:
        raise ValueError(f"unknown plan {plan!r}; expected one of {[p.value for p in Plan]}") from None
