"""Improvement suggestions (domain.md §10): who records them, the workflow (only its moves,
a refusal needs its reason), the history with who and when, the author's e-mail, and isolation."""

from __future__ import annotations

import pytest
from django.core import mail

from servicedesk.core.errors import Conflict, DomainError, NotAllowed, NotFound
from servicedesk.suggestions import services
from servicedesk.suggestions.access import access_suggestion, suggestion_queryset_for
from servicedesk.suggestions.models import Suggestion, SuggestionEvent
from servicedesk.suggestions.notifications import status_email_send
from servicedesk.suggestions.selectors import public_reason, suggestion_history
from servicedesk.suggestions.workflow import ALLOWED, SuggestionStatus, may_move
from servicedesk.tickets.tests.conftest import world  # noqa: F401
from servicedesk.tickets.tests.factories import T0, ModuleFactory, ProductFactory

pytestmark = pytest.mark.django_db
S = SuggestionStatus


def suggest(world, **kwargs):  # noqa: F811
    params = {
        "author": world.customer,
        "product": world.product,
        "module": world.module,
        "title": "Exportar a folha em CSV",
        "description": "Queremos exportar a folha de pagamento em CSV para o BI.",
        "now": T0,
    }
    params.update(kwargs)
    return services.suggestion_create(**params)


def test_the_workflow_table_written_out():
    assert {source: set(targets) for source, targets in ALLOWED.items()} == {
        S.RECEIVED: {S.ANALYSIS},
        S.ANALYSIS: {S.FORWARDED, S.REFUSED},
        S.FORWARDED: {S.PLANNED, S.REFUSED},
        S.PLANNED: set(),
        S.REFUSED: set(),
    }
    assert not may_move("recebida", "recusada")
    assert not may_move("recebida", "inventada")


def test_a_customer_records_a_suggestion_for_the_organization(world):  # noqa: F811
    ticket = world.open_question()
    suggestion = suggest(world, title="  Exportar a folha\n em CSV ", tickets=[ticket])
    assert suggestion.organization == world.org and suggestion.status == S.RECEIVED
    assert suggestion.title == "Exportar a folha em CSV"
    assert list(suggestion.tickets.all()) == [ticket]
    event = SuggestionEvent.objects.get(suggestion=suggestion)
    assert (event.from_status, event.to_status, event.actor, event.at) == ("", S.RECEIVED, world.customer, T0)


def test_an_untrained_customer_may_suggest_but_staff_may_not(world):  # noqa: F811
    assert suggest(world, author=world.untrained).author == world.untrained
    with pytest.raises(NotAllowed):
        suggest(world, author=world.analyst)


def test_a_refused_creation_reports_every_field_and_writes_nothing(world):  # noqa: F811
    other = ProductFactory(code="ponto")
    with pytest.raises(DomainError) as refused:
        suggest(world, product=other, title=" ", description="")
    assert refused.value.fields == {
        "product": services.PRODUCT_NOT_LICENSED,
        "module": services.MODULE_OTHER_PRODUCT,
        "title": services.TITLE_REQUIRED,
        "description": services.DESCRIPTION_REQUIRED,
    }
    with pytest.raises(DomainError) as foreign:
        suggest(world, tickets=[world.open_question(requester=world.other_customer)])
    assert foreign.value.fields == {"tickets": services.TICKET_NOT_FOUND}
    with pytest.raises(DomainError) as long_title:
        suggest(world, title="x" * 201, module=ModuleFactory(product=world.product))
    assert long_title.value.fields == {"title": services.TITLE_TOO_LONG}
    assert not Suggestion.objects.exists() and not SuggestionEvent.objects.exists()


