"""The caller, the business calendar, the product catalog and the SLA plans."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from ninja import Query, Router

from servicedesk.accounts.permissions import ROLE_CAPABILITIES, effective_role
from servicedesk.api import selectors
from servicedesk.api.schemas.common import responses
from servicedesk.api.schemas.reference import (
    BusinessTimeOut,
    BusinessTimeQuery,
    ElapsedOut,
    ElapsedQuery,
    MeOut,
    PlanOut,
    ProductOut,
)
from servicedesk.core import clock
from servicedesk.sla.adapters import default_calendar_row, engine_calendar

router = Router()


@router.get("/me", response=responses({200: MeOut}), operation_id="me", summary="Quem sou eu", tags=["Conta"])
def me(request: HttpRequest):
    user = request.auth
    organization = user.organization
    token = getattr(request, "api_token", None)
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "email": user.email,
        "role": user.role,
        "is_staff": user.is_support_staff,
        "is_approver": user.is_approver,
        "organization": None
        if organization is None
        else {
            "id": organization.pk,
            "slug": organization.slug,
            "name": organization.name,
            "plan": organization.plan.code,
            "hosting_mode": organization.hosting_mode,
        },
        "capabilities": sorted(ROLE_CAPABILITIES.get(effective_role(user) or "", ())),
        "token": None
        if token is None
        else {"id": token.pk, "name": token.name, "prefix": token.prefix, "scope": token.scope},
    }


@router.get(
    "/calendar/business-time",
    response=responses({200: BusinessTimeOut}),
    operation_id="calendar_business_time",
    summary="Somar horas úteis",
    tags=["Calendário"],
)
def calendar_business_time(request: HttpRequest, query: Query[BusinessTimeQuery]):
    """O instante em que `hours` horas úteis terão passado desde `start`, no calendário padrão."""
    row = default_calendar_row()
    due_at = engine_calendar(row).add(query.start, timedelta(hours=query.hours))
    return {"start": query.start, "hours": query.hours, "due_at": due_at, "calendar": row.name}


@router.get(
    "/calendar/elapsed",
    response=responses({200: ElapsedOut}),
    operation_id="calendar_elapsed",
    summary="Tempo útil entre dois instantes",
    tags=["Calendário"],
)
def calendar_elapsed(request: HttpRequest, query: Query[ElapsedQuery]):
    """Horas úteis de `start` a `end`; negativo quando `end` é anterior a `start` (quanto passou do prazo)."""
    row = default_calendar_row()
    elapsed = engine_calendar(row).elapsed(query.start, query.end)
    seconds = int(elapsed.total_seconds())
    return {
        "start": query.start,
        "end": query.end,
        "business_seconds": seconds,
        "business_hours": seconds / 3600,
        "calendar": row.name,
    }


@router.get(
    "/catalog/products",
    response=responses({200: list[ProductOut]}),
    operation_id="catalog_products",
    summary="Produtos, módulos e versões",
    tags=["Catálogo"],
)
def catalog_products(request: HttpRequest):
    """Produtos (cliente: os licenciados pela organização), módulos e versões, com as suportadas marcadas."""
    return selectors.product_list_for(request.auth)


@router.get(
    "/plans", response=responses({200: list[PlanOut]}), operation_id="plans", summary="Planos de SLA", tags=["SLA"]
)
def plans(request: HttpRequest):
    """Planos de SLA e as metas em vigor (horas úteis; um dia útil = 8 horas úteis)."""
    return selectors.plan_list_for(request.auth, now=clock.now())
