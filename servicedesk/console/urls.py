from django.urls import path

from servicedesk.console import advisory_views, reports_views, views

app_name = "console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("chamados/<int:ticket_id>/", views.ticket_workspace, name="ticket"),
    path("chamados/<int:ticket_id>/respostas-prontas/", views.canned_picker, name="canned_picker"),
    path("chamados/<int:ticket_id>/assessoria/proposta/", advisory_views.proposal_draft, name="advisory_draft"),
    path("chamados/<int:ticket_id>/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("gestao/", views.manager, name="manager"),
    path("gestao/reatribuir/", views.manager_reassign, name="manager_reassign"),
    path("respostas-prontas/", views.canned_replies, name="canned_replies"),
    path("respostas-prontas/<int:pk>/", views.canned_reply_edit, name="canned_reply_edit"),
    path("respostas-prontas/<int:pk>/excluir/", views.canned_reply_delete, name="canned_reply_delete"),
    # Technical advisory (domain.md §8): the panel's actions on the ticket page, and the commercial page.
    path("assessoria/", advisory_views.commercial, name="advisory"),
    path("assessoria/exportar/", advisory_views.billing_export, name="advisory_export"),
    path("assessoria/lotes/<int:batch_id>/csv/", advisory_views.batch_csv, name="advisory_batch_csv"),
    path("assessoria/lotes/<int:batch_id>/xlsx/", advisory_views.batch_xlsx, name="advisory_batch_xlsx"),
    path("assessoria/propostas/<int:proposal_id>/editar/", advisory_views.proposal_update, name="advisory_update"),
    path("assessoria/propostas/<int:proposal_id>/enviar/", advisory_views.proposal_send, name="advisory_send"),
    path("assessoria/propostas/<int:proposal_id>/cancelar/", advisory_views.proposal_cancel, name="advisory_cancel"),
    path(
        "assessoria/<int:engagement_id>/agendar/",
        advisory_views.appointment_schedule,
        name="advisory_appointment",
    ),
    path("assessoria/<int:engagement_id>/apontamentos/", advisory_views.time_entry_log, name="advisory_entry"),
    path(
        "assessoria/<int:engagement_id>/apontamentos/<int:entry_id>/editar/",
        advisory_views.time_entry_update,
        name="advisory_entry_update",
    ),
    path(
        "assessoria/<int:engagement_id>/apontamentos/<int:entry_id>/excluir/",
        advisory_views.time_entry_delete,
        name="advisory_entry_delete",
    ),
    path("assessoria/<int:engagement_id>/relatorio/previa/", advisory_views.report_preview, name="advisory_preview"),
    path("assessoria/<int:engagement_id>/relatorio/enviar/", advisory_views.report_send, name="advisory_report_send"),
    path("assessoria/relatorios/<int:report_id>/pdf/", advisory_views.report_pdf, name="advisory_report_pdf"),
    # SLA reports (servicedesk.reports, domain.md §10)
    path("relatorios/", reports_views.reports_dashboard, name="reports"),
]
