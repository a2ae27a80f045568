"""The ticket workspace: every action goes through the services; refusals show the pt-BR error
and change nothing; a stale form is a conflict that keeps what the person typed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from servicedesk.channels.models import PhoneCall, VideoCallInvitation
from servicedesk.console.views import TICKET_CONFLICT, TRANSITION_LABELS
from servicedesk.demo.data import demo_screenshot_png
from servicedesk.tickets import services
from servicedesk.tickets.models import Comment, EventKind, ReopenRequest, Ticket

pytestmark = pytest.mark.django_db


def post(client, ticket, action, **data):
    data.setdefault("expected_revision", ticket.revision)
    return client.post(f"/console/chamados/{ticket.pk}/{action}/", data)


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_the_workspace_shows_the_ticket_sla_remote_access_and_process_deadline(as_user, demo, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    # On Tue 1 Dec 2026 the nearest of Horizonte's processes is "Envio do eSocial" (day 15),
    # before "Fechamento da folha" (day 25): §9, the next deadline beside the SLA.
    monkeypatch.setattr(
        "servicedesk.core.clock.now", lambda: datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("America/Sao_Paulo"))
    )
    ticket = Ticket.objects.get(organization__slug="horizonte", type="Problema")
    html = as_user("carla.analista").get(f"/console/chamados/{ticket.pk}/").content.decode()
    assert ticket.title in html
    assert "Autorizado, inclui sessão SQL — por Helena Duarte (TI)" in html
    assert "<strong>Envio do eSocial</strong>: 15/12/2026" in html
    assert "Fechamento da folha" not in html
    assert "Diagnóstico" in html and "Solução" in html and "Horário de Brasília" in html


def test_the_buttons_are_the_staff_transitions_of_a_new_ticket(as_user, problem):
    response = as_user("ana.analista").get(f"/console/chamados/{problem.pk}/")
    shown = {t["to"] for t in response.context["transitions"]}
    assert problem.status == "NOVO"
    assert shown == {
        "EM ATENDIMENTO",
        "MANUTENÇÃO",
        "AGUARDANDO CLIENTE",
        "SERVIÇOS",
        "RESOLVIDO",
        "CANCELADO",
    }  # COM-PROPOSTA and SERV-ASSESSORIA come with a proposal (the advisory panel), not the menu
    html = response.content.decode()
    # One status menu; on a ticket never picked up, EM ATENDIMENTO "starts" it (never "resumes").
    assert html.count('id="status-menu"') == 1
    assert "Iniciar atendimento — EM ATENDIMENTO" in html and "Retomar atendimento" not in html
    for target in shown - {"EM ATENDIMENTO"}:
        assert f"{TRANSITION_LABELS[target][0]} — {target}" in html


def test_a_public_reply_meets_the_diagnosis_and_picks_the_ticket_up(as_user, problem):
    upload = SimpleUploadedFile("tela.png", demo_screenshot_png(), content_type="image/png")
    response = as_user("ana.analista").post(
        f"/console/chamados/{problem.pk}/responder/",
        {"expected_revision": problem.revision, "body": "Estamos analisando o cálculo.", "files": [upload]},
    )
    assert response.status_code == 302
    ticket = fresh(problem)
    assert ticket.status == "EM ATENDIMENTO" and ticket.diagnosis_met_at is not None
    comment = Comment.objects.get(ticket=ticket, body="Estamos analisando o cálculo.")
    assert not comment.is_internal and comment.attachments.count() == 1
    page = as_user("ana.analista").get(f"/console/chamados/{problem.pk}/").content.decode()
    assert "cumprido em" in page and "resposta pública" in page


def test_an_internal_note_is_yellow_and_labelled(as_user, problem):
    post(as_user("ana.analista"), problem, "nota", body="Cliente sem backup recente.")
    ticket = fresh(problem)
    assert Comment.objects.get(ticket=ticket, body="Cliente sem backup recente.").is_internal
    assert ticket.diagnosis_met_at is None  # an internal note is not a reply
    html = as_user("ana.analista").get(f"/console/chamados/{problem.pk}/").content.decode()
    assert 'class="message internal-note"' in html
    assert "Nota interna — não visível ao cliente" in html


def test_an_empty_reply_is_refused_with_the_service_message(as_user, problem):
    response = post(as_user("ana.analista"), problem, "responder", body="   ")
    assert response.status_code == 400
    assert services.COMMENT_EMPTY in response.content.decode()
    assert fresh(problem).revision == problem.revision


def test_ask_the_customer_pauses_the_clock(as_user, problem):
    client = as_user("ana.analista")
    post(client, problem, "status", to="AGUARDANDO CLIENTE", note="Envie o holerite do colaborador.")
    ticket = fresh(problem)
    assert ticket.status == "AGUARDANDO CLIENTE" and ticket.solution_state == "paused"
    # The question is the first public staff reply: it meets the diagnosis clock (domain.md §5).
    assert ticket.diagnosis_state == "met"
    assert "Relógio do SLA pausado" in client.get(f"/console/chamados/{problem.pk}/").content.decode()


def test_asking_the_customer_needs_a_message(as_user, problem):
    response = post(as_user("ana.analista"), problem, "status", to="AGUARDANDO CLIENTE", note="")
    assert response.status_code == 400
    assert "Escreva o que o cliente precisa informar." in response.content.decode()
    assert fresh(problem).status == "NOVO"


@pytest.mark.parametrize("target", ["EM ATENDIMENTO", "MANUTENÇÃO", "SERVIÇOS"])
def test_each_transition_button_goes_through_the_service(as_user, problem, target):
    response = post(as_user("ana.analista"), problem, "status", to=target, note="")
    assert response.status_code == 302
    ticket = fresh(problem)
    assert ticket.status == target
    assert ticket.events.filter(to_status=target).exists()


@pytest.mark.parametrize("target", ["SERV-ASSESSORIA", "COM-PROPOSTA"])
def test_the_advisory_statuses_are_not_a_menu_choice(as_user, problem, target):
    """§8: a ticket is COM-PROPOSTA with a proposal and SERV-ASSESSORIA with an accepted one."""
    response = post(as_user("ana.analista"), problem, "status", to=target, note="")
    assert response.status_code in (400, 409)
    assert fresh(problem).status == "NOVO"


def test_resolving_needs_the_solution(as_user, problem):
    client = as_user("ana.analista")
    refused = post(client, problem, "status", to="RESOLVIDO", note="  ")
    assert refused.status_code == 400
    assert "Descreva a solução entregue" in refused.content.decode()
    assert fresh(problem).status == "NOVO"
    post(client, problem, "status", to="RESOLVIDO", note="Reprocessada a folha com o evento 150.")
    ticket = fresh(problem)
    assert ticket.status == "RESOLVIDO"
    assert ticket.comments.get().body == "Reprocessada a folha com o evento 150."  # the customer reads it


def test_cancelling_needs_a_reason(as_user, problem):
    client = as_user("ana.analista")
    assert post(client, problem, "status", to="CANCELADO", note="").status_code == 400
    assert fresh(problem).status == "NOVO"
    post(client, problem, "status", to="CANCELADO", note="Aberto em duplicidade.")
    assert fresh(problem).status == "CANCELADO"


@pytest.mark.parametrize("target", ["ENCERRADO", "NOVO"])
def test_a_refused_transition_shows_the_error_and_changes_nothing(as_user, problem, target):
    before = fresh(problem)
    response = post(as_user("ana.analista"), problem, "status", to=target, note="Tentativa")
    assert response.status_code == 400
    assert f"Não é possível passar o chamado de NOVO para {target}." in response.content.decode()
    after = fresh(problem)
    assert (after.status, after.revision) == (before.status, before.revision)
    assert not Comment.objects.filter(ticket=problem, body="Tentativa").exists()


def test_a_resolved_ticket_offers_only_going_back_to_work(as_user, demo, problem):
    services.ticket_resolve(ticket=problem, actor=demo["ana.analista"], now=timezone.now(), note="Ok")
    response = as_user("ana.analista").get(f"/console/chamados/{problem.pk}/")
    assert [t["to"] for t in response.context["transitions"]] == ["EM ATENDIMENTO"]


def test_register_diagnosis(as_user, problem):
    post(as_user("ana.analista"), problem, "diagnostico", note="Falha na rubrica 150.")
    assert fresh(problem).diagnosis_met_at is not None


def test_reclassification_needs_a_justification_and_keeps_the_fato_gerador(as_user, problem):
    client = as_user("ana.analista")
    response = post(client, problem, "reclassificar", type="Problema", severity="Crítica", justification="")
    assert response.status_code == 400
    assert services.RECLASSIFY_JUSTIFICATION_REQUIRED in response.content.decode()
    assert fresh(problem).severity == "Alta"
    post(
        client,
        problem,
        "reclassificar",
        type="Problema",
        severity="Crítica",
        justification="Folha inteira parada.",
        triggering_fact="Fechamento da folha amanhã",
    )
    ticket = fresh(problem)
    assert ticket.severity == "Crítica"
    event = ticket.events.get(kind=EventKind.RECLASSIFIED)
    assert event.data["triggering_fact"] == "Fechamento da folha amanhã"
    html = client.get(f"/console/chamados/{problem.pk}/").content.decode()
    assert "severidade Alta → Crítica" in html and "fato gerador: Fechamento da folha amanhã" in html


def test_assign_to_me_and_to_another_analyst(as_user, demo, problem):
    client = as_user("ana.analista")
    post(client, problem, "atribuir", to_me="1")
    assert fresh(problem).assignee == demo["ana.analista"]
    post(client, fresh(problem), "atribuir", assignee=demo["bruno.analista"].pk)
    assert fresh(problem).assignee == demo["bruno.analista"]
    html = client.get(f"/console/chamados/{problem.pk}/").content.decode()
    assert "responsável: Ana Souza → Bruno Lima" in html


def test_log_a_phone_call_and_send_a_video_invitation(as_user, problem, django_capture_on_commit_callbacks):
    client = as_user("ana.analista")
    local_now = timezone.localtime(timezone.now(), timezone=__import__("zoneinfo").ZoneInfo("America/Sao_Paulo"))
    started = (local_now - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = post(
        client,
        problem,
        "ligacao",
        contact_name="Joana",
        direction="inbound",
        started_at=started,
        duration=10,
        summary="Explicou o erro.",
    )
    assert response.status_code == 302
    call = PhoneCall.objects.get(ticket=problem)
    assert abs((call.started_at - (timezone.now() - timedelta(minutes=30))).total_seconds()) < 120
    when = (local_now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            fresh(problem),
            "videochamada",
            starts_at=when,
            duration=30,
            link="https://meet.example.com/xyz",
            participants="joana.acme@demo.weconnect.example",
        )
    assert response.status_code == 302
    assert VideoCallInvitation.objects.get(ticket=problem).sent_at is not None
    assert any(m.attachments and m.attachments[0][0] == "convite.ics" for m in mail.outbox)
    html = client.get(f"/console/chamados/{problem.pk}/").content.decode()
    assert "Ligação registrada" in html and "Videochamada agendada" in html


def test_a_video_invitation_with_a_bad_link_is_refused_keeping_the_input(as_user, problem):
    response = post(
        as_user("ana.analista"),
        problem,
        "videochamada",
        starts_at="2099-01-01T10:00",
        duration=30,
        link="ftp://x",
        participants="alguem@cliente.example",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Informe um link https:// válido para a reunião." in html
    assert "alguem@cliente.example" in html
    assert not VideoCallInvitation.objects.exists()


def test_reopen_requests_are_approved_or_refused(as_user, demo, problem):
    now = timezone.now()
    services.ticket_resolve(ticket=problem, actor=demo["ana.analista"], now=now, note="Ok")
    services.ticket_confirm_solution(ticket=problem, actor=demo["joana.acme"], now=now)
    request = services.reopen_request_create(
        ticket=problem, actor=demo["joana.acme"], reason="Voltou a falhar.", now=now
    )
    client = as_user("ana.analista")
    html = client.get(f"/console/chamados/{problem.pk}/").content.decode()
    assert "Voltou a falhar." in html and "Aprovar reabertura" in html
    response = post(client, fresh(problem), "reabertura-recusar", request_id=request.pk, reason="")
    assert response.status_code == 400 and services.REASON_REQUIRED in response.content.decode()
    post(client, fresh(problem), "reabertura-aprovar", request_id=request.pk)
    assert fresh(problem).status == "EM ATENDIMENTO"
    assert ReopenRequest.objects.get(pk=request.pk).status == "approved"
    again = post(client, fresh(problem), "reabertura-aprovar", request_id=request.pk)
    assert again.status_code == 400 and services.REOPEN_NOT_PENDING in again.content.decode()


def test_concurrent_edits_the_second_submission_gets_a_conflict_and_keeps_its_text(as_user, problem):
    ana, bruno = as_user("ana.analista"), as_user("bruno.analista")
    revision = problem.revision
    first = post(ana, problem, "responder", body="Primeira resposta", expected_revision=revision)
    assert first.status_code == 302
    second = post(bruno, problem, "responder", body="Resposta escrita por Bruno", expected_revision=revision)
    assert second.status_code == 409
    html = second.content.decode()
    assert TICKET_CONFLICT in html
    assert "Resposta escrita por Bruno" in html  # nothing typed is lost
    assert "Primeira resposta" in html  # the page shows the other person's change
    ticket = fresh(problem)
    assert ticket.revision == revision + 1
    assert list(Comment.objects.filter(ticket=ticket).values_list("body", flat=True)) == ["Primeira resposta"]
    # The kept form is now based on the revision shown: sending it again is deliberate and works.
    kept = second.context["forms"]["reply"]
    assert kept["expected_revision"].value() == str(ticket.revision)


def test_concurrent_transitions_apply_only_the_first(as_user, problem):
    revision = problem.revision
    post(as_user("ana.analista"), problem, "status", to="MANUTENÇÃO", note="", expected_revision=revision)
    second = post(
        as_user("bruno.analista"),
        problem,
        "status",
        to="RESOLVIDO",
        note="Resolvido por Bruno",
        expected_revision=revision,
    )
    assert second.status_code == 409 and TICKET_CONFLICT in second.content.decode()
    assert "Resolvido por Bruno" in second.content.decode()
    assert fresh(problem).status == "MANUTENÇÃO"


def test_user_fields_are_escaped_everywhere(as_user, demo, problem):
    xss = "<script>alert(1)</script>"
    organization = problem.organization
    organization.name = f"Org {xss}"
    organization.save()
    Ticket.objects.filter(pk=problem.pk).update(title=f"T {xss}", description=f"D {xss}")
    services.ticket_comment_add(ticket=problem, author=demo["joana.acme"], body=f"C {xss}", now=timezone.now())
    demo["joana.acme"].first_name = f"J {xss}"
    demo["joana.acme"].save()
    for username, url in [
        ("ana.analista", "/console/?queue=all"),
        ("ana.analista", f"/console/chamados/{problem.pk}/"),
        ("gabriela.gestora", "/console/gestao/"),
    ]:
        html = as_user(username).get(url).content.decode()
        assert xss not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_each_message_shows_its_own_files_and_the_page_lists_them_all(as_user, problem, django_assert_max_num_queries):
    """The ticket's files are read once (the list at the foot and each message's own): a file
    sits under the message it came with, never under another; internal ones are shown to staff."""
    import re

    from servicedesk.tickets.tests.factories import png_upload

    analyst = problem.requester.__class__.objects.get(username="ana.analista")
    services.ticket_comment_add(
        ticket=problem,
        author=analyst,
        body="Primeira",
        now=problem.opened_at + timedelta(hours=1),
        files=[png_upload("a-primeira.png")],
    )
    services.ticket_comment_add(
        ticket=problem, author=analyst, body="Sem anexo", now=problem.opened_at + timedelta(hours=2)
    )
    services.ticket_comment_add(
        ticket=problem,
        author=analyst,
        body="Interna",
        now=problem.opened_at + timedelta(hours=3),
        internal=True,
        files=[png_upload("b-interna.png"), png_upload("c-interna.png")],
    )
    client = as_user("ana.analista")
    client.get(f"/console/chamados/{problem.pk}/")
    with django_assert_max_num_queries(16):
        html = client.get(f"/console/chamados/{problem.pk}/").content.decode()
    messages = re.findall(r'<article class="message[^"]*" id="c\d+">(.*?)</article>', html, re.S)
    files = {
        re.search(r'<div class="message-body">(.*?)</div>', m, re.S).group(1): re.findall(r"📎 ([\w.-]+)</a>", m)
        for m in messages
        if '<div class="message-body">' in m
    }
    assert files["Primeira"] == ["a-primeira.png"]
    assert files["Sem anexo"] == []
    assert files["Interna"] == ["b-interna.png", "c-interna.png"]
    for name in ("a-primeira.png", "b-interna.png", "c-interna.png"):
        assert html.count(name) == 2  # under its message, and in the ticket's list


def test_the_assignment_form_offers_every_active_staff_member_and_team_by_name(as_user, demo, open_tickets):
    """Its options are read as (id, label) pairs, not models: the same people (no customer, no
    inactive account), each by full name else username, and every team."""
    import re

    from servicedesk.accounts.models import Team, User

    [ticket] = open_tickets(1)
    carla = demo["carla.analista"]
    User.objects.filter(pk=carla.pk).update(first_name="", last_name="")
    User.objects.filter(username="bruno.analista").update(is_active=False)
    html = as_user("ana.analista").get(f"/console/chamados/{ticket.pk}/").content.decode()
    select = re.search(r'<select name="assignee".*?</select>', html, re.S).group(0)
    offered = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select))
    expected = {str(user.pk): str(user) for user in User.objects.exclude(role="customer").filter(is_active=True)}
    assert offered == expected and offered[str(carla.pk)] == "carla.analista"
    assert str(demo["joana.acme"].pk) not in offered
    teams = re.search(r'<select name="team".*?</select>', html, re.S).group(0)
    assert set(re.findall(r'<option value="(\d+)"', teams)) == {
        str(pk) for pk in Team.objects.values_list("pk", flat=True)
    }
