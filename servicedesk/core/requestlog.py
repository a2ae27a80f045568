"""A request id on every log line, and one structured line per request.

`RequestIdMiddleware` takes the caller's `X-Request-ID` (a load balancer's, when it is a plain
token of at most 64 characters) or makes one, keeps it in a context variable for the request,
answers it in `X-Request-ID`, and logs `request` (method, path, status, duration) on the
`servicedesk.request` logger. `RequestIdFilter` puts it on every record (`%(request_id)s`, or the
`request_id` key of the JSON logs of production); outside a request it is "-".
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
logger = logging.getLogger("servicedesk.request")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _VALID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            from servicedesk.core import metrics

            metrics.observe_request(request, response.status_code, elapsed)
            logger.info(
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                elapsed * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
