from django.contrib import admin
from django.urls import include, path

# admin.site is servicedesk.accounts.admin_site.ServiceDeskAdminSite (INSTALLED_APPS): its login
# is ours, with the TOTP step.
urlpatterns = [
    path("", include("servicedesk.ops.urls")),  # /healthz, /readyz, /metrics (servicedesk.ops)
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("conta/", include("servicedesk.accounts.urls")),
    path("console/", include("servicedesk.console.urls")),
    path("api/v1/", include("servicedesk.api.urls")),
    path("tokens/", include("servicedesk.api.token_urls")),
    path("base-de-conhecimento/", include("servicedesk.portal.knowledge_urls")),
    path("documentacao/", include("servicedesk.portal.documents_urls")),
    path("pesquisa/", include("servicedesk.portal.survey_urls")),
    path("", include("servicedesk.portal.urls")),
]

# A database outage raised outside a view is a 503 too, not a 500 (servicedesk.core.unavailable).
handler500 = "servicedesk.core.unavailable.server_error"
