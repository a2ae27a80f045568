from django.urls import path

from servicedesk.core.ratelimit import throttle_posts
from servicedesk.portal import advisory_views, catalog_views, reports_views, views

app_name = "portal"

# Each reply mails the staff and each new ticket mails the team: per user and hour, at most
# PORTAL_REPLIES_PER_HOUR replies and PORTAL_TICKETS_PER_HOUR new tickets (training requests
# included, also those an approver opens for a colleague); over that the 429 page, and nothing
# changes. Invitations are limited per approver in accounts.services.colleague_invite.
limit_tickets = throttle_posts("portal-ticket", limit_setting="PORTAL_TICKETS_PER_HOUR")
limit_replies = throttle_posts("portal-reply", limit_setting="PORTAL_REPLIES_PER_HOUR")
urlpatterns = [
    path("", views.home, name="home"),
    path("chamados/", views.ticket_list, name="ticket_list"),
    path("chamados/novo/", limit_tickets(views.ticket_new), name="ticket_new"),
    path("chamados/treinamento/", limit_tickets(views.training_request), name="training_request"),
    path("chamados/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("chamados/<int:pk>/responder/", limit_replies(views.ticket_reply), name="ticket_reply"),
    path("chamados/<int:pk>/confirmar/", views.ticket_confirm, name="ticket_confirm"),
    path("chamados/<int:pk>/cancelar/", views.ticket_cancel, name="ticket_cancel"),
    path("chamados/<int:pk>/reabertura/", views.ticket_reopen_request, name="ticket_reopen_request"),
    path("anexos/<int:pk>/", views.attachment_download, name="attachment_download"),
    # The service catalog (issue 10): the cards, one short form per kind, the suggested articles.
    path("chamados/abrir/", catalog_views.catalog, name="catalog"),
    path("chamados/abrir/problema/", limit_tickets(catalog_views.problem), name="catalog_problem"),
    path("chamados/abrir/duvida/", limit_tickets(catalog_views.question), name="catalog_question"),
    path("chamados/abrir/treinamento/", limit_tickets(catalog_views.training), name="catalog_training"),
    path("chamados/abrir/proposta/", limit_tickets(catalog_views.proposal), name="catalog_proposal"),
    path("chamados/abrir/chave-de-licenca/", limit_tickets(catalog_views.license_key), name="catalog_license_key"),
    path("chamados/abrir/artigos-sugeridos/", catalog_views.article_suggestions, name="article_suggestions"),
    # Improvement suggestions (domain.md §10): the organization's list, a new one, its page.
    path("sugestoes/", catalog_views.suggestion_list, name="suggestion_list"),
    path("sugestoes/nova/", limit_tickets(catalog_views.suggestion_new), name="suggestion_new"),
    path("sugestoes/<int:pk>/", catalog_views.suggestion_detail, name="suggestion_detail"),
    # Technical advisory (domain.md §8): an approver's decisions, the report's PDF, the price list.
    path("propostas/<int:pk>/decisao/", advisory_views.proposal_decide, name="proposal_decide"),
    path("relatorios/<int:pk>/decisao/", advisory_views.report_decide, name="report_decide"),
    path("relatorios/<int:pk>/pdf/", advisory_views.report_pdf, name="report_pdf"),
    path("servicos-e-valores/", advisory_views.price_list, name="price_list"),
    # The monthly SLA statement (servicedesk.reports): approvers only.
    path("relatorios/sla/", reports_views.sla_statement_latest, name="sla_statement_latest"),
    path("relatorios/sla/<str:month>/", reports_views.sla_statement, name="sla_statement"),
    path("relatorios/sla/<str:month>/pdf/", reports_views.sla_statement_pdf, name="sla_statement_pdf"),
    path("organizacao/", views.organization, name="organization"),
    path("organizacao/acesso-remoto/", views.organization_remote_access, name="organization_remote_access"),
    path("organizacao/cronograma/", views.organization_deadline_add, name="organization_deadline_add"),
    path("organizacao/convites/", views.organization_invite, name="organization_invite"),
    path("organizacao/treinamento/", limit_tickets(views.organization_training_request), name="organization_training"),
    path(
        "organizacao/cronograma/<int:pk>/remover/",
        views.organization_deadline_remove,
        name="organization_deadline_remove",
    ),
]
