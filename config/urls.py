from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "WeConnect Service Desk — retaguarda"
admin.site.site_title = "WeConnect Service Desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("conta/", include("servicedesk.accounts.urls")),
    path("console/", include("servicedesk.console.urls")),
    path("api/v1/", include("servicedesk.api.urls")),
    path("tokens/", include("servicedesk.api.token_urls")),
    path("", include("servicedesk.portal.urls")),
]
