"""Customer portal. Thin views: parse the input, one access function, one service or selector,
render. Every rule lives in tickets/services.py and accounts/services.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from servicedesk.accounts import services as account_services
from servicedesk.accounts.permissions import can, check, is_staff_user, require
from servicedesk.accounts.selectors import local_date, user_is_trained
from servicedesk.advisory.services.proposals import APPROVERS_ONLY
from servicedesk.core import clock
from servicedesk.core.errors import Conflict, DomainError, NotFound
from servicedesk.portal import selectors
from servicedesk.portal.advisory_forms import decision_forms
from servicedesk.portal.forms import (
    SEVERITY_DEFINITIONS,
    TYPE_DEFINITIONS,
    ColleagueTrainingForm,
    DeadlineForm,
    InvitationForm,
    RemoteAccessForm,
    ReopenRequestForm,
    ReplyForm,
    RevisionForm,
    TicketOpenForm,
    TrainingRequestForm,
)
from servicedesk.sla.engine.policy import PAUSING_STATUSES, Environment, TicketStatus, TicketType
from servicedesk.tickets import services as ticket_services
from servicedesk.tickets.access import (
    UNTRAINED_READ_ONLY,
    access_attachment,
    access_ticket,
    actor_is_trained,
    fix_release_for,
    ticket_customer_actions,
    ticket_may,
    ticket_queryset_for,
)
from servicedesk.tickets.models import ReopenRequestStatus, TicketCategory
from servicedesk.ui.paging import page_number

S = TicketStatus
HOME_LIMIT = 50
INLINE_CONTENT_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})
SERVICE_HOURS = gettext_lazy("09h–13h e 14h–18h, de segunda a sexta-feira (horário de Brasília), exceto feriados")


def _knowledge_url() -> str | None:
    """The knowledge base, once it exists; until then the portal says nothing about it."""
    try:
        return reverse("knowledge:home")
    except NoReverseMatch:
        return None


def _ticket_or_404(user, ticket_id: int):
    try:
        return access_ticket(user, ticket_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --------------------------------------------------------------------------- home & lists


def home(request):
    if request.user.is_authenticated and is_staff_user(request.user):
        return redirect("/console/")
    refused = check(request, "portal.access")
    if refused is not None:
        return refused
    tickets = selectors.portal_open_tickets(user=request.user, limit=HOME_LIMIT)
    context = {
        "tickets": tickets,
        "counts": selectors.portal_ticket_counts(user=request.user),
        "home_limit": HOME_LIMIT,
        "phone": settings.SUPPORT_PHONE,
        "service_hours": SERVICE_HOURS,
        "knowledge_url": _knowledge_url(),
        "now": clock.now(),
    }
    if request.htmx:
        return render(request, "portal/_home_tickets.html", context)
    context["awaiting"] = selectors.portal_awaiting_approval(user=request.user)
    return render(request, "portal/home.html", context)


@require("portal.access")
def ticket_list(request):
    state = request.GET.get("estado", "abertos")
    if state not in ("abertos", "fechados", "todos"):
        state = "abertos"
    status = request.GET.get("status", "")
    query = request.GET.get("q", "")
    page = selectors.portal_ticket_page(
        user=request.user, state=state, status=status, query=query, page=page_number(request.GET.get("pagina"))
    )
    params = request.GET.copy()
    params.pop("pagina", None)
    context = {
        "page": page,
        "state": state,
        "status": status,
        "query": query,
        "statuses": [s.value for s in S],
        "querystring": params.urlencode(),
        "now": clock.now(),
    }
    return render(request, "portal/ticket_list.html", context)


# --------------------------------------------------------------------------- opening


def _open_context(request, form, **extra):
    def value(name):
        return str(form[name].value() or "") if name in form.fields else ""

    return {
        "form": form,
        "type_options": [(t, d, t == value("type")) for t, d in TYPE_DEFINITIONS.items()],
        "severity_options": [(s, d, s == value("severity")) for s, d in SEVERITY_DEFINITIONS.items()],
        "environment_options": [(e.value, e.value.capitalize(), e.value == value("environment")) for e in Environment],
        "modules": [
            {
                "id": m.pk,
                "product_id": m.product_id,
                "label": f"{m.product.name} › {m.name}",
                "selected": str(m.pk) == value("module"),
            }
            for m in form.fields["module"].queryset
        ],
        "releases": _release_info(form, value("release")),
        "organization": request.user.organization,
        "version_warning": _(ticket_services.VERSION_NOT_SUPPORTED),
        **extra,
    }


def _release_info(form, selected: str) -> list[dict]:
    """Release options with product and support flag, for the version warning in the form."""
    if "release" not in form.fields:
        return []
    from servicedesk.catalog.selectors import supported_release_ids

    supported = supported_release_ids()
    return [
        {
            "id": r.pk,
            "product_id": r.product_id,
            "version": r.version,
            "product": r.product.name,
            "supported": r.pk in supported,
            "selected": str(r.pk) == selected,
        }
        for r in form.fields["release"].queryset
    ]


@require("portal.access")
def ticket_new(request, fixed_type: str | None = None):
    """The guided form; `fixed_type` (Problema or Dúvida): the catalog's card of that type —
    the type is not asked, and the form suggests knowledge-base articles as the title and
    description are typed (portal.catalog_views.article_suggestions)."""
    user = request.user
    now = clock.now()
    if not user_is_trained(user, on=local_date(now)):
        form = TrainingRequestForm(organization=user.organization)
        return render(request, "portal/not_trained.html", {"form": form})
    if request.method == "POST":
        if not can(user, "ticket.open"):
            raise Http404
        posted = request.POST
        if fixed_type:
            posted = posted.copy()
            posted["type"] = fixed_type
        form = TicketOpenForm(posted, request.FILES, organization=user.organization)
        if form.is_valid():
            data = form.cleaned_data
            linked = None
            if data.get("linked_ticket"):
                linked = ticket_queryset_for(user).filter(pk=data["linked_ticket"]).first()
                if linked is None:
                    form.add_error("linked_ticket", _("Chamado não encontrado na sua organização."))
            if form.is_valid():
                try:
                    ticket = ticket_services.ticket_open(
                        requester=user,
                        type=data["type"],
                        severity=data["severity"] or None,
                        environment=data["environment"],
                        module=data["module"],
                        release=data.get("release"),
                        version_text=data.get("version_text", ""),
                        title=data["title"],
                        description=data["description"],
                        files=data["files"],
                        category=data["category"] if data["type"] == TicketType.REQUEST else "",
                        affected_process=data.get("affected_process"),
                        linked_ticket=linked,
                        now=now,
                    )
                except DomainError as exc:
                    form.apply_errors(exc.fields, exc.message)
                else:
                    messages.success(
                        request,
                        _("Chamado #%(number)s aberto. Acompanhe o atendimento por aqui.") % {"number": ticket.number},
                    )
                    if not ticket.version_supported:
                        messages.warning(request, _(ticket_services.VERSION_NOT_SUPPORTED))
                    return redirect("portal:ticket_detail", pk=ticket.pk)
        if request.FILES:
            messages.info(request, _("Por segurança, selecione os anexos novamente antes de enviar."))
    else:
        initial = {}
        linked = request.GET.get("vinculado", "")
        if linked.isdigit():
            initial["linked_ticket"] = int(linked)
        if fixed_type:
            initial["type"] = fixed_type
        form = TicketOpenForm(initial=initial, organization=user.organization)
    if fixed_type:
        form.fields["title"].widget.attrs.update(_suggest_attrs())
        form.fields["description"].widget.attrs.update(_suggest_attrs())
    return render(request, "portal/ticket_new.html", _open_context(request, form, fixed_type=fixed_type))


def _suggest_attrs() -> dict[str, str]:
    """The deflection widget (issue 10): htmx asks for articles 400 ms after the text stops
    changing (typed, pasted or dictated: the `input` event), one request at a time (a newer
    one replaces the one in flight). No `change` trigger: it fired on blur, so pressing a
    suggestion re-rendered the list under the pointer and the click could fall on nothing."""
    return {
        "hx-get": reverse("portal:article_suggestions"),
        "hx-trigger": "input changed delay:400ms",
        "hx-target": "#kb-suggestions",
        "hx-include": "#id_title, #id_description",
        "hx-sync": "closest form:replace",
        "autocomplete": "off",
    }


TRAINING_REGISTERED = gettext_noop(
    "Solicitação de treinamento #%(number)s registrada. A equipe de treinamento entrará em contato."
)


def submit_ticket_form(request, form, open_ticket, message: str):
    """The one way a portal form opens a ticket: `open_ticket(cleaned_data)` (a service call) on
    a valid form, the service's errors back onto the form, and on success `message` (with the
    ticket's %(number)s) and the ticket page. None: the form goes back to the person."""
    if not form.is_valid():
        return None
    try:
        ticket = open_ticket(form.cleaned_data)
    except DomainError as exc:
        form.apply_errors(exc.fields, exc.message)
        return None
    messages.success(request, message % {"number": ticket.number})
    return redirect("portal:ticket_detail", pk=ticket.pk)


