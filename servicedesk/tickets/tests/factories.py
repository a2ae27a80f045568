"""factory_boy factories for the ticket lifecycle tests (and the background-work tests).

Plans and the default calendar come from the seed migration (sla 0002); factories reuse them.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from servicedesk.accounts.models import HostingMode, Organization, Role, Team, TeamKind, TrainingRecord, User
from servicedesk.catalog.models import Module, Product, Release
from servicedesk.sla.models import Plan

SP = ZoneInfo("America/Sao_Paulo")


def sp(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware instant in Brasília time (tests never read the wall clock)."""
    return datetime(year, month, day, hour, minute, tzinfo=SP)


# Tuesday 2026-12-01 10:00 -03:00: a business day, inside the morning window.
T0 = sp(2026, 12, 1, 10)


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 210, 220)).save(buffer, format="PNG")
    return buffer.getvalue()


def stored_files(settings) -> list[str]:
    """Every file under MEDIA_ROOT, relative and sorted (the "nothing half-saved" checks)."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def png_upload(name: str = "tela.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"produto-{n}")
    name = factory.Sequence(lambda n: f"Produto {n}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Módulo {n}")


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release

    product = factory.SubFactory(ProductFactory)
    version = factory.Sequence(lambda n: f"1.0.{n}")
    released_on = date(2026, 1, 1)
    published_at = datetime(2026, 1, 1, 15, tzinfo=UTC)  # out (a planned release: published_at=None)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Equipe {n}")
    kind = TeamKind.SUPPORT


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cliente {n} Ltda.")
    slug = factory.Sequence(lambda n: f"cliente-{n}")
    plan = factory.LazyFunction(lambda: Plan.objects.get(code="STARTER"))
    hosting_mode = HostingMode.ON_PREMISE
    support_team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.licensed_products.set(extracted)


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer user; trained (valid record) unless `trained=False`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"cliente{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@cliente.example")
    first_name = "Cliente"
    role = Role.CUSTOMER
    organization = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def trained(self, create, extracted, **kwargs):
        if create and extracted is not False:
            TrainingRecord.objects.create(
                user=self, course="Formação WeConnect RH", completed_on=date(2026, 1, 10), expires_on=None
            )


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"analista{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@weconnect.example")
    first_name = "Analista"
    role = Role.ANALYST
    organization = None

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            for team in extracted:
                team.members.add(self)
