"""/tokens/: personal access tokens of the API (portal and console users alike)."""

from django.urls import path

from servicedesk.api import views

app_name = "tokens"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:token_id>/revogar/", views.token_revoke, name="revoke"),
]
