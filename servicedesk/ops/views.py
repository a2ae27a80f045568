"""Operations endpoints: `/healthz` (the process answers: no database, nothing else),
`/readyz` (database, cache, broker, storage: 503 with the failing ones) and `/metrics`
(Prometheus; only with `Authorization: Bearer <METRICS_TOKEN>`, a 404 otherwise)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from servicedesk.ops import checks, metrics


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    failures = {name: reason for name, check in checks.CHECKS.items() if (reason := check()) is not None}
    body = {
        "status": "unavailable" if failures else "ok",
        "checks": {name: failures.get(name, "ok") for name in checks.CHECKS},
    }
    return JsonResponse(body, status=503 if failures else 200)


@never_cache
def prometheus(request):
    token = getattr(settings, "METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404  # not public: nobody learns the endpoint exists
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_LATEST)
