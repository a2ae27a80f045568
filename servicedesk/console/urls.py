from django.urls import path

from servicedesk.console import views

app_name = "console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("chamados/<int:ticket_id>/", views.ticket_workspace, name="ticket"),
    path("chamados/<int:ticket_id>/respostas-prontas/", views.canned_picker, name="canned_picker"),
    path("chamados/<int:ticket_id>/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("gestao/", views.manager, name="manager"),
    path("gestao/reatribuir/", views.manager_reassign, name="manager_reassign"),
    path("respostas-prontas/", views.canned_replies, name="canned_replies"),
    path("respostas-prontas/<int:pk>/", views.canned_reply_edit, name="canned_reply_edit"),
    path("respostas-prontas/<int:pk>/excluir/", views.canned_reply_delete, name="canned_reply_delete"),
]