def open_training_request(request):
    """The training request a person makes for themselves (the untrained page, the catalog card)."""
    return lambda data: ticket_services.ticket_training_request(
        requester=request.user, module=data["module"], description=data["description"], now=clock.now()
    )


@require_POST
@require("portal.access")
def training_request(request):
    form = TrainingRequestForm(request.POST, organization=request.user.organization)
    response = submit_ticket_form(request, form, open_training_request(request), _(TRAINING_REGISTERED))
    return response or render(request, "portal/not_trained.html", {"form": form}, status=200)


# --------------------------------------------------------------------------- ticket page


def _decide_refusal(user, ticket, *, now) -> str | None:
    """Why the portal offers this person no advisory decision (None: it offers them), in the
    words the services would refuse it with (advisory.services.proposals, tickets.access)."""
    if ticket_may(user, "advisory.decide", ticket, trained=actor_is_trained(user, now=now)):
        return None
    return _(APPROVERS_ONLY) if not user.is_approver else _(UNTRAINED_READ_ONLY)


def _detail_context(
    request, ticket, *, reply_form=None, reason_form=None, reopen_form=None, conflict=None, advisory_form=None
):
    user = request.user
    now = clock.now()
    pending_reopen = ticket.reopen_requests.filter(status=ReopenRequestStatus.PENDING).first()
    actions = ticket_customer_actions(user, ticket, now=now, reopen_pending=pending_reopen is not None)
    last_refused = (
        ticket.reopen_requests.filter(status=ReopenRequestStatus.REFUSED).order_by("-decided_at").first()
        if ticket.status == S.CLOSED
        else None
    )
    revision_initial = {"expected_revision": ticket.revision}
    comments = selectors.portal_ticket_conversation(user=user, ticket=ticket)
    deadlines = selectors.portal_ticket_deadlines(ticket, now=now)
    advisory = selectors.portal_ticket_advisory(user=user, ticket=ticket)
    decide_refusal = _decide_refusal(user, ticket, now=now) if advisory["waiting"] else None
    if advisory["waiting"] and decide_refusal is None:
        decision_forms(advisory, advisory_form)
    return {
        "ticket": ticket,
        "now": now,
        "fix_release": fix_release_for(user, ticket),
        "comments": comments,
        "team_message": selectors.portal_team_message(ticket=ticket, comments=comments),
        "loose_attachments": selectors.portal_ticket_loose_attachments(ticket=ticket),
        "timeline": selectors.portal_ticket_timeline(ticket=ticket),
        "clocks": deadlines["clocks"],
        "auto_close_at": deadlines["auto_close_at"],
        "auto_close_due": deadlines["auto_close_due"],
        # A training request has no environment, remote access or evidence to show or ask for.
        "is_training": ticket.category == TicketCategory.TRAINING,
        "paused": ticket.status in PAUSING_STATUSES,
        "organization": ticket.organization,
        "remote_access_valid": ticket.organization.remote_access_valid_on(local_date(now)),
        "next_process_date": ticket.affected_process.next_date(local_date(now)) if ticket.affected_process else None,
        "can_reply": actions["reply"],
        "can_confirm": actions["confirm"],
        "can_cancel": actions["cancel"],
        "can_request_reopen": actions["reopen_request"],
        "can_open_linked": actions["open_linked"],
        "pending_reopen": pending_reopen,
        "last_refused": last_refused,
        "reply_form": reply_form or ReplyForm(initial=revision_initial),
        "reason_form": reason_form or RevisionForm(initial=revision_initial),
        "reopen_form": reopen_form or ReopenRequestForm(),
        "conflict": conflict,
        "advisory": advisory,
        "decide_refusal": decide_refusal,
        "approvers": selectors.organization_approvers(organization_id=ticket.organization_id) if decide_refusal else [],
    }


