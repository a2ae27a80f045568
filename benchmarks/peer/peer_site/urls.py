from django.contrib import admin
from django.urls import include, path

# django-helpdesk's templates link to the admin (system settings page), so the admin is mounted.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
