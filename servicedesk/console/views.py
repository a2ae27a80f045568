"""The staff console: queues, the ticket workspace and the manager view.

Views are thin: parse the input (a form), one access function or selector, one service call,
render. Authorization goes through `accounts.permissions` only; customers get 404 on every
console URL. All writes go through `tickets.services` and `channels.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_POST

from servicedesk.accounts import permissions
from servicedesk.accounts.permissions import require
from servicedesk.accounts.selectors import local_date
from servicedesk.channels import services as channels
from servicedesk.console import advisory_forms, forms, selectors
from servicedesk.core import clock
from servicedesk.core.errors import Conflict, DomainError, NotFound
from servicedesk.replies import services as reply_services
from servicedesk.replies.selectors import VARIABLES as CANNED_VARIABLES
from servicedesk.replies.selectors import canned_replies_for, canned_reply_fill, managed_reply_teams
from servicedesk.sla.engine.policy import PAUSING_STATUSES, TicketStatus
from servicedesk.sla.services import ticket_sla_view
from servicedesk.tickets import services
from servicedesk.tickets.access import access_ticket, comment_queryset_for
from servicedesk.tickets.workflow import ActorKind, menu_targets

S = TicketStatus
FILTERS_SESSION_KEY = "console.queue_filters"
TICKET_CONFLICT = gettext_noop("Este chamado foi alterado por outra pessoa. Recarregue a página.")
FILTER_PARAMS = {
    "queue",
    "q",
    "organization",
    "plan",
    "severity",
    "type",
    "status",
    "module",
    "environment",
    "assignee",
    "sort",
    # the reports' drill-down (servicedesk.reports)
    "team",
    "outcome",
    "counted_from",
    "counted_to",
    "scope",
}


# --------------------------------------------------------------------------- queues


def _queue_filters(request) -> selectors.QueueFilters:
    """Filters from the query string (then remembered), else the ones remembered for this user.

    Remembered in the session: it is loaded for every request anyway, so remembering costs no
    query; it lasts for the login session (see docs/architecture.md).
    """
    if "limpar" in request.GET:
        request.session.pop(FILTERS_SESSION_KEY, None)
        return selectors.QueueFilters()
    remembered = request.session.get(FILTERS_SESSION_KEY) or {}
    given = FILTER_PARAMS & set(request.GET)
    if not given:
        return selectors.QueueFilters.from_data(remembered)
    # The parameters given override the remembered ones: a tab link sends only `queue`,
    # the filter form sends every field (an empty one clears that filter).
    filters = selectors.QueueFilters.from_data({**remembered, **{key: request.GET[key] for key in given}})
    if remembered != filters.as_dict():
        request.session[FILTERS_SESSION_KEY] = filters.as_dict()
    return filters


def _querystring(filters: selectors.QueueFilters, **changes) -> str:
    values = {**filters.as_dict(), **changes}
    return urlencode({key: value for key, value in values.items() if value not in ("", None)})


@require("console.access", deny=404)
@require_GET
def queue(request):
    """The queues. Live: the results poll this view every QUEUE_REFRESH_SECONDS (htmx), and the
    partial answer carries the tab counters too (an out-of-band swap): both exact, both cheap."""
    filters = _queue_filters(request)
    page = selectors.queue_page(user=request.user, filters=filters, page=selectors.page_number(request.GET.get("page")))
    context = {
        "filters": filters,
        "page": page,
        "now": clock.now(),
        "tabs": [(key, _(label), urlencode({"queue": key})) for key, label in selectors.QUEUES.items()],
        "prev_qs": _querystring(filters, page=page.number - 1),
        "next_qs": _querystring(filters, page=page.number + 1),
        "current_qs": _querystring(filters, page=page.number),
        "counters": selectors.queue_counters(user=request.user),
        "refresh_seconds": getattr(settings, "CONSOLE_QUEUE_REFRESH_SECONDS", QUEUE_REFRESH_SECONDS),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "console/_queue_results.html", {**context, "oob_tabs": True})
    context["choices"] = selectors.queue_filter_choices()
    return render(request, "console/queue.html", context)


QUEUE_REFRESH_SECONDS = 20  # settings.CONSOLE_QUEUE_REFRESH_SECONDS overrides it


# --------------------------------------------------------------------------- workspace

TRANSITION_LABELS: dict[TicketStatus, tuple[str, str, str]] = {
    # target: (menu label, note label, tone). COM-PROPOSTA and SERV-ASSESSORIA are not menu
    # targets: they follow the proposal and the report, in the advisory panel (advisory_views).
    S.IN_PROGRESS: (gettext_noop("Retomar atendimento"), gettext_noop("Mensagem ao cliente (opcional)"), "primary"),
    S.MAINTENANCE: (
        gettext_noop("Encaminhar para manutenção"),
        gettext_noop("Mensagem ao cliente (opcional)"),
        "default",
    ),
    S.WAITING_CUSTOMER: (
        gettext_noop("Pedir informações ao cliente"),
        gettext_noop("O que o cliente precisa informar"),
        "warning",
    ),
    S.SERVICES: (gettext_noop("Acompanhar em Serviços"), gettext_noop("Mensagem ao cliente (opcional)"), "default"),
    S.RESOLVED: (
        gettext_noop("Resolver"),
        gettext_noop("Solução entregue (obrigatória: o cliente a confirma)"),
        "success",
    ),
    S.CANCELLED: (gettext_noop("Cancelar chamado"), gettext_noop("Motivo do cancelamento"), "danger"),
}
TRANSITION_ORDER = list(TRANSITION_LABELS)


def _menu_label(ticket, target: TicketStatus) -> str:
    if target == S.IN_PROGRESS and ticket.status == S.NEW:
        return gettext_noop("Iniciar atendimento")  # never "retomar" what never started
    return TRANSITION_LABELS[target][0]


def _staff_transitions(ticket) -> list[TicketStatus]:
    """The buttons: every target the transition table lets staff choose from the current status
    (a closed ticket returns to work only through an approved reopening request)."""
    targets = menu_targets(ActorKind.STAFF, ticket.status)
    return [target for target in TRANSITION_ORDER if target in targets]


class LazyForms(dict):
    """The workspace's forms, each built the first time the page asks for it: the rarely used
    panels (reclassification, phone, video call) arrive by htmx when opened (`ticket_panel`), so
    most pages never build their forms."""

    def __init__(self, builders: dict):
        super().__init__()
        self._builders = builders

    def __missing__(self, key):
        self[key] = form = self._builders[key]()
        return form

    def __contains__(self, key):
        return super().__contains__(key) or key in self._builders


def _initial_forms(ticket, user) -> LazyForms:
    revision = {"expected_revision": ticket.revision}
    return LazyForms(
        {
            "reply": lambda: forms.CommentForm(initial=revision, auto_id="id_reply_%s"),
            "note": lambda: forms.CommentForm(initial=revision, auto_id="id_note_%s"),
            "assign": lambda: _assign_form(ticket, revision),
            "diagnosis": lambda: forms.DiagnosisForm(initial=revision, auto_id="id_diagnosis_%s"),
            "status": lambda: forms.TransitionForm(initial=revision, auto_id="id_status_%s"),
            "reclassify": lambda: forms.ReclassifyForm(
                initial={**revision, "type": ticket.type, "severity": ticket.severity}, auto_id="id_reclassify_%s"
            ),
            "phone": lambda: forms.PhoneCallForm(
                initial={**revision, "started_at": clock.now(), "contact_name": str(ticket.requester)},
                auto_id="id_phone_%s",
            ),
            "fix": lambda: forms.FixLinkForm(initial={**revision, "release": ticket.fixed_in_id}, auto_id="id_fix_%s"),
            "publish": lambda: forms.RevisionForm(initial=revision, auto_id="id_publish_%s"),
            "video": lambda: forms.VideoCallForm(
                initial={**revision, "participants": ticket.requester.email}, auto_id="id_video_%s"
            ),
        }
    )


def _assign_form(ticket, revision: dict) -> forms.AssignForm:
    """The assignment form as first shown: its options read as (id, label) pairs instead of a
    model per person and team; a submitted form still validates against the querysets."""
    form = forms.AssignForm(initial={**revision, "assignee": ticket.assignee_id, "team": None}, auto_id="id_assign_%s")
    staff, teams = selectors.assignment_choices()
    for name, options in (("assignee", staff), ("team", teams)):
        field = form.fields[name]
        field.choices = [("", field.empty_label), *options]
    return form


# The panels loaded on demand: URL slug → (form key, template, capability).
LAZY_PANELS = {
    "reclassificar": ("reclassify", "console/panels/reclassify.html", "ticket.reclassify"),
    "ligacao": ("phone", "console/panels/phone.html", "ticket.call"),
    "videochamada": ("video", "console/panels/video.html", "ticket.call"),
    # a new advisory proposal (advisory_forms.advisory_panel_context builds its form)
    "proposta": (advisory_forms.draft_key(), "console/panels/proposal_draft.html", "advisory.propose"),
}
PROPOSAL_PANEL = "proposta"


def _render_workspace(request, ticket, *, bound: dict | None = None, status: int = 200, conflict: bool = False):
    now = clock.now()
    user = request.user
    page_forms = _initial_forms(ticket, user)
    bound = bound or {}
    transitions = [
        {"to": target.value, "label": _(_menu_label(ticket, target)), "note_label": _(TRANSITION_LABELS[target][1])}
        for target in _staff_transitions(ticket)
    ]
    page_forms.update(bound)
    open_panel = next(iter(bound), "")
    if not open_panel and request.GET.get("painel") in LAZY_PANELS:  # the lazy panels without JavaScript
        open_panel = LAZY_PANELS[request.GET["painel"]][0]
    # The ticket's files, read once: the list at the foot of the page and each message's own.
    attachments = list(ticket.attachments.select_related("uploaded_by"))
    comments = list(comment_queryset_for(user, ticket, with_attachments=False))
    by_comment: dict[int, list] = {}
    for attachment in attachments:
        by_comment.setdefault(attachment.comment_id, []).append(attachment)
    for comment in comments:
        comment.files = by_comment.get(comment.pk, [])
    history = selectors.workspace_history_rows(ticket)
    phone_calls, video_calls = selectors.workspace_calls(ticket, history)
    context = {
        "ticket": ticket,
        "now": now,
        "today": local_date(now),
        "forms": page_forms,
        "transitions": transitions,
        "reply_then": [t for t in transitions if t["to"] != S.CANCELLED],
        "open_panel": open_panel,
        "conflict": conflict,
        "conflict_message": _(TICKET_CONFLICT),
        "comments": comments,
        "attachments": attachments,
        "history": history,
        # only a closed ticket can have a pending request (ticket_reopen_request): no query otherwise
        "reopen_requests": selectors.workspace_pending_reopen_requests(ticket) if ticket.status == S.CLOSED else [],
        "reopen_form": bound.get("reopen") or forms.ReopenDecisionForm(auto_id="id_reopen_%s"),
        "phone_calls": phone_calls,
        "video_calls": video_calls,
        "sla": ticket_sla_view(ticket, now=now),
        "paused": ticket.status in PAUSING_STATUSES,
        "process_deadline": selectors.ticket_process_deadline(ticket, today=local_date(now)),
        "remote_access_valid": ticket.organization.remote_access_valid_on(local_date(now)),
        "advisory": advisory_forms.advisory_panel_context(
            ticket=ticket, user=user, now=now, bound=bound, draft=open_panel == advisory_forms.draft_key()
        ),
        "fix_releases": selectors.ticket_fix_release_choices(ticket),
    }
    return render(request, "console/ticket.html", context, status=status)


def _access_ticket(request, ticket_id: int, **options):
    try:
        return access_ticket(request.user, ticket_id, **options)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require("console.access", deny=404)
@require_GET
def ticket_workspace(request, ticket_id: int):
    ticket = _access_ticket(request, ticket_id, seen_by=request.user)
    services.ticket_seen(ticket=ticket, user=request.user, now=clock.now(), last_seen=ticket.viewer_seen_at)
    return _render_workspace(request, ticket)


@require("console.access", deny=404)
@require_GET
def ticket_panel(request, ticket_id: int, panel: str):
    """One of the LAZY_PANELS, as the workspace would render it (htmx partial)."""
    if panel not in LAZY_PANELS:
        raise Http404
    ticket = _access_ticket(request, ticket_id)
    key, template, capability = LAZY_PANELS[panel]
    if not permissions.can(request.user, capability):
        raise Http404
    context = {"ticket": ticket, "forms": _initial_forms(ticket, request.user), "open_panel": key}
    if panel == PROPOSAL_PANEL:
        context["advisory"] = advisory = advisory_forms.advisory_panel_context(
            ticket=ticket, user=request.user, now=clock.now(), draft=True
        )
        if advisory["draft_form"] is None:  # a live proposal, or a status that allows none
            raise Http404
    return render(request, template, context)


# Each action: the form, the capability, the service call, the success message.


def _reply(request, ticket, data, now):
    if data["then"]:  # send and change the status in one step: the reply is the move's message
        services.ticket_transition(
            ticket=ticket,
            to=data["then"],
            actor=request.user,
            now=now,
            note=data["body"],
            files=data["files"],
            expected_revision=data["expected_revision"],
        )
        return _("Resposta enviada e status alterado para %(status)s.") % {"status": data["then"]}
    services.ticket_comment_add(
        ticket=ticket,
        author=request.user,
        body=data["body"],
        files=data["files"],
        now=now,
        expected_revision=data["expected_revision"],
    )
    return _("Resposta enviada ao cliente.")


def _note(request, ticket, data, now):
    services.ticket_comment_add(
        ticket=ticket,
        author=request.user,
        body=data["body"],
        files=data["files"],
        internal=True,
        now=now,
        expected_revision=data["expected_revision"],
    )
    return _("Nota interna registrada.")


def _assign(request, ticket, data, now):
    assignee = request.user if request.POST.get("to_me") else data["assignee"]
    services.ticket_assign(
        ticket=ticket,
        actor=request.user,
        assignee=assignee,
        team=data["team"],
        now=now,
        expected_revision=data["expected_revision"],
    )
    return (
        _("Chamado atribuído a %(assignee)s.") % {"assignee": assignee} if assignee else _("Chamado sem responsável.")
    )


TRANSITION_DONE = {
    S.WAITING_CUSTOMER: gettext_noop(
        "Pedido de informações enviado: o prazo de SLA está pausado até a resposta do cliente."
    ),
    S.RESOLVED: gettext_noop("Chamado resolvido: aguardando a confirmação do cliente."),
    S.CANCELLED: gettext_noop("Chamado cancelado."),
}


def _transition(request, ticket, data, now):
    to = TicketStatus(data["to"])
    services.ticket_transition(
        ticket=ticket,
        to=to,
        actor=request.user,
        now=now,
        note=data["note"],
        expected_revision=data["expected_revision"],
    )
    if to in TRANSITION_DONE:
        return _(TRANSITION_DONE[to])
    return _("Status alterado para %(status)s.") % {"status": to}


def _diagnosis(request, ticket, data, now):
    services.ticket_diagnosis_register(
        ticket=ticket, actor=request.user, note=data["note"], now=now, expected_revision=data["expected_revision"]
    )
    return _("Diagnóstico registrado.")


def _reclassify(request, ticket, data, now):
    services.ticket_reclassify(
        ticket=ticket,
        actor=request.user,
        type=data["type"],
        severity=data["severity"],
        justification=data["justification"],
        triggering_fact=data["triggering_fact"],
        now=now,
        expected_revision=data["expected_revision"],
    )
    return _("Chamado reclassificado.")


def _reopen_request(ticket, data):
    request_obj = selectors.workspace_pending_reopen_requests(ticket).filter(pk=data["request_id"]).first()
    if request_obj is None:
        raise DomainError(services.REOPEN_NOT_PENDING)
    return request_obj


def _reopen_approve(request, ticket, data, now):
    # The pending request is the concurrency guard: a second decision finds it decided.
    services.reopen_request_approve(request=_reopen_request(ticket, data), actor=request.user, now=now)
    return _("Reabertura aprovada: o chamado voltou para EM ATENDIMENTO.")


def _reopen_refuse(request, ticket, data, now):
    services.reopen_request_refuse(
        request=_reopen_request(ticket, data), actor=request.user, reason=data["reason"], now=now
    )
    return _("Reabertura recusada.")


def _phone(request, ticket, data, now):
    channels.phone_call_log(
        ticket=ticket,
        actor=request.user,
        contact_name=data["contact_name"],
        direction=data["direction"],
        started_at=data["started_at"],
        duration=data["duration"],
        summary=data["summary"],
        now=now,
        expected_revision=data["expected_revision"],
    )
    return _("Ligação registrada.")


def _video(request, ticket, data, now):
    invitation = channels.video_call_invite(
        ticket=ticket,
        actor=request.user,
        starts_at=data["starts_at"],
        duration=data["duration"],
        link=data["link"],
        participants=data["participants"],
        message=data["message"],
        now=now,
        expected_revision=data["expected_revision"],
    )
    return _("Convite de videochamada enviado para %(count)d participante(s).") % {
        "count": len(invitation.participants)
    }


def _fix_link(request, ticket, data, now):
    linked = services.ticket_fix_link(
        ticket=ticket,
        release_id=data["release"],
        actor=request.user,
        now=now,
        expected_revision=data["expected_revision"],
    )
    if linked.fixed_in.is_published:
        return _("Versão vinculada: o cliente foi avisado de que o problema está corrigido na versão %(version)s.") % {
            "version": linked.fixed_in.version
        }
    return _("Correção prevista na versão %(version)s: o cliente será avisado quando ela for publicada.") % {
        "version": linked.fixed_in.version
    }


def _release_publish(request, ticket, data, now):
    if ticket.fixed_in_id is None:
        raise DomainError(FIX_NOTHING_TO_PUBLISH)
    if ticket.revision != data["expected_revision"]:
        raise Conflict(TICKET_CONFLICT)
    release = services.release_publish(release=ticket.fixed_in, actor=request.user, now=now)
    return _("Versão %(version)s publicada: os clientes dos chamados corrigidos foram avisados.") % {
        "version": release.version
    }


FIX_NOTHING_TO_PUBLISH = gettext_noop("Nenhuma versão vinculada a este chamado.")


@dataclass(frozen=True)
class Action:
    form: type
    capability: str
    run: Callable
    key: str  # which form of the page it re-renders


ACTIONS: dict[str, Action] = {
    "responder": Action(forms.CommentForm, "ticket.reply", _reply, "reply"),
    "nota": Action(forms.CommentForm, "ticket.internal_note", _note, "note"),
    "atribuir": Action(forms.AssignForm, "ticket.assign", _assign, "assign"),
    "status": Action(forms.TransitionForm, "ticket.transition", _transition, "status"),
    "diagnostico": Action(forms.DiagnosisForm, "ticket.transition", _diagnosis, "diagnosis"),
    "reclassificar": Action(forms.ReclassifyForm, "ticket.reclassify", _reclassify, "reclassify"),
    "reabertura-aprovar": Action(forms.ReopenDecisionForm, "ticket.reopen_decide", _reopen_approve, "reopen"),
    "reabertura-recusar": Action(forms.ReopenDecisionForm, "ticket.reopen_decide", _reopen_refuse, "reopen"),
    "ligacao": Action(forms.PhoneCallForm, "ticket.call", _phone, "phone"),
    "videochamada": Action(forms.VideoCallForm, "ticket.call", _video, "video"),
    "versao-corrigida": Action(forms.FixLinkForm, "ticket.fix_link", _fix_link, "fix"),
    "publicar-versao": Action(forms.RevisionForm, "release.publish", _release_publish, "publish"),
}


def _form_key(action: Action, form) -> str:
    return action.key


def _auto_id(action: Action, data) -> str:
    return f"id_{action.key}_%s"


@require("console.access", deny=404)
@require_POST
def ticket_action(request, ticket_id: int, action: str):
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    ticket = _access_ticket(request, ticket_id)
    refused = permissions.check(request, spec.capability, ticket)
    if refused is not None:
        return refused
    form = spec.form(request.POST, request.FILES, auto_id=_auto_id(spec, request.POST))
    key = _form_key(spec, form)
    if not form.is_valid():
        messages.error(request, _("Confira os campos destacados."))
        return _render_workspace(request, ticket, bound={key: form}, status=400)
    try:
        done = spec.run(request, ticket, form.cleaned_data, clock.now())
    except Conflict:
        # Nothing was applied. Show the current ticket and keep what the person typed, now based
        # on the revision they are looking at: sending again is a deliberate choice.
        fresh = _access_ticket(request, ticket_id)
        data = request.POST.copy()
        data["expected_revision"] = str(fresh.revision)
        kept = spec.form(data, auto_id=_auto_id(spec, data))
        kept.is_valid()
        return _render_workspace(request, fresh, bound={key: kept}, status=409, conflict=True)
    except DomainError as exc:
        for field, message in (exc.fields or {}).items():
            form.add_error(field if field in form.fields else None, message)
        if not exc.fields:
            form.add_error(None, exc.message)
        messages.error(request, exc.message)
        fresh = _access_ticket(request, ticket_id)
        return _render_workspace(request, fresh, bound={key: form}, status=400)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("console:ticket", args=[ticket.pk]))


# --------------------------------------------------------------------------- manager view


def _render_manager(request, *, form=None, status: int = 200):
    only = request.GET.get("so", "")
    overview = selectors.manager_overview(user=request.user, only=only)
    context = {
        "overview": overview,
        "only": only,
        "now": clock.now(),
        "form": form or forms.BulkReassignForm(auto_id="id_bulk_%s"),
    }
    return render(request, "console/manager.html", context, status=status)


@require("console.manage_team", deny=404)
@require_GET
def manager(request):
    return _render_manager(request)


@require("console.manage_team", deny=404)
@require_POST
def manager_reassign(request):
    """Reassign one or many tickets of the manager's teams, each through `ticket_assign`."""
    allowed_ids = list(selectors.manager_ticket_queryset(request.user).values_list("pk", flat=True))
    form = forms.BulkReassignForm(request.POST, ticket_ids=allowed_ids, auto_id="id_bulk_%s")
    if not form.is_valid():
        messages.error(request, _("Confira a seleção."))
        return _render_manager(request, form=form, status=400)
    now = clock.now()
    tickets = selectors.manager_ticket_queryset(request.user).filter(pk__in=form.cleaned_data["tickets"])
    done, failed = 0, []
    for ticket in tickets:
        try:
            services.ticket_assign(
                ticket=ticket,
                actor=request.user,
                assignee=form.cleaned_data["assignee"],
                team=form.cleaned_data["team"],
                now=now,
            )
            done += 1
        except DomainError as exc:
            failed.append(f"#{ticket.pk}: {exc.message}")
    if done:
        messages.success(
            request,
            ngettext("%(count)d chamado reatribuído.", "%(count)d chamados reatribuídos.", done) % {"count": done},
        )
    for failure in failed:
        messages.error(request, failure)
    return HttpResponseRedirect(reverse("console:manager"))


