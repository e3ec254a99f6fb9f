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


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """SQLAlchemy's `postgresql+psycopg://user:pw@host/db` as pg_dump and pg_restore take it: the URL without its
    password, and the password in PGPASSWORD (a command line is readable by every user of the machine)."""
    import os

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    bare = parsed.set(drivername="postgresql", password=None)
    return bare.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed: PostgreSQL's client tools are needed") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()[-500:]}") from exc


def _holds_records(url: str) -> bool:
    """Whether the database at `url` already has accounts (a restore over it replaces a live deployment)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("users"):
                return False
            return bool(connection.execute(sa.text("SELECT count(*) FROM users")).scalar())
    finally:
        engine.dispose()


def _sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def backup(holdings: Holdings, out: Path) -> dict:
    """Copy the database, uploads and index trees into `out` (a new or empty directory); returns the manifest."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: back up into a new directory")
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)
    sqlite_file = _sqlite_path(holdings.database_url)
    if sqlite_file is not None and not sqlite_file.is_file():
        raise BackupError(f"no database at {sqlite_file}: nothing to back up")
    if sqlite_file is not None:
        database = "app.sqlite"
        source = sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True)
        target = sqlite3.connect(out / database)
        with target:
            source.backup(target)  # consistent while the app keeps writing
        source.close()
        target.close()
    else:
        database = "app.pgdump"
        url, env = _libpq(holdings.database_url)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={out / database}", url], env)
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
    missing = [name for name in [manifest["database"], *manifest["trees"]] if not (source / name).exists()]
    if missing:
        raise BackupError(f"the backup in {source} lacks {', '.join(missing)}: nothing was restored")
    present = [str(p) for name, p in targets.items() if name in manifest["trees"] and p.exists() and any(p.iterdir())]
    if sqlite_file is not None and sqlite_file.exists():
        present.append(str(sqlite_file))
    if sqlite_file is None and _holds_records(holdings.database_url):
        present.append("the PostgreSQL database (it has accounts)")
    if present and not force:
        raise BackupError(f"already there: {', '.join(present)}; pass --force to replace them")
    # every part is first copied beside its place, then swapped in: a copy that fails leaves the old one in place
    staged = {name: _staged_copy(source / name, targets[name]) for name in manifest["trees"] if name in targets}
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        incoming = sqlite_file.with_name(sqlite_file.name + ".restoring")
        shutil.copyfile(source / manifest["database"], incoming)
        incoming.chmod(0o600)
        for side in ("-wal", "-shm"):
            Path(f"{sqlite_file}{side}").unlink(missing_ok=True)
        incoming.replace(sqlite_file)
    else:
        url, env = _libpq(holdings.database_url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={url}",
              str(source / manifest["database"])], env)
    for name, incoming_tree in staged.items():
        directory = targets[name]
        if directory.is_symlink():
            directory.unlink()
        elif directory.exists():
            shutil.rmtree(directory)
        incoming_tree.rename(directory)
    return manifest


def _staged_copy(tree: Path, target: Path) -> Path:
    """A copy of `tree` beside `target`, to be renamed into its place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".restoring")
    if staged.exists():
        shutil.rmtree(staged)
    shutil.copytree(tree, staged)
    return staged
