from django.urls import path

from servicedesk.portal import documents_views

app_name = "documents"

urlpatterns = [
    path("", documents_views.home, name="index"),
    path("<int:pk>/baixar/", documents_views.download, name="download"),
]
