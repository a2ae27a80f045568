"""E-mails people can act on (issue 8): the right link for each person, the message itself with
its author, the concrete deadlines and automatic-closing date in Brasília time, how to answer,
the vendor's signature; the acknowledgment on opening; readable .eml files in the embedded default.

The world: Acme on STARTER, Alta (diagnosis 20 h → Thu 3 Dec 15:00; solution 20 business days
→ Wed 30 Dec 10:00), T0 = Tue 1 Dec 2026 10:00.
"""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

from servicedesk.core.mail import EmlFileBackend
from servicedesk.tickets import services
from servicedesk.tickets.tests.factories import T0, sp

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
SITE = "https://suporte.weconnect.example"
SIGNATURE = "de segunda a sexta-feira, das 9h às 13h e das 14h às 18h (horário de Brasília), exceto feriados"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


@override_settings(SITE_URL=SITE)
def test_opening_acknowledges_the_customer_and_tells_the_team_with_their_own_links(world, on_commit):
    ticket = on_commit(lambda: world.open_problem(severity="Alta"))
    [received] = _to(world.customer.email)
    assert received.subject == f"[#{ticket.pk}] Recebemos seu chamado: {ticket.title}"
    assert f"Recebemos seu chamado #{ticket.pk}" in received.body
    assert "Prazo de diagnóstico: 03/12/2026 às 15:00 (horário de Brasília)" in received.body
    assert f"{SITE}/chamados/{ticket.pk}/" in received.body
    assert "Responder a este e-mail não chega à equipe" in received.body
    assert SIGNATURE in received.body
    html = received.alternatives[0][0]
    assert f'href="{SITE}/chamados/{ticket.pk}/"' in html and SIGNATURE in html
    [team] = _to(world.analyst.email)
    assert f"{SITE}/console/chamados/{ticket.pk}/" in team.body
    assert "/chamados/" not in team.body.replace("/console/chamados/", "")
    assert "Ao calcular a folha de novembro as horas extras não aparecem." in team.body


@override_settings(SITE_URL=SITE)
def test_a_training_request_is_acknowledged_too(world, on_commit):
    request = on_commit(
        lambda: services.ticket_training_request(requester=world.untrained, module=world.module, description="", now=T0)
    )
    [received] = _to(world.untrained.email)
    assert received.subject.startswith(f"[#{request.pk}] Recebemos seu chamado: Solicitação de treinamento")


@override_settings(SITE_URL=SITE)
def test_a_staff_reply_carries_the_reply_its_author_and_how_to_answer(world, on_commit):
    world.analyst.first_name, world.analyst.last_name = "Ana", "Souza"
    world.analyst.save()
    ticket = world.open_problem(severity="Alta")
    services.ticket_comment_add(
        ticket=ticket, author=world.analyst, body="Nota: cliente irritado.", internal=True, now=T0 + H
    )
    mail.outbox.clear()
    on_commit(
        lambda: services.ticket_comment_add(
            ticket=ticket, author=world.analyst, body="Reprocesse a folha\ncom o evento 150.", now=T0 + 2 * H
        )
    )
    [reply] = _to(world.customer.email)
    assert reply.subject == f"[#{ticket.pk}] Nova resposta da equipe WeConnect: {ticket.title}"
    assert "Ana Souza, da equipe WeConnect, respondeu ao seu chamado:" in reply.body
    assert "> Reprocesse a folha\n> com o evento 150." in reply.body
    # The diagnosis is met; the solution clock counts: Wed 30 Dec 10:00.
    assert "Prazo de solução: 30/12/2026 às 10:00 (horário de Brasília)" in reply.body
    assert "cliente irritado" not in reply.body and "cliente irritado" not in reply.alternatives[0][0]
    assert f"Para responder, acesse o chamado no portal: {SITE}/chamados/{ticket.pk}/" in reply.body


