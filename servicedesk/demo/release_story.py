"""Demo of release awareness (issue 11), loaded by `seed_demo` after the demo world (idempotent):
the demo releases whose launch date has come are published (as the catalog migration does for an
existing database); a Problema of Acme and one of Horizonte on the Portal do Colaborador are
fixed in the patch 5.4.2, which maintenance (marcos.manutencao) publishes — so the portal shows
"Corrigido na versão 5.4.2 (publicada em …)", the requester and the approvers have the e-mail
(var/mail/), and /console/relatorios/versoes/ lists both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from servicedesk.accounts.models import User
from servicedesk.catalog.models import Module, Release
from servicedesk.core import clock
from servicedesk.demo.data import demo_screenshot_png
from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket

FIX_VERSION = "5.4.2"
PROBLEMS = [
    # requester, title, description
    (
        "joana.acme",
        "Holerite online não mostra o adicional noturno",
        "No holerite online de novembro o adicional noturno não aparece, embora esteja na folha calculada.",
    ),
    (
        "rafael.horizonte",
        "Holerite online em branco ao abrir pelo celular",
        "Colaboradores que abrem o holerite pelo celular veem a página em branco desde a versão 5.4.1.",
    ),
]


@dataclass(frozen=True)
class StoryLine:
    text: str


@transaction.atomic
def load_release_story(*, now: datetime | None = None) -> list[StoryLine]:
    now = now or clock.now()
    admin = User.objects.get(username="admin")
    maintenance = User.objects.get(username="marcos.manutencao")
    for release in Release.objects.filter(published_at__isnull=True, released_on__lte=now.date()):
        services.release_publish(release=release, actor=admin, now=now - timedelta(days=30))
    module = Module.objects.select_related("product").get(product__code="weconnect-portal", name="Holerite Online")
    reported = Release.objects.get(product=module.product, version="5.4.1")
    fix, _ = Release.objects.get_or_create(
        product=module.product, version=FIX_VERSION, defaults={"released_on": date(now.year, now.month, 1)}
    )
    for index, (username, title, description) in enumerate(PROBLEMS):
        requester = User.objects.get(username=username)
        ticket = Ticket.objects.filter(organization=requester.organization, title=title).first()
        if ticket is None:
            ticket = services.ticket_open(
                requester=requester,
                type="Problema",
                severity="Normal",
                environment="produção",
                module=module,
                release=reported,
                title=title,
                description=description,
                files=[SimpleUploadedFile("holerite.png", demo_screenshot_png(), content_type="image/png")],
                now=now - timedelta(days=6 - index),
            )
        if ticket.fixed_in_id is None:
            services.ticket_fix_link(ticket=ticket, release_id=fix.pk, actor=maintenance, now=now - timedelta(days=3))
    if fix.published_at is None:
        services.release_publish(release=fix, actor=maintenance, now=now - timedelta(days=1))
    return [
        StoryLine(
            f"Versão {module.product.name} {FIX_VERSION} publicada: joana.acme e rafael.horizonte veem "
            f'"Corrigido na versão {FIX_VERSION}" nos chamados do Holerite Online; gestores em /console/relatorios/versoes/.'
        ),
    ]
