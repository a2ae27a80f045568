"""The caller, uploads, the business calendar, the catalog and the SLA plans."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field

from servicedesk.api.schemas.common import DateTimeIn, DateTimeOut


class OrganizationOut(Schema):
    id: int
    slug: str
    name: str
    plan: str
    hosting_mode: str


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    scope: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str
    is_staff: bool
    is_approver: bool
    organization: OrganizationOut | None
    capabilities: list[str]
    token: TokenInfo | None = Field(..., description="O token usado nesta requisição (null na sessão do navegador).")


class UploadOut(Schema):
    id: int = Field(..., description="Passe em “attachments” de POST /tickets ou POST /tickets/{number}/comments.")
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: DateTimeOut


class BusinessTimeQuery(Schema):
    start: DateTimeIn
    hours: float = Field(..., ge=0, le=20000, description="Horas úteis a somar.")


class BusinessTimeOut(Schema):
    start: DateTimeOut
    hours: float
    due_at: DateTimeOut
    calendar: str


class ElapsedQuery(Schema):
    start: DateTimeIn
    end: DateTimeIn


class ElapsedOut(Schema):
    start: DateTimeOut
    end: DateTimeOut
    business_seconds: int
    business_hours: float
    calendar: str


class ModuleOut(Schema):
    id: int
    name: str


class ReleaseOut(Schema):
    id: int
    version: str
    released_on: date
    supported: bool = Field(..., description="A última versão do produto ou o patch anterior (atendimento coberto).")


class ProductOut(Schema):
    id: int
    code: str
    name: str
    licensed: bool = Field(..., description="A organização do usuário licencia o produto (sempre true para clientes).")
    modules: list[ModuleOut]
    releases: list[ReleaseOut]


class TargetOut(Schema):
    severity: str
    diagnosis_hours: float
    solution_hours: float
    solution_business_days: float


class PlanOut(Schema):
    code: str
    name: str
    description: str
    current: bool = Field(..., description="O plano da organização do usuário.")
    targets: list[TargetOut]
