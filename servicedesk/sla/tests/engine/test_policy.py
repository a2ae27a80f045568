"""The policy data (domain §5, §6, §7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicedesk.sla import (
    AUTO_CLOSE_AFTER,
    PAUSING_STATUSES,
    STOPPED_STATUSES,
    Plan,
    Severity,
    TicketStatus,
    targets_for,
)

H = timedelta(hours=1)
DAY = 8 * H


@pytest.mark.parametrize(
    ("plan", "severity", "diagnosis", "solution"),
    [
        ("STARTER", "Crítica", 10 * H, 5 * DAY),
        ("STARTER", "Alta", 20 * H, 20 * DAY),
        ("STARTER", "Normal", 30 * H, 30 * DAY),
        ("STARTER", "Baixa", 40 * H, 45 * DAY),
        ("PREMIUM", "Crítica", 6 * H, 1 * DAY),
        ("PREMIUM", "Alta", 10 * H, 6 * DAY),
        ("PREMIUM", "Normal", 16 * H, 24 * DAY),
        ("PREMIUM", "Baixa", 40 * H, 45 * DAY),
    ],
)
def test_default_plan_table(plan: str, severity: str, diagnosis: timedelta, solution: timedelta) -> None:
    assert targets_for(plan)[severity] == (diagnosis, solution)


def test_policy_words_are_the_values() -> None:
    assert TicketStatus.WAITING_CUSTOMER == "AGUARDANDO CLIENTE"
    assert [s.value for s in TicketStatus] == [
        "NOVO", "EM ATENDIMENTO", "MANUTENÇÃO", "AGUARDANDO CLIENTE", "SERV-ASSESSORIA",
        "COM-PROPOSTA", "SERVIÇOS", "RESOLVIDO", "ENCERRADO", "CANCELADO",
    ]  # fmt: skip
    assert {str(s) for s in PAUSING_STATUSES} == {"AGUARDANDO CLIENTE", "SERV-ASSESSORIA", "COM-PROPOSTA", "SERVIÇOS"}
    assert {str(s) for s in STOPPED_STATUSES} == {"RESOLVIDO", "ENCERRADO", "CANCELADO"}
    assert [s.value for s in Severity] == ["Crítica", "Alta", "Normal", "Baixa"]
    assert [p.value for p in Plan] == ["STARTER", "PREMIUM"]
    assert AUTO_CLOSE_AFTER == 16 * H


def test_unknown_plan_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown plan"):
        targets_for("GOLD")
