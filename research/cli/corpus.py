"""`research ingest`, `corpus list`, `index version|publish`, `backup` and `restore`."""

from __future__ import annotations

import json

from research.cli.common import EXIT_FAILURE, open_index


def cmd_ingest(args) -> int:
    """Load, chunk, embed and index the sources."""
    reports = open_index().ingest(args.source or None, progress=not args.quiet)
    if args.json:
        print(json.dumps([r.as_dict() for r in reports]))
        return 0
    print(f"{'source':<12}{'read':>8}{'skipped':>9}  {'(reasons)':<40}{'chunks':>8}{'written':>9}")
    for r in reports:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(r.skipped.items())) or "-"
        print(f"{r.source:<12}{r.records_read:>8}{sum(r.skipped.values()):>9}  {reasons:<40}"
              f"{r.chunks_total:>8}{r.chunks_written:>9}" + ("  (up to date)" if r.up_to_date else ""))
    return 0


def cmd_corpus_list(args) -> int:
    """Sources, jurisdictions, record counts and ingest status."""
    rows = open_index().corpus_overview()
    if args.json:
        print(json.dumps([r.as_dict() for r in rows]))
        return 0
    print(f"{'source':<12}{'jurisdiction':<13}{'kind':<9}{'records':>9}{'indexed':>9}{'chunks':>9}  status")
    for r in rows:
        print(f"{r.source:<12}{r.jurisdiction:<13}{r.kind:<9}{r.expected_records:>9}"
              f"{r.authorities:>9}{r.chunks:>9}  {r.status}" + (f" ({r.ingested_at})" if r.ingested_at else ""))
    return 0


def cmd_index_version(args) -> int:
    """This node's index version, and the version the database has published for the API nodes."""
    from research.cli.common import app_database

    version = open_index().artifact_version()
    published = app_database().releases.published()
    row = {"version": version, "published": published.version if published else None,
           "published_at": published.published_at.isoformat() if published else None,
           "matches": published is None or published.version == version}
    if args.json:
        print(json.dumps(row))
        return 0
    print(f"this index: {version}")
    print(f"published:  {row['published'] or 'none yet (the first API node publishes its own)'}")
    return 0 if row["matches"] else EXIT_FAILURE


def cmd_index_publish(args) -> int:
    """Publish this node's index as the one every API node must serve (admins)."""
    from research.cli.common import app_database, signed_in

    database = app_database()
    release = database.releases.publish(open_index().artifact_version(), signed_in(args, database))
    print(f"published index {release.version}: API nodes with another version now refuse to serve")
    return 0


def _holdings():
    from research.storage.backup import Holdings

    settings = open_index().settings
    return Holdings(settings.app_database_url, settings.uploads_dir,
                    {"index": settings.index_dir, "models": settings.models_dir})


def cmd_backup(args) -> int:
    """Back up the app database, uploads and index into a new directory (not the audit key: keep it apart)."""
    from pathlib import Path

    from research.storage.backup import backup

    manifest = backup(_holdings(), Path(args.directory))
    print(f"backed up {manifest['database']} and {', '.join(manifest['trees']) or 'no files'} into {args.directory}")
    return 0


def cmd_restore(args) -> int:
    """Restore a backup made by `research backup` (--force replaces what is there)."""
    from pathlib import Path

    from research.storage.backup import restore

    manifest = restore(_holdings(), Path(args.directory), force=args.force)
    print(f"restored {manifest['database']} and {', '.join(manifest['trees'])} from a backup of "
          f"{manifest['created_at'][:16]}; restore the audit key file from where it is kept, then start the services")
    return 0
