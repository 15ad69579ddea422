"""Consistent backups of a running Qunfang, and restoring them on a fresh machine.

An archive (.tar.gz) holds manifest.json, the database as the engine's own consistent copy (SQLite's
online backup, or pg_dump's snapshot), the uploads, and the keys only when asked for: keys and data
are best kept apart, so a stolen backup alone is not enough to read protected fields. The manifest
records each key's fingerprint; a restore refuses a critical key that does not match.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

FORMAT = 1


@dataclass(frozen=True)
class KeyFile:
    name: str
    # A critical key cannot be replaced: data encrypted with it is unreadable without it. The secret
    # key only signs sessions, so a restore with another one merely signs everybody out.
    critical: bool

    @property
    def path(self) -> Path:
        return Path(settings.VAR_DIR) / self.name


# The secret key signs sessions; the field key encrypts personal data (qunfang/core/personal.py).
KEYS = [KeyFile("secret_key", critical=False), KeyFile("field_key", critical=True)]


class BackupError(RuntimeError):
    """Something the operator must fix; the message says what."""


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _current_key(key: KeyFile) -> bytes | None:
    """The key this machine uses now, from its environment variable or its file in var/."""
    configured = os.environ.get(f"QUNFANG_{key.name.upper()}")
    if configured:
        return configured.encode()
    if key.name == "secret_key":
        return settings.SECRET_KEY.encode()
    return key.path.read_bytes().strip() if key.path.exists() else None


def _table_counts(cursor=None) -> dict[str, int]:
    if cursor is None:
        with connection.cursor() as own_cursor:
            return _table_counts(own_cursor)
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (names come from the schema)
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    args = [
        "--host",
        db.get("HOST") or "127.0.0.1",
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        db.get("USER") or "postgres",
        "--dbname",
        db["NAME"],
    ]
    return args, env


def _pg_dump(database_file: Path) -> dict[str, int]:
    """pg_dump of the snapshot in which the rows were counted (exported from this transaction)."""
    args, env = _pg_environment()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _table_counts(cursor)
        result = subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                "--file",
                str(database_file),
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
    if result.returncode:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def create_backup(destination: Path, *, include_keys: bool = False) -> Path:
    """Write a backup archive while the system keeps running. The database snapshot is taken first,
    then the uploads, so every upload the database names is in the archive."""
    if destination.is_dir():
        destination = destination / f"qunfang-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as work:
        # The row counts come from the very snapshot that is archived, so a restore can prove itself.
        if vendor == "sqlite":
            database_file = Path(work) / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(database_file)
            with target:
                connection.connection.backup(target)  # SQLite's online backup: a consistent snapshot
            target.close()
            with closing(sqlite3.connect(database_file)) as copy:
                counts = _table_counts(copy.cursor())
        elif vendor == "postgresql":
            database_file = Path(work) / "database.pgdump"
            counts = _pg_dump(database_file)
        else:
            raise BackupError(f"Backups of a {vendor} database are not supported.")

        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": vendor,
            "tables": counts,
            "keys": {k.name: _fingerprint(_current_key(k)) for k in KEYS if _current_key(k) is not None},
            "includes_keys": include_keys,
        }
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            archive.add(database_file, arcname=database_file.name)
            uploads = Path(settings.MEDIA_ROOT)
            if uploads.exists():
                archive.add(uploads, arcname="uploads")
            if include_keys:
                for key in KEYS:
                    data = _current_key(key)
                    if data is not None:
                        _add_bytes(archive, f"keys/{key.name}", data)
        partial.rename(destination)  # a crash mid-backup leaves a .partial file, never a short archive
    return destination


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            return json.load(archive.extractfile("manifest.json"))
    except (tarfile.TarError, KeyError, OSError, json.JSONDecodeError):
        raise BackupError(f"{archive_path} is not a Qunfang backup archive.") from None


def restore_backup(archive_path: Path, *, force: bool = False) -> dict:
    """Bring a backup back into the configured (empty) database and var/ directory."""
    manifest = read_manifest(archive_path)
    if manifest.get("format") != FORMAT:
        raise BackupError("This backup was written by another version of Qunfang's backup format.")
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(
            f"The backup holds a {manifest['database']} database; this machine is set up for {vendor}."
        )
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing and not force:
        raise BackupError(
            "The database is not empty. Restore into a fresh database, or pass --force to replace it."
        )

    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(work, filter="data")
        work_path = Path(work)
        _restore_keys(manifest, work_path / "keys", force=force)
        if vendor == "sqlite":
            connections.close_all()
            target = Path(connection.settings_dict["NAME"])
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(work_path / "database.sqlite3", target)
        else:
            args, env = _pg_environment()
            command = [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                *(["--clean", "--if-exists"] if force else []),
                *args,
                str(work_path / "database.pgdump"),
            ]
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        if (work_path / "uploads").exists():
            shutil.copytree(work_path / "uploads", settings.MEDIA_ROOT, dirs_exist_ok=True)
    connections.close_all()
    restored = _table_counts()
    if restored != manifest["tables"]:
        raise BackupError("The restored tables do not hold the rows the backup counted.")
    return manifest


def _restore_keys(manifest: dict, keys_dir: Path, *, force: bool) -> None:
    for key in KEYS:
        expected = manifest["keys"].get(key.name)
        archived = keys_dir / key.name
        if archived.exists():
            current = _current_key(key)
            if current is not None and _fingerprint(current) != expected and key.critical and not force:
                raise BackupError(
                    f"This machine already has a different {key.name}; pass --force to replace it."
                )
            key.path.write_bytes(archived.read_bytes())
            key.path.chmod(0o600)
            continue
        current = _current_key(key)
        if expected and (current is None or _fingerprint(current) != expected) and key.critical:
            raise BackupError(
                f"The backup's data needs the {key.name} it was made with (fingerprint {expected}). "
                f"Put that key in place (see docs/operations.md) and restore again."
            )