@require("portal.access")
def ticket_detail(request, pk: int):
    ticket = _ticket_or_404(request.user, pk)
    return render(request, "portal/ticket_detail.html", _detail_context(request, ticket))


def _refused(request, ticket, exc: DomainError, **forms):
    """Re-render the ticket page with the error and everything the person typed."""
    if isinstance(exc, Conflict):
        ticket = _ticket_or_404(request.user, ticket.pk)
        # Keep what was typed; the resubmission is based on the state now shown.
        forms = {
            name: type(form)(data={**form.data.dict(), "expected_revision": ticket.revision}) if form.is_bound else form
            for name, form in forms.items()
        }
        return render(
            request,
            "portal/ticket_detail.html",
            _detail_context(request, ticket, conflict=exc.message, **forms),
            status=409,
        )
    messages.error(request, exc.message)
    return render(request, "portal/ticket_detail.html", _detail_context(request, ticket, **forms), status=422)


@require_POST
@require("ticket.reply")
def ticket_reply(request, pk: int):
    """The one composer: a message (with or without files), or files alone as evidence."""
    ticket = _ticket_or_404(request.user, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "portal/ticket_detail.html", _detail_context(request, ticket, reply_form=form), status=422
        )
    data = form.cleaned_data
    try:
        if form.evidence_only:
            ticket_services.ticket_attachment_add(
                ticket=ticket,
                uploader=request.user,
                files=data["files"],
                now=clock.now(),
                expected_revision=data["expected_revision"],
            )
        else:
            ticket_services.ticket_comment_add(
                ticket=ticket,
                author=request.user,
                body=data["body"],
                files=data["files"],
                now=clock.now(),
                expected_revision=data["expected_revision"],
            )
    except DomainError as exc:
        if exc.fields and not isinstance(exc, Conflict):
            for name, text in exc.fields.items():
                form.add_error(name if name in form.fields else None, text)
            return render(
                request, "portal/ticket_detail.html", _detail_context(request, ticket, reply_form=form), status=422
            )
        return _refused(request, ticket, exc, reply_form=form)
    messages.success(request, _("Evidência anexada.") if form.evidence_only else _("Mensagem enviada."))
    return redirect("portal:ticket_detail", pk=ticket.pk)


