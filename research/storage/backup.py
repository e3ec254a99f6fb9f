"""Backups of what a deployment holds: the app database (SQLite through its online backup, PostgreSQL through
pg_dump), the matters' uploaded files, and the index artifacts of an ingest, into one directory, and back.

The audit trail's key is not copied: it is kept apart from backups of the database, so that a copy of a backup
alone cannot be used to forge an intact-looking trail (docs/security.md); restore it from where it is kept.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "backup.json"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done as asked (nothing was changed)."""


@dataclass(frozen=True)
class Holdings:
    """Where a deployment keeps what a backup copies."""

    database_url: str
    uploads: Path
    trees: dict[str, Path]  # name in the backup -> directory (the index, the models)


def _libpq_url(url: str) -> str:
    """SQLAlchemy's `postgresql+psycopg://...` as pg_dump and pg_restore take it."""
    scheme, _, rest = url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgresql") else url


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed: PostgreSQL's client tools are needed") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()[-500:]}") from exc


def _sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def backup(holdings: Holdings, out: Path) -> dict:
    """Copy the database, uploads and index trees into `out` (a new or empty directory); returns the manifest."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: back up into a new directory")
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)
    sqlite_file = _sqlite_path(holdings.database_url)
    if sqlite_file is not None:
        database = "app.sqlite"
        source = sqlite3.connect(sqlite_file)
        target = sqlite3.connect(out / database)
        with target:
            source.backup(target)  # consistent while the app keeps writing
        source.close()
        target.close()
    else:
        database = "app.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={out / database}",
              _libpq_url(holdings.database_url)])
    (out / database).chmod(0o600)
    copied = {}
    for name, directory in {"uploads": holdings.uploads, **holdings.trees}.items():
        if directory.exists():
            shutil.copytree(directory, out / name, symlinks=False)
            copied[name] = str(directory)
    manifest = {"created_at": datetime.now(UTC).isoformat(), "database": database, "trees": copied}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def restore(holdings: Holdings, source: Path, force: bool = False) -> dict:
    """Put a backup back: the database, uploads and index trees. Without `force`, refuses when any of them is
    already there (a restore replaces them)."""
    manifest_file = source / MANIFEST
    if not manifest_file.is_file():
        raise BackupError(f"{source} is not a backup (no {MANIFEST})")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    sqlite_file = _sqlite_path(holdings.database_url)
    if (manifest["database"] == "app.sqlite") != (sqlite_file is not None):
        raise BackupError(f"the backup holds {manifest['database']}, the database configured is "
                          f"{holdings.database_url.split('://')[0]}: restore it into a database of that kind")
    targets = {"uploads": holdings.uploads, **holdings.trees}
    present = [str(p) for name, p in targets.items() if name in manifest["trees"] and p.exists() and any(p.iterdir())]
    if sqlite_file is not None and sqlite_file.exists():
        present.append(str(sqlite_file))
    if present and not force:
        raise BackupError(f"already there: {', '.join(present)}; pass --force to replace them")
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        for side in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{side}").unlink(missing_ok=True)
        shutil.copyfile(source / manifest["database"], sqlite_file)
        sqlite_file.chmod(0o600)
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(holdings.database_url)}", str(source / manifest["database"])])
    for name, directory in targets.items():
        if name in manifest["trees"]:
            if directory.is_symlink():
                directory.unlink()
            elif directory.exists():
                shutil.rmtree(directory)
            shutil.copytree(source / name, directory)
    return manifest