# --------------------------------------------------------------------------- canned replies


@require("console.access", deny=404)
@require_GET
def canned_picker(request, ticket_id: int):
    """The composer's list of canned replies, filled for this ticket (htmx partial)."""
    ticket = _access_ticket(request, ticket_id)
    now = clock.now()
    replies = [
        (reply, canned_reply_fill(reply, ticket=ticket, user=request.user, now=now))
        for reply in canned_replies_for(request.user, query=request.GET.get("q", ""))[:CANNED_PICKER_LIMIT]
    ]
    return render(request, "console/_canned_picker.html", {"replies": replies})


CANNED_PICKER_LIMIT = 20


def _canned_context(request, *, form=None, editing=None):
    teams = managed_reply_teams(request.user)
    return {
        "replies": canned_replies_for(request.user),
        "form": form or forms.CannedReplyForm(teams=teams, auto_id="id_canned_%s"),
        "editing": editing,
        "variables": CANNED_VARIABLES,
        "editable": {
            r.pk
            for r in canned_replies_for(request.user)
            if r.owner_id == request.user.pk or r.team_id in {t.pk for t in teams}
        },
    }


@require("console.access", deny=404)
def canned_replies(request):
    """Manage canned replies: personal ones for everyone, a team's for its managers."""
    if request.method != "POST":
        return render(request, "console/canned_replies.html", _canned_context(request))
    form = forms.CannedReplyForm(request.POST, teams=managed_reply_teams(request.user), auto_id="id_canned_%s")
    if form.is_valid():
        try:
            reply_services.canned_reply_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                team=form.cleaned_data["team"],
                now=clock.now(),
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Resposta pronta criada."))
            return HttpResponseRedirect(reverse("console:canned_replies"))
    return render(request, "console/canned_replies.html", _canned_context(request, form=form), status=400)


