"""Demo of the service catalog and the suggestions (issue 10), loaded by `seed_demo` after the
demo world (idempotent): a published article the Problema form suggests when a customer types
"horas extras" (the deflection), an internal article it never suggests, and three improvement
suggestions at different stages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from servicedesk.accounts.models import Organization, User
from servicedesk.catalog.models import Module, Product
from servicedesk.core import clock
from servicedesk.knowledge import services as knowledge
from servicedesk.knowledge.models import Article, Category, Visibility
from servicedesk.suggestions import services as suggestions
from servicedesk.suggestions.models import Suggestion

DEFLECTION_TITLE = "Horas extras não aparecem no holerite"
DEFLECTION_SLUG = "horas-extras-nao-aparecem-no-holerite"
DEFLECTION_BODY = """\
Quando as **horas extras** lançadas no Ponto Eletrônico não aparecem no holerite, quase sempre
o período do ponto não foi fechado antes do cálculo da folha.

1. No Ponto Eletrônico, abra *Períodos* e feche o período do mês.
2. Em *Integração com a Folha*, clique em **Exportar eventos**.
3. Na Folha de Pagamento, recalcule a folha do mês.

Se as horas extras continuarem sem aparecer, abra um chamado com a captura de tela do holerite.
"""
INTERNAL_TITLE = "Horas extras: reprocessar a integração pelo banco (interno)"
INTERNAL_SLUG = "horas-extras-reprocessar-integracao-interno"

SUGGESTIONS = [
    # organization, author, module, title, description, moves: (status, reason)
    (
        "acme",
        "joana.acme",
        "Folha de Pagamento",
        "Exportar a folha de pagamento em CSV",
        "Queremos levar a folha calculada para o nosso BI sem redigitar: um botão de exportação em CSV.",
        [("em análise", "")],
    ),
    (
        "acme",
        "lucia.acme",
        "Férias",
        "Avisar por e-mail as férias prestes a vencer",
        "Um aviso 60 dias antes do fim do período concessivo evitaria pagamento em dobro.",
        [("em análise", ""), ("encaminhada", ""), ("planejada", "Prevista para a versão 12.2, no primeiro semestre.")],
    ),
    (
        "horizonte",
        "rafael.horizonte",
        "Holerite Online",
        "Holerite online em inglês",
        "Temos colaboradores estrangeiros que precisam do holerite em inglês.",
        [],
    ),
]


@dataclass(frozen=True)
class StoryLine:
    text: str


def _article(*, title, slug, body, visibility, category, product, analyst, manager, now) -> Article:
    found = Article.objects.filter(slug=slug).first()
    if found is not None:
        return found
    article = knowledge.article_create(
        actor=analyst,
        title=title,
        body=body,
        now=now,
        visibility=visibility,
        category=category,
        products=[product],
        slug=slug,
    )
    return knowledge.article_publish(article=article, actor=manager, now=now)


@transaction.atomic
def load_catalog_story(*, now: datetime | None = None) -> list[StoryLine]:
    now = now or clock.now()
    analyst = User.objects.get(username="ana.analista")
    manager = User.objects.get(username="gabriela.gestora")
    product = Product.objects.get(code="weconnect-rh")
    category, _ = Category.objects.get_or_create(slug="folha-de-pagamento", defaults={"name": "Folha de Pagamento"})
    _article(
        title=DEFLECTION_TITLE,
        slug=DEFLECTION_SLUG,
        body=DEFLECTION_BODY,
        visibility=Visibility.CUSTOMERS,
        category=category,
        product=product,
        analyst=analyst,
        manager=manager,
        now=now - timedelta(days=10),
    )
    _article(
        title=INTERNAL_TITLE,
        slug=INTERNAL_SLUG,
        body="Somente a equipe: reprocessar a tabela de eventos do ponto pelo banco de dados.",
        visibility=Visibility.INTERNAL,
        category=category,
        product=product,
        analyst=analyst,
        manager=manager,
        now=now - timedelta(days=10),
    )
    for index, (org_slug, author, module_name, title, description, moves) in enumerate(SUGGESTIONS):
        organization = Organization.objects.get(slug=org_slug)
        if Suggestion.objects.filter(organization=organization, title=title).exists():
            continue
        module = Module.objects.filter(name=module_name).select_related("product").first()
        at = now - timedelta(days=7 - index)
        suggestion = suggestions.suggestion_create(
            author=User.objects.get(username=author),
            product=module.product if module else product,
            module=module,
            title=title,
            description=description,
            now=at,
        )
        for step, (status, reason) in enumerate(moves, start=1):
            suggestions.suggestion_move(
                suggestion=suggestion, actor=analyst, to=status, reason=reason, now=at + timedelta(hours=step)
            )
    return [
        StoryLine(
            f'Abrir chamado → Problema: digite "horas extras" no título e veja o artigo "{DEFLECTION_TITLE}" sugerido.'
        ),
        StoryLine("Sugestões de melhoria: /sugestoes/ (portal) e /console/sugestoes/ (equipe)."),
    ]
