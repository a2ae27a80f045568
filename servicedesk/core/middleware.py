"""Request middleware shared by the delivery layers."""

from django.utils import translation

API_PREFIX = "/api/"
API_LANGUAGE = "pt-br"


class ApiLanguageMiddleware:
    """The REST API always answers in pt-BR (issue 4), whatever the caller's Accept-Language.

    Placed right after LocaleMiddleware, it overrides the language that middleware activated;
    the web UI keeps the visitor's choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            translation.activate(API_LANGUAGE)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


NO_STORE = "private, no-store"


class PrivateNoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every API response and every page of a signed-in
    person: no shared cache, and no browser history copy, keeps tickets of one user away from the
    next user of the machine. A response that set its own Cache-Control (an attachment download,
    ``never_cache``) keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.path_info.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            response["Cache-Control"] = NO_STORE
        return response