@require("console.access", deny=404)
def canned_reply_edit(request, pk: int):
    reply = canned_replies_for(request.user).filter(pk=pk).first()
    if reply is None:
        raise Http404
    if request.method != "POST":
        form = forms.CannedReplyForm(initial={"title": reply.title, "body": reply.body}, auto_id="id_canned_%s")
        return render(request, "console/canned_replies.html", _canned_context(request, form=form, editing=reply))
    form = forms.CannedReplyForm(request.POST, auto_id="id_canned_%s")
    if form.is_valid():
        try:
            reply_services.canned_reply_update(
                actor=request.user,
                reply_id=reply.pk,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                now=clock.now(),
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Resposta pronta atualizada."))
            return HttpResponseRedirect(reverse("console:canned_replies"))
    return render(
        request, "console/canned_replies.html", _canned_context(request, form=form, editing=reply), status=400
    )


@require("console.access", deny=404)
@require_POST
def canned_reply_delete(request, pk: int):
    try:
        reply_services.canned_reply_delete(actor=request.user, reply_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("console:canned_replies"))
    messages.success(request, _("Resposta pronta excluída."))
    return HttpResponseRedirect(reverse("console:canned_replies"))


def _form_errors(form, exc: DomainError) -> None:
    for field, message in (exc.fields or {}).items():
        form.add_error(field if field in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)
