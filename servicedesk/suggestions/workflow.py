"""The life of an improvement suggestion (domain.md §10), as data. PURE: no Django.

    recebida ──▶ em análise ──▶ encaminhada à manutenção/produto ──▶ planejada
                     │                        │
                     └──────▶ recusada ◀──────┘

**(decision)** A suggestion is analysed before it is refused (recebida → recusada is not a
move); planejada and recusada are final. The reason of a refusal is required and shown to the
customer; a reason given with planejada is shown too; with the other moves it is a staff note
that no customer channel shows.
"""

from __future__ import annotations

from enum import StrEnum


class SuggestionStatus(StrEnum):
    RECEIVED = "recebida"  # the customer sent it; nobody has looked yet
    ANALYSIS = "em análise"  # staff are analysing it
    FORWARDED = "encaminhada"  # forwarded to the maintenance or product team
    PLANNED = "planejada"  # will be built (final)
    REFUSED = "recusada"  # will not be built, with the reason (final)


LABELS = {
    SuggestionStatus.RECEIVED: "Recebida",
    SuggestionStatus.ANALYSIS: "Em análise",
    SuggestionStatus.FORWARDED: "Encaminhada à manutenção/produto",
    SuggestionStatus.PLANNED: "Planejada",
    SuggestionStatus.REFUSED: "Recusada",
}

ALLOWED: dict[SuggestionStatus, frozenset[SuggestionStatus]] = {
    SuggestionStatus.RECEIVED: frozenset({SuggestionStatus.ANALYSIS}),
    SuggestionStatus.ANALYSIS: frozenset({SuggestionStatus.FORWARDED, SuggestionStatus.REFUSED}),
    SuggestionStatus.FORWARDED: frozenset({SuggestionStatus.PLANNED, SuggestionStatus.REFUSED}),
    SuggestionStatus.PLANNED: frozenset(),
    SuggestionStatus.REFUSED: frozenset(),
}

# The statuses whose reason the customer reads (page, API, e-mail).
PUBLIC_REASON = frozenset({SuggestionStatus.REFUSED, SuggestionStatus.PLANNED})
REASON_REQUIRED = frozenset({SuggestionStatus.REFUSED})


def may_move(source: str, target: str) -> bool:
    try:
        return SuggestionStatus(target) in ALLOWED[SuggestionStatus(source)]
    except ValueError:
        return False