@override_settings(SITE_URL=SITE)
def test_waiting_for_the_customer_carries_the_question_and_the_closing_date(world, on_commit):
    ticket = world.open_problem()
    mail.outbox.clear()
    on_commit(
        lambda: services.ticket_ask_customer(
            ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o holerite de novembro."
        )
    )
    [asked] = _to(world.customer.email)
    assert "Precisamos de uma informação sua" in asked.subject
    assert "> Envie o holerite de novembro." in asked.body
    # Asked Tue 11:00 + 16 business hours → Thu 3 Dec 11:00, a date — never "16 horas úteis".
    assert "encerrado automaticamente em 03/12/2026 às 11:00 (horário de Brasília)" in asked.body
    assert "16 horas úteis" not in asked.body
    assert "Prazo de solução: pausado" in asked.body


@override_settings(SITE_URL=SITE)
def test_the_customer_reply_reaches_the_team_with_its_words(world, on_commit):
    ticket = world.open_problem()
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o log.")
    mail.outbox.clear()
    on_commit(
        lambda: services.ticket_comment_add(
            ticket=ticket, author=world.customer, body="Segue o log do cálculo.", now=T0 + 2 * H
        )
    )
    [replied] = _to(world.analyst.email)
    assert "> Segue o log do cálculo." in replied.body
    assert f"{SITE}/console/chamados/{ticket.pk}/" in replied.body


@override_settings(SITE_URL=SITE)
def test_the_assignee_hears_of_the_customers_confirmation(world, on_commit):
    ticket = world.open_problem()
    services.ticket_assign(ticket=ticket, actor=world.analyst, assignee=world.analyst, now=T0 + H)
    services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Corrigido.")
    mail.outbox.clear()
    on_commit(lambda: services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=T0 + 3 * H))
    [confirmed] = _to(world.analyst.email)
    assert confirmed.subject == f"[#{ticket.pk}] O cliente confirmou a solução: {ticket.title}"
    assert _to(world.customer.email) == []  # her own act is not mailed back to her


def test_the_embedded_default_writes_readable_eml_files(tmp_path):
    message = EmailMultiAlternatives(
        "[#7] Recebemos seu chamado: Cálculo da folha",
        "Olá, Joana.\n\nRecebemos seu chamado — prazo às 15:00.\n",
        "suporte@weconnect.example",
        ["joana@cliente.example"],
    )
    message.attach_alternative("<p>Olá, Joana. <strong>Recebemos</strong> seu chamado.</p>", "text/html")
    message.attach("convite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    assert EmlFileBackend(file_path=str(tmp_path)).send_messages([message]) == 1
    [path] = list(tmp_path.glob("*.eml"))
    raw = path.read_bytes()
    assert "Olá, Joana.\n\nRecebemos seu chamado — prazo às 15:00.".encode() in raw.replace(b"\r\n", b"\n")
    assert b"=C3=A1" not in raw  # no quoted-printable soup
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert parsed["Subject"] == "[#7] Recebemos seu chamado: Cálculo da folha"
    assert (
        parsed.get_body(("html",)).get_content().strip() == "<p>Olá, Joana. <strong>Recebemos</strong> seu chamado.</p>"
    )
    assert [a.get_filename() for a in parsed.iter_attachments()] == ["convite.ics"]


def test_production_requires_the_site_address(monkeypatch):
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "servicedesk.example",
        "DATABASE_URL": "sqlite:///:memory:",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


@override_settings(SITE_URL=SITE)
def test_at_risk_and_breach_warnings_link_the_console(world, on_commit):
    ticket = world.open_problem(severity="Alta")
    mail.outbox.clear()
    on_commit(lambda: services.ticket_sla_alerts(ticket_id=ticket.pk, now=sp(2026, 12, 3, 15, 1)))
    [breach] = _to(world.analyst.email)
    assert breach.subject == f"[#{ticket.pk}] SLA violado: {ticket.title}"
    assert "O prazo de diagnóstico deste chamado venceu." in breach.body
    assert "Prazo de diagnóstico: 03/12/2026 às 15:00 (horário de Brasília) — vencido." in breach.body
    assert f"{SITE}/console/chamados/{ticket.pk}/" in breach.body