def test_staff_move_it_along_the_workflow_with_history(world, django_capture_on_commit_callbacks):  # noqa: F811
    suggestion = suggest(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=S.ANALYSIS, now=T0, reason="nota")
        services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=S.FORWARDED, now=T0)
        moved = services.suggestion_move(
            suggestion=suggestion, actor=world.manager, to=S.PLANNED, now=T0, reason="Na versão 12.2."
        )
    assert moved.status == S.PLANNED and moved.reason == "Na versão 12.2."
    rows = [(e.from_status, e.to_status, e.actor.username) for e in suggestion.events.order_by("id")]
    assert rows == [
        ("", "recebida", "joana"),
        ("recebida", "em análise", "ana"),
        ("em análise", "encaminhada", "ana"),
        ("encaminhada", "planejada", "gabriela"),
    ]
    # Three e-mails to the author, in pt-BR with the portal's link; the staff note of the first
    # move is not in them, the reason of the planning is.
    assert [m.to for m in mail.outbox] == [["joana@cliente.example"]] * 3
    assert mail.outbox[0].subject == f"Sua sugestão de melhoria #{suggestion.pk} agora está: Em análise"
    assert "nota" not in mail.outbox[0].body
    assert f"/sugestoes/{suggestion.pk}/" in mail.outbox[2].body
    assert "Na versão 12.2." in mail.outbox[2].body
    assert all(e.notified_at for e in suggestion.events.exclude(from_status=""))


def test_the_e_mail_goes_once(world, django_capture_on_commit_callbacks):  # noqa: F811
    suggestion = suggest(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=S.ANALYSIS, now=T0)
    event = suggestion.events.get(to_status=S.ANALYSIS)
    assert status_email_send(event_id=event.pk) is False
    assert len(mail.outbox) == 1


def test_a_refusal_needs_its_reason_and_a_move_off_the_table_changes_nothing(world):  # noqa: F811
    suggestion = suggest(world)
    with pytest.raises(Conflict):
        services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=S.REFUSED, now=T0, reason="x")
    services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=S.ANALYSIS, now=T0)
    with pytest.raises(DomainError) as refused:
        services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=S.REFUSED, now=T0, reason="  ")
    assert refused.value.fields == {"reason": services.REASON_REQUIRED_MESSAGE}
    with pytest.raises(DomainError):
        services.suggestion_move(suggestion=suggestion, actor=world.analyst, to="arquivada", now=T0)
    with pytest.raises(Conflict):
        services.suggestion_move(
            suggestion=suggestion, actor=world.analyst, to=S.FORWARDED, now=T0, expected_status=S.RECEIVED
        )
    with pytest.raises(NotAllowed):
        services.suggestion_move(suggestion=suggestion, actor=world.customer, to=S.FORWARDED, now=T0)
    suggestion.refresh_from_db()
    assert suggestion.status == S.ANALYSIS and suggestion.events.count() == 2
    services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=S.REFUSED, now=T0, reason="Fora do escopo")
    with pytest.raises(Conflict):
        services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=S.PLANNED, now=T0)


def test_customers_read_their_organization_only_and_not_staff_notes(world):  # noqa: F811
    suggestion = suggest(world)
    services.suggestion_move(suggestion=suggestion, actor=world.analyst, to=S.ANALYSIS, now=T0, reason="nota interna")
    assert access_suggestion(world.untrained, suggestion.pk) == suggestion  # a colleague
    for outsider in (world.other_customer, None):
        with pytest.raises(NotFound):
            access_suggestion(outsider, suggestion.pk)
        assert not suggestion_queryset_for(outsider).exists()
    assert access_suggestion(world.analyst, suggestion.pk) == suggestion
    for bad in ("x", 0, -1, 2**63):
        with pytest.raises(NotFound):
            access_suggestion(world.analyst, bad)
    suggestion.refresh_from_db()
    history = suggestion_history(suggestion, world.customer)
    assert [row["reason"] for row in history] == ["", ""]
    assert history[1]["actor_name"] == "Equipe WeConnect"
    assert suggestion_history(suggestion, world.analyst)[1]["reason"] == "nota interna"
    assert public_reason(suggestion, world.customer) == ""


def test_staff_link_only_tickets_of_the_suggestion_s_organization(world):  # noqa: F811
    suggestion = suggest(world)
    ours = world.open_question()
    services.suggestion_link_ticket(suggestion=suggestion, ticket=ours, actor=world.analyst)
    with pytest.raises(DomainError):
        services.suggestion_link_ticket(
            suggestion=suggestion, ticket=world.open_question(requester=world.other_customer), actor=world.analyst
        )
    with pytest.raises(NotAllowed):
        services.suggestion_link_ticket(suggestion=suggestion, ticket=ours, actor=world.customer)
    assert list(suggestion.tickets.all()) == [ours]
