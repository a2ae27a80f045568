"""The stored-files check (issue 12, "nothing half-saved"): every model that keeps a file in the
storage against the files themselves.

- a stored file no row names (an **orphan**: a crash between the file's save and its row's
  commit) is reported, and deleted once older than ATTACHMENT_ORPHAN_GRACE_HOURS — never
  younger: an upload in flight has written its file and not yet committed its row;
- a row whose file is **missing**, and a file whose content no longer has the row's sha256
  (**mismatched**), are reported only (the row is the evidence; an operator restores the file
  from a backup).

Run hourly (PERIODIC_TASKS: `servicedesk.ops.tasks.storage_check`) and by `manage.py
check_attachments`; each run is a StorageCheck row (back office: Operação › Verificações dos
arquivos), a structured log line and the `servicedesk_storage_files_problems` gauge of /metrics.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.db import models

from servicedesk.ops.models import StorageCheck

logger = logging.getLogger(__name__)

# The files live under these folders of the storage (the upload_to of tickets.Attachment,
# documents.Document, knowledge.ArticleImage, api.PendingUpload); anything else there (readyz's
# probe) is not ours. A new model storing elsewhere shows its rows as "missing", never its files
# as orphans: loud, not destructive.
FOLDERS = ("attachments", "documents", "kb", "api-uploads")
DETAILS_MAX = 200
CHUNK = 1024 * 1024


@dataclass
class CheckResult:
    files: int = 0
    rows: int = 0
    orphans: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    mismatched: list[dict] = field(default_factory=list)

    @property
    def orphans_deleted(self) -> int:
        return sum(1 for orphan in self.orphans if orphan["deleted"])


def _walk(storage, folder: str):
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}")


def _sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_file_fields() -> list[tuple[type[models.Model], str]]:
    """Every model with a stored file, and its FileField's name: found in the app registry, so
    a new one is checked too (each keeps the sha256 of its content in a `sha256` column). The
    registry, not imports: the API's PendingUpload is a sibling delivery app of this one."""
    return [
        (model, f.name) for model in apps.get_models() for f in model._meta.fields if isinstance(f, models.FileField)
    ]


def _referenced(name: str) -> bool:
    return any(model.objects.filter(**{column: name}).exists() for model, column in stored_file_fields())


def files_check(*, now: datetime, grace: timedelta | None = None, delete: bool = True) -> CheckResult:
    """Compare the rows with the stored files; delete orphans older than `grace` (if `delete`)."""
    if grace is None:
        grace = timedelta(hours=settings.ATTACHMENT_ORPHAN_GRACE_HOURS)
    storage = storages["default"]
    result = CheckResult()
    # The rows first, then the files: a file saved (and its row committed) in between looks like
    # an orphan, and the grace period keeps it.
    rows: dict[str, list[tuple[str, int, str]]] = {}
    for model, column in stored_file_fields():
        label = model._meta.label
        for pk, name, sha256 in model.objects.values_list("pk", column, "sha256").iterator(chunk_size=2000):
            rows.setdefault(name, []).append((label, pk, sha256))
            result.rows += 1
    stored = {name for folder in FOLDERS for name in _walk(storage, folder)}
    result.files = len(stored)
    for name, owners in sorted(rows.items()):
        if name not in stored:
            result.missing += [{"model": label, "id": pk, "name": name} for label, pk, _ in owners]
            continue
        actual = _sha256(storage, name)
        for label, pk, expected in owners:
            if actual != expected:
                result.mismatched.append(
                    {"model": label, "id": pk, "name": name, "expected": expected, "actual": actual}
                )
    for name in sorted(stored - rows.keys()):
        age = now - storage.get_modified_time(name)
        deleted = False
        if delete and age > grace and not _referenced(name):  # a row written since: not an orphan
            storage.delete(name)
            deleted = True
        result.orphans.append({"name": name, "age_seconds": int(age.total_seconds()), "deleted": deleted})
    return result


def storage_check_run(*, now: datetime, delete: bool = True) -> StorageCheck:
    """Run the check, keep its report (a StorageCheck row) and log it."""
    result = files_check(now=now, delete=delete)
    report = StorageCheck.objects.create(
        ran_at=now,
        files=result.files,
        rows=result.rows,
        orphans=len(result.orphans),
        orphans_deleted=result.orphans_deleted,
        missing=len(result.missing),
        mismatched=len(result.mismatched),
        details={
            "orphans": result.orphans[:DETAILS_MAX],
            "missing": result.missing[:DETAILS_MAX],
            "mismatched": result.mismatched[:DETAILS_MAX],
        },
    )
    summary = {
        "event": "storage_check",
        "files": result.files,
        "rows": result.rows,
        "orphans": len(result.orphans),
        "orphans_deleted": result.orphans_deleted,
        "missing": len(result.missing),
        "mismatched": len(result.mismatched),
    }
    problems = report.problems
    log = logger.warning if problems else logger.info
    log("storage check: %s problem(s) %s", problems, summary, extra=summary)
    for kind in ("missing", "mismatched"):
        for finding in getattr(result, kind)[:DETAILS_MAX]:
            extra = {
                "event": f"storage_{kind}",
                "model": finding["model"],
                "row_id": finding["id"],
                "file": finding["name"],
            }
            logger.warning("storage check: %s %s", kind, finding, extra=extra)
    # Keep a month of hourly reports.
    old = StorageCheck.objects.filter(ran_at__lt=now - timedelta(days=30))
    old.delete()
    return report
