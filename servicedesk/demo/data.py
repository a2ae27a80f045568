"""Demo data for `make run`: idempotent (running it twice changes nothing)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from servicedesk.accounts.models import OperationalDeadline, Organization, Role, Team, TeamKind, TrainingRecord, User
from servicedesk.advisory.models import PriceItem, PriceUnit
from servicedesk.catalog.models import Module, Product, Release
from servicedesk.core import clock
from servicedesk.sla.models import Plan
from servicedesk.tickets import services
from servicedesk.tickets.counters import counters_rebuild

DEMO_PASSWORD = "weconnect-demo"


def demo_screenshot_png() -> bytes:
    """A small PNG: enough evidence for a demo Problema."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (230, 236, 245)).save(buffer, format="PNG")
    return buffer.getvalue()


PRODUCTS = {
    "weconnect-rh": (
        "WeConnect RH",
        ["Folha de Pagamento", "Ponto Eletrônico", "Férias", "eSocial", "Benefícios"],
        ["12.0.0", "12.1.0", "12.1.1"],
    ),
    "weconnect-portal": ("Portal do Colaborador", ["Autoatendimento", "Holerite Online"], ["5.3.0", "5.4.0", "5.4.1"]),
}

STAFF = [
    # username, first, last, role, teams, managed teams
    ("ana.analista", "Ana", "Souza", Role.ANALYST, ["Suporte RH — Equipe A"], []),
    ("bruno.analista", "Bruno", "Lima", Role.ANALYST, ["Suporte RH — Equipe A"], []),
    ("carla.analista", "Carla", "Mendes", Role.ANALYST, ["Suporte RH — Equipe B"], []),
    ("diego.analista", "Diego", "Rocha", Role.ANALYST, ["Suporte RH — Equipe B"], []),
    ("marcos.manutencao", "Marcos", "Teixeira", Role.MAINTENANCE, ["Manutenção"], []),
    ("carol.comercial", "Carolina", "Prado", Role.COMMERCIAL, ["Comercial", "Treinamento"], []),
    ("gabriela.gestora", "Gabriela", "Nunes", Role.MANAGER, [], ["Suporte RH — Equipe A", "Suporte RH — Equipe B"]),
    ("admin", "Administrador", "WeConnect", Role.ADMIN, [], []),
]
TEAMS = [
    ("Suporte RH — Equipe A", TeamKind.SUPPORT),
    ("Suporte RH — Equipe B", TeamKind.SUPPORT),
    ("Manutenção", TeamKind.MAINTENANCE),
    ("Comercial", TeamKind.COMMERCIAL),
    ("Treinamento", TeamKind.TRAINING),
]
ORGANIZATIONS = [
    # slug, name, plan, hosting, support team, users: (username, first, last, trained, approver)
    (
        "acme",
        "Acme Alimentos S.A.",
        "STARTER",
        "on_premise",
        "Suporte RH — Equipe A",
        [
            ("joana.acme", "Joana", "Ferreira", True, False),
            ("pedro.acme", "Pedro", "Alves", False, False),
            ("lucia.acme", "Lúcia", "Barros", True, True),
        ],
    ),
    (
        "horizonte",
        "Banco Horizonte",
        "PREMIUM",
        "cloud",
        "Suporte RH — Equipe B",
        [
            ("rafael.horizonte", "Rafael", "Costa", True, False),
            ("sofia.horizonte", "Sofia", "Martins", False, False),
            ("helena.horizonte", "Helena", "Duarte", True, True),
        ],
    ),
]


# The price list "Serviços e Valores" (domain.md §8): code, description, unit, price (R$), valid from.
PRICE_LIST = [
    ("ASS-REMOTA", "Assessoria técnica remota", PriceUnit.REMOTE_HOUR, Decimal("180.00")),
    ("ASS-PRESENCIAL", "Assessoria técnica presencial", PriceUnit.ON_SITE_HOUR, Decimal("150.00")),
    ("TREIN-TURMA", "Treinamento in company (turma)", PriceUnit.SERVICE, Decimal("3200.00")),
    ("IMPL-ESOCIAL", "Implantação do eSocial", PriceUnit.SERVICE, Decimal("2500.00")),
]
PRICE_LIST_FROM = date(2026, 1, 1)


def load_price_list() -> list[PriceItem]:
    """The demo's price list, valid from 2026-01-01 (idempotent: a row edited in the back office
    keeps its edit). Not part of `load_demo_data`, whose world the tests share: the advisory
    tests type their own prices (advisory.tests.helpers.price_list)."""
    return [
        PriceItem.objects.get_or_create(
            code=code,
            valid_from=PRICE_LIST_FROM,
            defaults={"description": description, "unit": unit, "price": price},
        )[0]
        for code, description, unit, price in PRICE_LIST
    ]


