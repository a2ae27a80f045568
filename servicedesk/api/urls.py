"""/api/v1/: the NinjaAPI (servicedesk.api.main), with problem+json for unknown paths and wrong methods."""

from functools import wraps

from django.urls import URLPattern, re_path

from servicedesk.api.errors import method_not_allowed, not_found_view
from servicedesk.api.main import api

app_name = "api"


def _problem_405(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/problem"):
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            return method_not_allowed(request, allowed)
        return response

    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)
    return wrapper


def _patterns():
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _problem_405(pattern.callback)
    return patterns


urlpatterns = [*_patterns(), re_path(r"^.*$", not_found_view, name="not-found")]
