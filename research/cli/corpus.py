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
    index = open_index()
    rows = index.corpus_overview()
    held = index.coverage()
    if args.json:
        print(json.dumps({"sources": [r.as_dict() for r in rows], "coverage": [c.as_dict() for c in held]}))
        return 0
    print(f"{'source':<12}{'jurisdiction':<13}{'kind':<9}{'records':>9}{'indexed':>9}{'chunks':>9}  status")
    for r in rows:
        print(f"{r.source:<12}{r.jurisdiction:<13}{r.kind:<9}{r.expected_records:>9}"
              f"{r.authorities:>9}{r.chunks:>9}  {r.status}" + (f" ({r.ingested_at})" if r.ingested_at else ""))
        print(f"{'':<12}version: {r.version}" + (f" (as of {r.as_of})" if r.as_of else "")
              + (f"; imported from {r.format}" if r.format else ""))
    print("\nCoverage (what the index holds):")
    for c in held:
        print(f"  {c.jurisdiction:<12}{c.summary()}")
    return 0


def cmd_corpus_import(args) -> int:
    """Import a source from its published format, then ingest it."""
    from datetime import date
    from pathlib import Path

    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        raise ValueError(f"--as-of {args.as_of!r} is not a date (YYYY-MM-DD)") from None
    index = open_index()
    report, ingested = index.import_source(args.format, Path(args.path), args.source, as_of=as_of,
                                           version=args.version_label, jurisdiction=args.jurisdiction,
                                           kind=args.kind, ingest=not args.no_ingest, progress=not args.quiet)
    changes = index.store.versions(args.source)[-1] if ingested else None
    if args.json:
        print(json.dumps({"import": report.as_dict(), "ingest": ingested.as_dict() if ingested else None,
                          "version": changes.__dict__ if changes else None}))
        return 0
    reasons = ", ".join(f"{k} {v}" for k, v in report.skipped.most_common()) or "none"
    print(f"{report.source}: read {report.read} records, skipped {sum(report.skipped.values())} ({reasons}), "
          f"wrote {report.written} ({report.kind}s of {report.jurisdiction}, version {report.version!r})")
    if report.other_files:
        print(f"  {report.other_files} other file(s) in {args.path} were not {report.format} records")
    if changes is not None and ingested is not None:
        print(f"  version {changes.seq}: {changes.added} added, {changes.amended} amended, {changes.repealed} "
              f"repealed, {changes.removed} removed; {ingested.chunks_written} passages embedded, "
              f"{ingested.chunks_removed} removed")
    elif args.no_ingest:
        print(f"  written to {report.directory}; run `research ingest --source {report.source}` to index it")
    return 0


def cmd_corpus_diff(args) -> int:
    """The changes between two versions of a source."""
    store = open_index().store
    versions = store.versions(args.source)
    if not versions:
        raise LookupError(f"source {args.source} has no versions in the index (ingest or import it first)")
    latest = versions[-1].seq
    upto = args.to_version or latest
    after = args.from_version if args.from_version is not None else upto - 1
    if not (0 <= after < upto <= latest):
        raise ValueError(f"versions of {args.source} run 1 to {latest}: --from must be below --to")
    changes = store.changes(args.source, after, upto)
    if args.json:
        print(json.dumps({"source": args.source, "from": after, "to": upto,
                          "versions": [v.__dict__ for v in versions],
                          "changes": [c.__dict__ for c in changes]}))
        return 0
    for v in versions:
        mark = "*" if after < v.seq <= upto else " "
        print(f"{mark} {v.seq:>3}  {v.label}  ({v.recorded_at[:10]}{', as of ' + v.as_of if v.as_of else ''}): "
              f"{v.authorities} authorities; {v.added} added, {v.amended} amended, {v.repealed} repealed, "
              f"{v.removed} removed")
    print(f"\nchanges from version {after} to {upto}: {len(changes) or 'none'}")
    for c in changes:
        print(f"  {c.change:<9} {c.citation}  {c.heading}")
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
                    {"index": settings.index_dir, "models": settings.models_dir, "sources": settings.imports_dir})


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
