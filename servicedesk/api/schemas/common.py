"""Shared pieces: strict inputs, aware datetimes, people and names, problems, pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from django.conf import settings
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, PlainSerializer, WithJsonSchema, field_validator


def _local_iso(moment: datetime) -> str:
    """ISO 8601 with the Brasília offset (stored UTC, shown in America/Sao_Paulo)."""
    return moment.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).isoformat()


# Output instants: always with an offset.
DateTimeOut = Annotated[
    datetime,
    PlainSerializer(_local_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
# Input instants: a naive datetime is refused (422), never guessed. So is an instant no business
# calendar covers (the SLA calendar is built per year) or an offset no place on Earth uses
# (PostgreSQL refuses offsets beyond ±15:59, so such a value would otherwise reach it and fail).
INSTANT_YEARS = (1990, 2100)
MAX_OFFSET = timedelta(hours=14)
INSTANT_OUT_OF_RANGE = f"Informe um instante entre {INSTANT_YEARS[0]} e {INSTANT_YEARS[1]}."
OFFSET_OUT_OF_RANGE = "Fuso horário inválido: o deslocamento deve ficar entre -14:00 e +14:00."


def _sensible_instant(moment: datetime) -> datetime:
    offset = moment.utcoffset()
    if offset is None or abs(offset) > MAX_OFFSET:
        raise ValueError(OFFSET_OUT_OF_RANGE)
    if not INSTANT_YEARS[0] <= moment.year <= INSTANT_YEARS[1]:
        raise ValueError(INSTANT_OUT_OF_RANGE)
    return moment.astimezone(UTC)


DateTimeIn = Annotated[AwareDatetime, AfterValidator(_sensible_instant)]


MAX_ID = 2**63 - 1  # ids beyond a bigint cannot exist: refuse them as input errors
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
TEXT_INVALID = "Texto inválido: contém caracteres nulos ou não representáveis em UTF-8."


def _clean_text(value):
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(TEXT_INVALID)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(TEXT_INVALID) from None
    return value


class CleanIn(Schema):
    """Input whose texts the database can store (no NUL, valid UTF-8)."""

    @field_validator("*", mode="after")
    @classmethod
    def _texts(cls, value):
        if isinstance(value, list):
            return [_clean_text(v) for v in value]
        return _clean_text(value)


class StrictIn(CleanIn):
    """Request bodies refuse unknown fields (a typo or a field the caller may not set is an error)."""

    model_config = ConfigDict(extra="forbid")


class FieldError(Schema):
    field: str
    reason: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = Field(..., examples=["/api/v1/problems/validation"])
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class Ref(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str
    is_staff: bool


def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.username, "is_staff": user.is_support_staff}


def ref(obj, name_attr: str = "name") -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": getattr(obj, name_attr)}


ERROR_CODES = (400, 401, 403, 404, 409, 422, 429)
ERRORS: dict[int, type[Problem]] = dict.fromkeys(ERROR_CODES, Problem)


def responses(ok: dict) -> dict:
    """The success responses of an operation plus every problem it may return."""
    return {**ok, **ERRORS}
