"""Domain errors: raised by services, translated to a form error, a message or problem+json by the delivery layers.

Services raise with the pt-BR source text (module constants marked with `gettext_noop`); the error
translates it into the active language when it is built: the request's language in the web UI
(LocaleMiddleware), pt-BR in the REST API (ApiLanguageMiddleware), in tasks and in tests.
"""

from django.utils.translation import gettext


def _translated(text) -> str:
    text = str(text)
    return gettext(text) if text else text  # gettext("") would return the catalog header


class DomainError(Exception):
    """A business rule refused the operation. `message` is shown to people (in the active language)."""

    status_code = 422
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, fields: dict | None = None):
        message = _translated(message)
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        if fields:
            self.fields = {name: _translated(text) for name, text in fields.items()}
        else:
            self.fields = {field: message} if field else {}


class NotAllowed(DomainError):
    """The actor may not do this (role or ownership)."""

    status_code = 403
    code = "not_allowed"


class NotFound(DomainError):
    """Does not exist, or exists in another organization: both look the same to the caller."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The object changed since the caller read it (optimistic concurrency)."""

    status_code = 409
    code = "conflict"


class TooManyRequests(DomainError):
    """Over a rate limit: nothing was done; try again in `retry_after` seconds."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int = 60, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


class QuotaExceeded(DomainError):
    """Over a storage quota (count or bytes): nothing was stored."""

    status_code = 413
    code = "quota_exceeded"


class ServiceUnavailable(DomainError):
    """A dependency (the attachment storage…) does not answer now: nothing was done; try later."""

    status_code = 503
    code = "service_unavailable"