@require_POST
@require("ticket.confirm")
def ticket_confirm(request, pk: int):
    ticket = _ticket_or_404(request.user, pk)
    form = RevisionForm(request.POST)
    revision = form.cleaned_data["expected_revision"] if form.is_valid() else None
    try:
        ticket_services.ticket_confirm_solution(
            ticket=ticket, actor=request.user, now=clock.now(), expected_revision=revision
        )
    except DomainError as exc:
        return _refused(request, ticket, exc)
    messages.success(request, _("Obrigado! Solução confirmada e chamado encerrado."))
    return redirect("portal:ticket_detail", pk=ticket.pk)


@require_POST
@require("ticket.cancel")
def ticket_cancel(request, pk: int):
    ticket = _ticket_or_404(request.user, pk)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, ticket, DomainError(_("Recarregue a página e tente de novo.")), reason_form=form)
    try:
        ticket_services.ticket_cancel(
            ticket=ticket,
            actor=request.user,
            now=clock.now(),
            reason=form.cleaned_data["reason"],
            expected_revision=form.cleaned_data["expected_revision"],
        )
    except DomainError as exc:
        return _refused(request, ticket, exc, reason_form=form)
    messages.success(request, _("Chamado cancelado."))
    return redirect("portal:ticket_detail", pk=ticket.pk)


@require_POST
@require("ticket.reopen_request")
def ticket_reopen_request(request, pk: int):
    ticket = _ticket_or_404(request.user, pk)
    form = ReopenRequestForm(request.POST)
    if not form.is_valid():
        return render(
            request, "portal/ticket_detail.html", _detail_context(request, ticket, reopen_form=form), status=422
        )
    try:
        ticket_services.reopen_request_create(
            ticket=ticket, actor=request.user, reason=form.cleaned_data["reason"], now=clock.now()
        )
    except DomainError as exc:
        return _refused(request, ticket, exc, reopen_form=form)
    messages.success(request, _("Pedido de reabertura enviado. A equipe WeConnect vai analisá-lo."))
    return redirect("portal:ticket_detail", pk=ticket.pk)


# --------------------------------------------------------------------------- attachments


