"""Backup and restore of one deployment: the database (pg_dump's custom format, or a copy of the
SQLite file), the attachment storage (`MEDIA_ROOT`, a tar archive) and `manifest.json` with the
sha256 of the dump, of the archive and of every stored file, and the number of rows of every
table. `restore` checks every checksum before it touches anything, and the files after.

`manage.py backup [--output DIR]` / `manage.py restore DIR --yes` (docs/deployment.md, "Backups")."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
DUMP_PG = "database.dump"
DUMP_SQLITE = "database.sqlite3"
MEDIA = "media.tar"


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    tables = set(connections["default"].introspection.table_names())
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    }


def media_checksums(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {str(path.relative_to(root)): sha256(path) for path in sorted(root.rglob("*")) if path.is_file()}


def _pg_env(db: dict) -> dict[str, str]:
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(argv: list[str], env: dict) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (fixed argv: pg_dump/pg_restore)
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} falhou ({result.returncode}): {result.stderr.strip()[:500]}")


def backup(output: Path) -> dict:
    output.mkdir(parents=True, exist_ok=False)
    db = connections["default"].settings_dict
    vendor = connections["default"].vendor
    counts = row_counts()
    if vendor == "postgresql":
        dump = output / DUMP_PG
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"], _pg_env(db))
    elif vendor == "sqlite":
        dump = output / DUMP_SQLITE
        source = sqlite3.connect(db["NAME"])
        target = sqlite3.connect(dump)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        raise BackupError(f"banco {vendor} não suportado")
    media_root = Path(settings.MEDIA_ROOT)
    files = media_checksums(media_root)
    archive = output / MEDIA
    with tarfile.open(archive, "w") as tar:
        for name in files:
            tar.add(media_root / name, arcname=name)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "database": {"file": dump.name, "sha256": sha256(dump)},
        "media": {"file": MEDIA, "sha256": sha256(archive), "files": files},
        "rows": counts,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def verify(source: Path) -> dict:
    """The manifest, once every checksum in it matches the files beside it."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"manifesto ilegível em {source}: {exc}") from exc
    for part in ("database", "media"):
        path = source / manifest[part]["file"]
        if not path.is_file() or sha256(path) != manifest[part]["sha256"]:
            raise BackupError(f"{path.name}: a soma sha256 não confere com o manifesto; nada foi restaurado")
    return manifest


def restore(source: Path) -> dict:
    manifest = verify(source)
    connection = connections["default"]
    db = connection.settings_dict
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"cópia de {manifest['vendor']}, banco atual {connection.vendor}")
    connections.close_all()
    dump = source / manifest["database"]["file"]
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={db['NAME']}",
                str(dump),
            ],
            _pg_env(db),
        )
    else:
        target = sqlite3.connect(db["NAME"])
        source_db = sqlite3.connect(dump)
        with target:
            source_db.backup(target)
        source_db.close()
        target.close()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    with tarfile.open(source / MEDIA) as tar:
        tar.extractall(media_root, filter="data")
    restored = media_checksums(media_root)
    if restored != manifest["media"]["files"]:
        raise BackupError("os arquivos restaurados não conferem com o manifesto")
    return manifest
