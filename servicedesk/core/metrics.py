"""Prometheus metrics measured where they happen (prometheus-client): request latency here, task
latency in the Celery runner. The gauges read at scrape time (tickets, outbox, queue depth) are
in `servicedesk.ops.metrics`. With several processes on one host set PROMETHEUS_MULTIPROC_DIR
(docs/deployment.md): each process writes its samples there and the endpoint adds them up."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_LATENCY = Histogram(
    "servicedesk_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASK_LATENCY = Histogram(
    "servicedesk_task_queue_latency_seconds",
    "Time from a task's enqueue to the start of its run",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
TASK_DURATION = Histogram(
    "servicedesk_task_duration_seconds",
    "Time a task ran",
    ["task", "outcome"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60),
)
TASKS_RETRIED = Counter("servicedesk_task_retries_total", "Task runs that failed and will be retried", ["task"])


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.route or match.view_name or "unmatched"


def observe_request(request, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(request.method, _route(request)[:100], str(status)).observe(seconds)
