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
