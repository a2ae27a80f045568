"""The transition table written out by hand (domain.md §3, §5, §7, §8): every reason, every
status it may leave, every status it may reach; every other pair is refused. No database.

The expected tables below are typed from the specification, not computed from
`tickets/workflow.py`: a row added to or removed from the code fails one of these tests.
"""

from __future__ import annotations

import pytest

from servicedesk.tickets import workflow
from servicedesk.tickets.workflow import ActorKind, Reason

NOVO, EA, MAN = "NOVO", "EM ATENDIMENTO", "MANUTENÇÃO"
AC, ASS, PROP, SERV = "AGUARDANDO CLIENTE", "SERV-ASSESSORIA", "COM-PROPOSTA", "SERVIÇOS"
RES, ENC, CANC = "RESOLVIDO", "ENCERRADO", "CANCELADO"
ALL = [NOVO, EA, MAN, AC, ASS, PROP, SERV, RES, ENC, CANC]

# reason → {from: {to}}; every (from, to) pair not listed is refused.
EXPECTED: dict[str, dict[str, set[str]]] = {
    # Staff change the status: from any open status to another open status (NOVO is only the
    # opening), to RESOLVIDO or CANCELADO; a resolved ticket may be taken back. Never ENCERRADO
    # (the customer's confirmation or the automatic closing), never out of a final one. The
    # advisory's statuses (COM-PROPOSTA, SERV-ASSESSORIA) are entered and left only with the
    # proposal and the report (§8), never by the menu.
    "staff_action": {
        NOVO: {EA, MAN, AC, SERV, RES, CANC},
        EA: {MAN, AC, SERV, RES, CANC},
        MAN: {EA, AC, SERV, RES, CANC},
        AC: {EA, MAN, SERV, RES, CANC},
        SERV: {EA, MAN, AC, RES, CANC},
        RES: {EA},
    },
    "staff_reply": {NOVO: {EA}},
    "customer_reply": {AC: {EA}, RES: {EA}},
    "confirmation": {RES: {ENC}},
    # Not while a proposal waits or billed work runs: the approver refuses the proposal first.
    "withdrawal": {NOVO: {CANC}, EA: {CANC}, MAN: {CANC}, AC: {CANC}, SERV: {CANC}},
    "auto_close": {RES: {ENC}, AC: {ENC}},
    "reopen_approved": {ENC: {EA}},
    "proposal_drafted": {NOVO: {PROP}, EA: {PROP}, MAN: {PROP}},
    "proposal_accepted": {PROP: {ASS}},
    "proposal_refused": {PROP: {EA}},
    "proposal_withdrawn": {PROP: {EA}},
    "report_validated": {ASS: {EA}},
}

# reason → (who, the capability they need, whether it is a customer interaction, §7)
EXPECTED_RULES: dict[str, tuple[str, str | None, bool]] = {
    "staff_action": ("staff", "ticket.transition", False),
    "staff_reply": ("staff", "ticket.reply", False),
    "customer_reply": ("customer", "ticket.reply", True),
    "confirmation": ("customer", "ticket.confirm", True),
    "withdrawal": ("customer", "ticket.cancel", False),
    "auto_close": ("system", None, False),
    "reopen_approved": ("staff", "ticket.reopen_decide", False),
    "proposal_drafted": ("staff", "advisory.propose", False),
    "proposal_accepted": ("customer", "advisory.decide", False),
    "proposal_refused": ("customer", "advisory.decide", False),
    "proposal_withdrawn": ("staff", "advisory.propose", False),
    "report_validated": ("customer", "advisory.decide", False),
}


def test_every_reason_is_in_the_expected_table():
    assert {r.value for r in Reason} == set(EXPECTED) == set(EXPECTED_RULES)


@pytest.mark.parametrize("reason", sorted(EXPECTED))
@pytest.mark.parametrize("from_status", ALL)
@pytest.mark.parametrize("to_status", ALL)
def test_transition_matrix(reason, from_status, to_status):
    expected = to_status in EXPECTED[reason].get(from_status, set())
    assert workflow.is_allowed(reason, from_status, to_status) is expected


@pytest.mark.parametrize("reason", sorted(EXPECTED_RULES))
def test_who_may_move_for_each_reason(reason):
    rule = workflow.RULES[Reason(reason)]
    assert (rule.actor.value, rule.capability, rule.customer_interaction) == EXPECTED_RULES[reason]


# What each person may pick from a status menu (console, API, portal buttons), by status.
EXPECTED_MENUS: dict[str, dict[str, set[str]]] = {
    "staff": {s: EXPECTED["staff_action"].get(s, set()) for s in ALL},
    "customer": {
        NOVO: {CANC},
        EA: {CANC},
        MAN: {CANC},
        AC: {CANC},
        ASS: set(),  # §8: billed work under way
        PROP: set(),  # §8: an approver decides the proposal first
        SERV: {CANC},
        RES: {ENC},
        ENC: set(),
        CANC: set(),
    },
    "system": {s: set() for s in ALL},
}


@pytest.mark.parametrize("actor", ["staff", "customer", "system"])
@pytest.mark.parametrize("from_status", ALL)
def test_status_menus(actor, from_status):
    assert {s.value for s in workflow.menu_targets(ActorKind(actor), from_status)} == EXPECTED_MENUS[actor][from_status]


def test_the_reason_of_a_menu_choice():
    assert workflow.explicit_reason(ActorKind.CUSTOMER, RES, ENC) is Reason.CONFIRMATION
    assert workflow.explicit_reason(ActorKind.CUSTOMER, EA, CANC) is Reason.WITHDRAWAL
    assert workflow.explicit_reason(ActorKind.STAFF, EA, RES) is Reason.STAFF_ACTION
    # Neither can close a resolved ticket nor reopen a closed one from a menu.
    assert workflow.explicit_reason(ActorKind.STAFF, RES, ENC) is None
    assert workflow.explicit_reason(ActorKind.STAFF, ENC, EA) is None
    assert workflow.explicit_reason(ActorKind.CUSTOMER, ENC, EA) is None
