"""Domain errors: raised by services, translated to a form error, a message or problem+json by the delivery layers."""


class DomainError(Exception):
    """A business rule refused the operation. `message` is shown to people (pt-BR)."""

    status_code = 422
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.fields = fields or ({field: message} if field else {})


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
