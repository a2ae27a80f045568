from django.urls import path

from servicedesk.console import (
    advisory_views,
    documents_views,
    knowledge_views,
    reports_views,
    suggestion_views,
    views,
)

app_name = "console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("chamados/<int:ticket_id>/", views.ticket_workspace, name="ticket"),
    path("chamados/<int:ticket_id>/respostas-prontas/", views.canned_picker, name="canned_picker"),
    path("chamados/<int:ticket_id>/painel/<slug:panel>/", views.ticket_panel, name="ticket_panel"),
    path("chamados/<int:ticket_id>/assessoria/proposta/", advisory_views.proposal_draft, name="advisory_draft"),
    # Knowledge base (issue 10): before the catch-all ticket action below.
    path("chamados/<int:ticket_id>/base-de-conhecimento/", knowledge_views.kb_picker, name="kb_picker"),
    path("chamados/<int:ticket_id>/transformar-em-artigo/", knowledge_views.kb_from_ticket, name="kb_from_ticket"),
    path("chamados/<int:ticket_id>/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("gestao/", views.manager, name="manager"),
    path("gestao/reatribuir/", views.manager_reassign, name="manager_reassign"),
    path("respostas-prontas/", views.canned_replies, name="canned_replies"),
    # Improvement suggestions (domain.md §10): triage list, one suggestion, its status, its tickets.
    path("sugestoes/", suggestion_views.suggestion_list, name="suggestions"),
    path("sugestoes/<int:pk>/", suggestion_views.suggestion_detail, name="suggestion"),
    path("sugestoes/<int:pk>/situacao/", suggestion_views.suggestion_move, name="suggestion_move"),
    path("sugestoes/<int:pk>/chamados/", suggestion_views.suggestion_link, name="suggestion_link"),
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
    # Product documentation (issue 10): upload, list with download counts, the download log.
    path("documentos/", documents_views.documents, name="documents"),
    path("documentos/versoes/", documents_views.document_releases, name="document_releases"),
    path("documentos/<int:pk>/", documents_views.document_detail, name="document_detail"),
    path("documentos/<int:pk>/retirar/", documents_views.document_withdraw, name="document_withdraw"),
    path("documentos/<int:pk>/excluir/", documents_views.document_delete, name="document_delete"),
    # Knowledge base (issue 10).
    path("base-de-conhecimento/", knowledge_views.kb_list, name="kb_list"),
    path("base-de-conhecimento/novo/", knowledge_views.kb_create, name="kb_create"),
    path("base-de-conhecimento/<int:pk>/", knowledge_views.kb_article, name="kb_article"),
    path("base-de-conhecimento/<int:pk>/editar/", knowledge_views.kb_edit, name="kb_edit"),
    path("base-de-conhecimento/<int:pk>/publicar/", knowledge_views.kb_publish, name="kb_publish"),
    path("base-de-conhecimento/<int:pk>/arquivar/", knowledge_views.kb_archive, name="kb_archive"),
    path("base-de-conhecimento/<int:pk>/imagens/", knowledge_views.kb_image_upload, name="kb_image_upload"),
    path("base-de-conhecimento/<int:pk>/versoes/", knowledge_views.kb_diff, name="kb_diff"),
    # SLA reports (servicedesk.reports, domain.md §10)
    path("relatorios/", reports_views.reports_dashboard, name="reports"),
    path("relatorios/versoes/", reports_views.release_fixes_report, name="report_releases"),
    path("relatorios/gerencial/<str:month>.pdf", reports_views.reports_management_pdf, name="reports_management"),
]