@login_required
def attachment_download(request, pk: int):
    """Shared by portal and console: access-checked, never rendered inline unless safe."""
    try:
        attachment = access_attachment(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    inline = attachment.content_type in INLINE_CONTENT_TYPES
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type if attachment.content_type else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- organization


def _organization_context(request, *, access_form=None, deadline_form=None, invite_form=None, training_form=None):
    organization = request.user.organization
    today = local_date(clock.now())
    people = selectors.organization_people(organization=organization, today=today)
    if training_form is None:
        chosen = request.GET.get("treinar", "")
        initial = {"colleague": int(chosen)} if chosen.isdigit() else {}
        training_form = ColleagueTrainingForm(organization=organization, people=people, initial=initial)
    return {
        "organization": organization,
        "today": today,
        "people": people,
        "deadlines": [(d, d.next_date(today)) for d in organization.operational_deadlines.all()],
        "access_form": access_form
        or RemoteAccessForm(
            initial={
                "authorized": organization.remote_access_authorized,
                "includes_sql": organization.remote_access_sql,
                "authorized_by": organization.remote_access_authorized_by,
                "until": organization.remote_access_until,
                "notes": organization.remote_access_notes,
            }
        ),
        "deadline_form": deadline_form or DeadlineForm(),
        "invite_form": invite_form or InvitationForm(),
        "training_form": training_form,
        "remote_access_valid": organization.remote_access_valid_on(today),
    }


@require("org.manage")
def organization(request):
    return render(request, "portal/organization.html", _organization_context(request))


@require_POST
@require("org.manage")
def organization_remote_access(request):
    form = RemoteAccessForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            account_services.organization_remote_access_update(
                organization=request.user.organization,
                actor=request.user,
                authorized=data["authorized"],
                includes_sql=data["includes_sql"],
                authorized_by=data["authorized_by"],
                until=data["until"],
                notes=data["notes"],
                today=local_date(clock.now()),
            )
        except DomainError as exc:
            form.apply_errors(exc.fields, exc.message)
        else:
            messages.success(request, _("Autorização de acesso remoto atualizada."))
            return redirect("portal:organization")
    return render(request, "portal/organization.html", _organization_context(request, access_form=form), status=422)


@require_POST
@require("org.manage")
def organization_deadline_add(request):
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            account_services.operational_deadline_add(
                organization=request.user.organization,
                actor=request.user,
                process=form.cleaned_data["process"],
                day_of_month=form.cleaned_data["day_of_month"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as exc:
            form.apply_errors(exc.fields, exc.message)
        else:
            messages.success(request, _("Prazo adicionado ao cronograma."))
            return redirect("portal:organization")
    return render(request, "portal/organization.html", _organization_context(request, deadline_form=form), status=422)


@require_POST
@require("org.manage")
def organization_deadline_remove(request, pk: int):
    try:
        account_services.operational_deadline_remove(
            organization=request.user.organization, actor=request.user, deadline_id=pk
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("Prazo removido do cronograma."))
    return redirect("portal:organization")


@require_POST
@require("org.manage")
def organization_invite(request):
    """Invite a colleague by e-mail, or send an existing colleague the link again."""
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = account_services.colleague_invite(
                actor=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                site_url=request.build_absolute_uri("/"),
            )
        except DomainError as exc:
            form.apply_errors(exc.fields, exc.message)
        else:
            text = (
                _("Convite enviado para %(email)s: a pessoa recebe um link para escolher a senha.")
                if invitation.created
                else _("Convite enviado de novo para %(email)s.")
            )
            messages.success(request, text % {"email": invitation.user.email})
            return redirect("portal:organization")
    return render(request, "portal/organization.html", _organization_context(request, invite_form=form), status=422)


@require_POST
@require("org.manage")
def organization_training_request(request):
    """A training request for a colleague: its requester is the colleague, the person to be
    trained (why: accounts.services.training_on_behalf_description)."""
    user = request.user
    people = selectors.organization_people(organization=user.organization, today=local_date(clock.now()))
    form = ColleagueTrainingForm(request.POST, organization=user.organization, people=people)
    if form.is_valid():
        data = form.cleaned_data
        try:
            colleague = account_services.access_colleague(user, data["colleague"])
            ticket = ticket_services.ticket_training_request(
                requester=colleague,
                module=data["module"],
                description=account_services.training_on_behalf_description(
                    actor=user, colleague=colleague, notes=data["description"]
                ),
                now=clock.now(),
                opened_by=user,
            )
        except DomainError as exc:
            form.apply_errors(exc.fields, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Solicitação de treinamento #%(number)s registrada para %(name)s. A equipe de treinamento entrará em contato."
                )
                % {"number": ticket.number, "name": colleague.get_full_name() or colleague.username},
            )
            return redirect("portal:ticket_detail", pk=ticket.pk)
    return render(request, "portal/organization.html", _organization_context(request, training_form=form), status=422)
