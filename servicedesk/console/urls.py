from django.urls import path

from servicedesk.console import views

app_name = "console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("chamados/<int:ticket_id>/", views.ticket_workspace, name="ticket"),
    path("chamados/<int:ticket_id>/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("gestao/", views.manager, name="manager"),
    path("gestao/reatribuir/", views.manager_reassign, name="manager_reassign"),
]
