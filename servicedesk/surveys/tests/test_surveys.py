"""Satisfaction surveys: one e-mail when a ticket closes (confirmed or automatic), a GET never
changes anything, one answer per ticket, the requester only through the API, low ratings tell the
team's managers, and the figures per analyst in the reports."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from servicedesk.core import clock
from servicedesk.reports.dashboard import satisfaction
from servicedesk.reports.selectors import Period
from servicedesk.surveys.models import SatisfactionSurvey
from servicedesk.surveys.services import surveys_send_due
from servicedesk.tickets import services
from servicedesk.tickets.tests.conftest import World, world  # noqa: F401
from servicedesk.tickets.tests.factories import T0, CustomerFactory, StaffFactory, sp

H = timedelta(hours=1)


def _closed(world, *, confirm=True):  # noqa: F811
    ticket = world.open_problem(severity="Alta")
    services.ticket_assign(ticket=ticket, actor=world.manager, now=T0, assignee=world.analyst)
    ticket = services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + H, note="Feito.")
    if confirm:
        services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=T0 + 2 * H)
    else:  # 16 business hours in RESOLVIDO: closed automatically on Thursday 11:00
        services.ticket_auto_close(ticket_id=ticket.pk, now=sp(2026, 12, 3, 12))
    ticket.refresh_from_db()
    assert ticket.status == "ENCERRADO"
    return ticket


def _link(mail) -> str:
    return re.search(r"https?://[^/\s]+(/pesquisa/[^\s]+/)", mail.body).group(1)


@pytest.mark.parametrize("confirm", [True, False], ids=["confirmed", "automatic"])
def test_one_email_on_closing_and_the_answer(world, client, mailoutbox, confirm):  # noqa: F811
    ticket = _closed(world, confirm=confirm)
    mailoutbox.clear()
    assert surveys_send_due(now=sp(2026, 12, 4, 9)) == 1
    assert surveys_send_due(now=sp(2026, 12, 4, 9, 1)) == 0  # once
    (mail,) = mailoutbox
    assert mail.to == [world.customer.email] and f"#{ticket.pk}" in mail.subject
    link = _link(mail)
    page = client.get(link)
    assert page.status_code == 200 and b'id="survey-form"' in page.content
    assert SatisfactionSurvey.objects.get().answered_at is None  # a GET changes nothing
    answered = client.post(link, {"rating": "5", "comment": "Ótimo atendimento."})
    assert answered.status_code == 200 and "Obrigado! Sua avaliação foi registrada." in answered.content.decode()
    survey = SatisfactionSurvey.objects.get()
    assert (survey.rating, survey.comment, survey.analyst_id) == (5, "Ótimo atendimento.", world.analyst.pk)
    again = client.post(link, {"rating": "1"})
    assert again.status_code == 200 and SatisfactionSurvey.objects.get().rating == 5  # one answer per ticket
    assert len(mailoutbox) == 1  # a 5 tells nobody


def test_bad_answers_and_tokens(world, client, mailoutbox):  # noqa: F811
    _closed(world)
    surveys_send_due(now=sp(2026, 12, 4, 9))
    link = _link(mailoutbox[-1])
    for rating in ("0", "6", "x", ""):
        response = client.post(link, {"rating": rating})
        assert response.status_code == 400 and "Escolha uma nota de 1 a 5." in response.content.decode()
    assert SatisfactionSurvey.objects.get().answered_at is None
    assert client.get("/pesquisa/nao-existe/").status_code == 404
    assert client.post("/pesquisa/nao-existe/", {"rating": "5"}).status_code == 404


def test_low_rating_tells_the_team_managers(world, client, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    ticket = _closed(world)
    surveys_send_due(now=sp(2026, 12, 4, 9))
    link = _link(mailoutbox[-1])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"rating": "2", "comment": "Demorou demais."})
    (alert,) = mailoutbox
    assert alert.to == [world.manager.email]
    assert f"#{ticket.pk}" in alert.subject and "2/5" in alert.subject and "Demorou demais." in alert.body


def test_api_requester_once_others_refused(world, client, monkeypatch):  # noqa: F811
    monkeypatch.setattr(clock, "now", lambda: sp(2026, 12, 4, 9))
    ticket = _closed(world)
    url = f"/api/v1/tickets/{ticket.pk}/satisfaction"

    def post(body):
        return client.post(url, data=json.dumps(body), content_type="application/json")

    colleague = CustomerFactory(username="colega", organization=world.org)
    client.force_login(colleague)
    assert post({"rating": 4}).status_code == 403
    client.force_login(world.other_customer)
    assert post({"rating": 4}).status_code == 404  # another organization's ticket
    client.force_login(world.customer)
    assert post({"rating": 9}).status_code == 422
    assert post({"rating": 4, "extra": 1}).status_code == 422
    response = post({"rating": 4, "comment": "Bom."})
    assert response.status_code == 201, response.content
    assert response.json()["rating"] == 4
    second = post({"rating": 1})
    assert second.status_code == 409 and second["Content-Type"].startswith("application/problem+json")
    assert SatisfactionSurvey.objects.get().rating == 4
    open_ticket = world.open_problem(severity="Baixa")
    assert (
        client.post(
            f"/api/v1/tickets/{open_ticket.pk}/satisfaction",
            data=json.dumps({"rating": 3}),
            content_type="application/json",
        ).status_code
        == 409
    )


def test_figures_per_analyst_in_the_reports(world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(clock, "now", lambda: sp(2026, 12, 4, 9))
    from servicedesk.surveys.services import survey_answer, survey_for_requester

    for rating in (5, 2):
        ticket = _closed(world)
        survey_answer(
            survey=survey_for_requester(world.customer, ticket.pk, now=sp(2026, 12, 4, 9)),
            rating=rating,
            comment="",
            now=sp(2026, 12, 4, 9),
        )
    december = Period(date(2026, 12, 1), date(2026, 12, 31))
    (row,) = satisfaction(user=world.manager, period=december, group_by=("analyst",))
    assert (row.keys, row.answers, row.average, row.low) == ({"analyst": world.analyst.pk}, 2, 3.5, 1)
    (row,) = satisfaction(user=world.manager, period=december, group_by=("team", "month"))
    assert row.keys == {"team": world.team.pk, "month": "2026-12"}
    outsider = StaffFactory(username="fora")
    assert satisfaction(user=outsider, period=december) == []  # an analyst: his own tickets only


def test_the_survey_and_its_email_are_one_transaction(world, mailoutbox, monkeypatch):  # noqa: F811
    from servicedesk.outbox.models import OutboxMessage
    from servicedesk.surveys import services as surveys

    _closed(world)
    mailoutbox.clear()

    def broken(*args, **kwargs):
        raise RuntimeError("a falha ao gravar o e-mail")

    monkeypatch.setattr(surveys, "_mail", broken)
    with pytest.raises(RuntimeError):
        surveys_send_due(now=sp(2026, 12, 4, 9))
    assert not SatisfactionSurvey.objects.exists()  # no survey without its e-mail: the next run asks
    monkeypatch.undo()
    before = OutboxMessage.objects.count()
    assert surveys_send_due(now=sp(2026, 12, 4, 9, 1)) == 1
    assert SatisfactionSurvey.objects.count() == 1 and OutboxMessage.objects.count() == before + 1
    assert len(mailoutbox) == 1
