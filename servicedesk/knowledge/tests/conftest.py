"""A small knowledge base: two products, organizations licensing one or none, and a fixed set of
articles whose words the search table test was worked out against by hand."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from servicedesk.accounts.models import Role
from servicedesk.knowledge import services
from servicedesk.knowledge.models import Article, Category, Visibility
from servicedesk.tickets.tests.factories import (
    T0,
    CustomerFactory,
    OrganizationFactory,
    ProductFactory,
    StaffFactory,
)


@dataclass
class Kb:
    folha: object
    ponto: object
    customer: object  # its organization licenses Folha
    ponto_customer: object  # its organization licenses Ponto only
    unlicensed: object  # its organization licenses nothing
    analyst: object
    manager: object
    category: Category

    def article(self, title: str, body: str = "Conteúdo.", *, visibility=Visibility.PUBLIC, products=(), publish=True):
        article = services.article_create(
            actor=self.analyst,
            title=title,
            body=body,
            now=T0,
            visibility=visibility,
            category=self.category,
            products=products or [self.folha],
        )
        if publish:
            article = services.article_publish(article=article, actor=self.manager, now=T0)
        return article


@pytest.fixture
def kb(db) -> Kb:
    folha = ProductFactory(code="folha", name="Folha de Pagamento")
    ponto = ProductFactory(code="ponto", name="Ponto Eletrônico")
    return Kb(
        folha=folha,
        ponto=ponto,
        customer=CustomerFactory(organization=OrganizationFactory(products=[folha])),
        ponto_customer=CustomerFactory(organization=OrganizationFactory(products=[ponto])),
        unlicensed=CustomerFactory(organization=OrganizationFactory()),
        analyst=StaffFactory(role=Role.ANALYST),
        manager=StaffFactory(role=Role.MANAGER),
        category=Category.objects.create(name="Cálculos", slug="calculos"),
    )


# The fixed articles of the search table test (key → title, body).
CORPUS = {
    "ferias": ("Cálculo de férias", "Como o sistema calcula as férias proporcionais e o terço constitucional."),
    "rescisao": ("Rescisão de contrato", "Os cálculos da rescisão incluem aviso prévio e as férias vencidas."),
    "configuracoes": (
        "Configurações de impressão",
        "Ajuste as impressões dos recibos e as configurações da impressora.",
    ),
    "esocial": ("Eventos do eSocial", "Envio dos eventos periódicos e das informações fiscais ao eSocial."),
    "cidadao": ("Cadastro do cidadão", "Os cidadãos estrangeiros precisam do documento de identidade."),
    "senha": ("Trocar a senha", "Para trocar a senha do usuário, abra o menu e escolha Segurança."),
}


def load_corpus(kb: Kb) -> dict[str, Article]:
    return {key: kb.article(title, body) for key, (title, body) in CORPUS.items()}