def demo_approvers() -> list[User]:
    """The customer approvers of the demo organizations (they decide proposals and reports)."""
    slugs = [slug for slug, *_ in ORGANIZATIONS]
    return list(
        User.objects.filter(organization__slug__in=slugs, role=Role.CUSTOMER, is_approver=True, is_active=True)
        .select_related("organization")
        .order_by("organization__slug", "username")
    )


def _user(
    username: str, first: str, last: str, role: str, organization: Organization | None = None, approver: bool = False
) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.weconnect.example",
            "role": role,
            "organization": organization,
            "is_approver": approver,
            "is_staff": role == Role.ADMIN,
            "is_superuser": role == Role.ADMIN,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo_data() -> list[tuple[str, str]]:
    """Create the demo catalog, teams, people and a few tickets. Returns (login, description) rows."""
    logins: list[tuple[str, str]] = []
    products = {}
    for code, (name, modules, versions) in PRODUCTS.items():
        product, _ = Product.objects.get_or_create(code=code, defaults={"name": name})
        products[code] = product
        for module in modules:
            Module.objects.get_or_create(product=product, name=module)
        for index, version in enumerate(versions):
            released_on = date(2026, 1, 15) + timedelta(days=90 * index)
            Release.objects.get_or_create(
                product=product,
                version=version,
                # Launched releases are out (published at noon, Brasília, of their launch day).
                defaults={"released_on": released_on, "published_at": datetime.combine(released_on, time(15), UTC)},
            )
    teams = {name: Team.objects.get_or_create(name=name, defaults={"kind": kind})[0] for name, kind in TEAMS}
    for username, first, last, role, member_of, manages in STAFF:
        user = _user(username, first, last, role)
        for team in member_of:
            teams[team].members.add(user)
        for team in manages:
            teams[team].managers.add(user)
        logins.append(
            (
                username,
                f"{Role(role).label}" + (f" — {', '.join(member_of or manages)}" if member_of or manages else ""),
            )
        )

    today = clock.now().date()
    for slug, name, plan_code, hosting, team_name, people in ORGANIZATIONS:
        organization, created = Organization.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "plan": Plan.objects.get(code=plan_code),
                "hosting_mode": hosting,
                "support_team": teams[team_name],
            },
        )
        if created:
            organization.licensed_products.set(products.values())
            if hosting == "cloud":
                organization.cloud_release = Release.objects.get(product=products["weconnect-rh"], version="12.1.1")
                organization.remote_access_authorized = True
                organization.remote_access_sql = True
                organization.remote_access_authorized_by = "Helena Duarte (TI)"
                organization.remote_access_until = today + timedelta(days=180)
                organization.save()
            OperationalDeadline.objects.create(
                organization=organization, process="Fechamento da folha", day_of_month=25
            )
            OperationalDeadline.objects.create(organization=organization, process="Envio do eSocial", day_of_month=15)
        for username, first, last, trained, approver in people:
            user = _user(username, first, last, Role.CUSTOMER, organization, approver)
            if trained and not user.trainings.exists():
                TrainingRecord.objects.create(
                    user=user,
                    course="Formação WeConnect RH",
                    product=products["weconnect-rh"],
                    completed_on=today - timedelta(days=200),
                    expires_on=today + timedelta(days=530),
                )
            state = "treinado" if trained else "NÃO treinado"
            logins.append((username, f"{name} ({plan_code}) — cliente {state}" + (", aprovador" if approver else "")))
        _ensure_an_approver(organization, people)
        if created:
            _demo_tickets(organization)
    # Exact already when the tickets came through the services; this repairs a database that
    # predates the counters (or was filled in bulk), and is idempotent.
    counters_rebuild()
    return logins


def _ensure_an_approver(organization: Organization, people) -> None:
    """Every demo organization has an approver (domain.md §8: nothing is billed without one). A
    database seeded before that flag existed gets it on the person the table names."""
    if organization.users.filter(role=Role.CUSTOMER, is_approver=True, is_active=True).exists():
        return
    named = [username for username, *_, approver in people if approver]
    User.objects.filter(organization=organization, username__in=named).update(is_approver=True)


def _demo_tickets(organization: Organization) -> None:
    requester = organization.users.filter(trainings__isnull=False, is_approver=False).first()
    module = Module.objects.get(product__code="weconnect-rh", name="Folha de Pagamento")
    now = clock.now()
    services.ticket_open(
        requester=requester,
        type="Problema",
        severity="Alta",
        environment="produção",
        module=module,
        release=Release.objects.get(product=module.product, version="12.1.1"),
        title="Cálculo da folha não considera horas extras de novembro",
        description="Ao calcular a folha de novembro, os eventos de horas extras 50% lançados no ponto não aparecem no holerite.",
        files=[SimpleUploadedFile("holerite.png", demo_screenshot_png(), content_type="image/png")],
        now=now - timedelta(hours=30),
    )
    services.ticket_open(
        requester=requester,
        type="Dúvida",
        severity=None,
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="Férias"),
        title="Como programar férias coletivas?",
        description="Precisamos programar férias coletivas para dezembro.",
        now=now - timedelta(hours=5),
    )
