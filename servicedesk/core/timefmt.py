"""Brasília time for people: store UTC, show `DISPLAY_TIME_ZONE` (America/Sao_Paulo)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings


def display_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "DISPLAY_TIME_ZONE", "America/Sao_Paulo"))


def brasilia(value: datetime | date | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """An aware datetime in Brasília time as "dd/mm/aaaa HH:MM" ("" for None; a date as dd/mm/aaaa)."""
    if not value:
        return ""
    if not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return value.astimezone(display_zone()).strftime(fmt)


# The months' names in pt-BR (lower case, as in "folha de dezembro"; capitalise for a title).
MONTH_NAMES = (
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
)
