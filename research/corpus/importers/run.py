"""Importing a source: read a bundle in a format, check every record, write the source whole or not at all.

An imported source is a directory (`<imports dir>/<name>/`) holding `records.jsonl.gz` (the project's JSON lines)
and `manifest.toml` (research.corpus.sources reads it like the mirror's manifests, and it takes the place of a mirror
source of the same name). The directory is built beside its target and replaces it in one rename
(research.files), so a failed import leaves the source as it was.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from tqdm import tqdm

from research.corpus.importers.bundle import Bundle, ImportFailure
from research.corpus.importers.formats import OPINION_FIELDS, REQUIRED, STATUTE_FIELDS, ImportTally, format_reader
from research.corpus.sources import (
    IMPORTED_MANIFEST,
    CorpusError,
    Manifest,
    file_sha256,
    load_source,
    read_manifest,
)
from research.domain.types import Kind
from research.files import replaced_whole
from research.jurisdictions import JURISDICTIONS, known

RECORDS_FILE = "records.jsonl.gz"
_SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass
class ImportReport:
    """What an import read, skipped (by reason) and wrote, and the source it made."""

    source: str
    format: str
    path: str
    jurisdiction: str
    kind: str
    version: str
    read: int = 0
    skipped: Counter = field(default_factory=Counter)
    written: int = 0
    other_files: int = 0
    directory: str = ""

    def as_dict(self) -> dict:
        """JSON-ready fields (`research corpus import --json`)."""
        return {**self.__dict__, "skipped": dict(self.skipped)}


def import_source(format_name: str, path: Path, source: str, imports_dir: Path, *, jurisdiction: str | None = None,
                  kind: str | None = None, as_of: date | None = None, version: str | None = None,
                  replaces: Manifest | None = None, held_elsewhere: Callable[[str, Iterable[str]], dict[str, str]]
                  | None = None, progress: bool = True) -> ImportReport:
    """Read `path` (a file, directory or archive) in `format_name` and write it as source `source`; `replaces` is
    the manifest of the source it takes the place of, whose jurisdiction, kind and links it keeps;
    `held_elsewhere(source, ids)` names the ids the index holds under another source (nothing is written then)."""
    reader = format_reader(format_name)
    if not _SOURCE_NAME.fullmatch(source):
        raise ImportFailure(f"{source!r} is not a source name (letters, digits and dashes, e.g. us-usc)")
    jurisdiction = jurisdiction or reader.jurisdiction or (replaces.jurisdiction if replaces else None)
    if jurisdiction is not None and not known(jurisdiction):
        raise ImportFailure(f"unknown jurisdiction {jurisdiction!r}; known: {', '.join(JURISDICTIONS)}")
    if reader.kind and kind and kind != reader.kind:
        raise ImportFailure(f"{format_name} records are {reader.kind}s, not {kind}s")
    kind = reader.kind or kind or (replaces.kind if replaces else None)
    if replaces is not None and kind is not None and kind != replaces.kind:
        raise ImportFailure(f"source {source} holds {replaces.kind}s: {kind}s cannot take its place (name a new "
                            "source)")
    if kind is not None and kind not in (Kind.STATUTE, Kind.OPINION):
        raise ImportFailure(f"unknown kind {kind!r}; a source holds statutes or opinions")
    bundle = Bundle(path)
    tally = ImportTally()
    report = ImportReport(source, reader.name.value, str(path), jurisdiction or "", kind or "", "")
    seen: set[str] = set()
    target = imports_dir / source
    with replaced_whole(target, ".importing") as building:
        building.mkdir(parents=True)
        # no time or name in the gzip header: the same records give the same file, which ingest finds up to date
        with gzip.GzipFile(building / RECORDS_FILE, "wb", mtime=0) as raw, \
                io.TextIOWrapper(raw, encoding="utf-8") as out, \
                tqdm(desc=f"import {source}", unit="rec", disable=not progress) as bar:
            for record in reader.read(bundle, source, jurisdiction, tally):
                report.read += 1
                bar.update(1)
                reason = _problem(record, report, seen)
                if reason:
                    report.skipped[reason] += 1
                    continue
                seen.add(str(record["id"]))
                report.jurisdiction, report.kind = report.jurisdiction or record["jurisdiction"], report.kind or \
                    _kind_of(record)
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                report.written += 1
        report.read += tally.read
        report.skipped.update(tally.skipped)
        report.other_files = tally.other_files
        clashes = held_elsewhere(source, seen) if held_elsewhere else {}
        if clashes:
            example, other = next(iter(clashes.items()))
            raise ImportFailure(f"{path}: {len(clashes)} of its records are indexed under source {other} (e.g. "
                                f"{example}); to replace that source, import with --source {other}; nothing written")
        if not report.written:
            raise ImportFailure(f"{path}: no {format_name} records found ({report.read} read, "
                                f"{sum(report.skipped.values())} skipped: {_reasons(report.skipped)}); nothing written")
        report.version = version or _version_label(tally.release, as_of)
        manifest = _manifest(report, building / RECORDS_FILE, as_of, replaces,
                             reader.fields or (STATUTE_FIELDS if report.kind == Kind.STATUTE else OPINION_FIELDS))
        (building / IMPORTED_MANIFEST).write_text(manifest, encoding="utf-8")
        try:  # the source must load as ingest will read it, before it takes the old one's place
            load_source(read_manifest(building / IMPORTED_MANIFEST, building), building)
        except CorpusError as exc:
            raise ImportFailure(f"{path}: the records read do not load as a source ({exc}); nothing written") \
                from exc
    report.directory = str(target)
    return report


def _kind_of(record: dict) -> str:
    return Kind.OPINION if "case_name" in record else Kind.STATUTE


def _problem(record: dict, report: ImportReport, seen: set[str]) -> str | None:
    """Why a record is not written (None: it is), filling in its jurisdiction when the import names one."""
    record_jurisdiction = record.get("jurisdiction") or report.jurisdiction
    if not record_jurisdiction:
        return "court not in a registered jurisdiction (name one with --jurisdiction)"
    if report.jurisdiction and record_jurisdiction != report.jurisdiction:
        return f"of another jurisdiction ({record_jurisdiction})"
    record["jurisdiction"] = record_jurisdiction
    kind = report.kind or _kind_of(record)
    if _kind_of(record) != kind:
        return f"not a record of a {kind}"
    missing = [name for name in REQUIRED[Kind(kind)] if not record.get(name) and name != "text"]
    if "text" not in record:
        missing.append("text")
    if missing:
        return f"no {', '.join(missing)}"
    if str(record["id"]) in seen:
        return "duplicate id"
    return None


def _reasons(skipped: Counter) -> str:
    return ", ".join(f"{reason} {n}" for reason, n in skipped.most_common()) or "none"


def _version_label(release: str, as_of: date | None) -> str:
    """A name that reads in "amended since ...": "release 119-36", "release 119-36 (as of 2026-06-30)", "the
    version as of 2026-06-30", or "the import of 2026-12-07" when the data names no release and no date is given."""
    if release:
        return f"release {release.split('@')[-1]}" + (f" (as of {as_of.isoformat()})" if as_of else "")
    return f"the version as of {as_of.isoformat()}" if as_of else f"the import of {date.today().isoformat()}"


def _manifest(report: ImportReport, records: Path, as_of: date | None, replaces: Manifest | None,
              fields: dict[str, str]) -> str:
    """The imported source's manifest as TOML (its strings written as JSON strings, which TOML reads alike)."""
    title = replaces.title if replaces else f"{report.source} ({report.format} import)"
    values = {
        "name": report.source, "title": title, "jurisdiction": report.jurisdiction, "kind": report.kind,
        "file": RECORDS_FILE, "sha256": file_sha256(records), "expected_records": report.written,
        "upstream": f"{report.format} import of {Path(report.path).name}", "version": report.version,
        "licence": replaces.licence if replaces else "as published by the source",
        "format": report.format, "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if as_of:
        values["as_of"] = as_of.isoformat()
    if replaces and replaces.official_url:
        values["official_url"] = replaces.official_url
    lines = [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    lines += ["", "[fields]", *(f"{key} = {json.dumps(value)}" for key, value in fields.items())]
    return "\n".join(lines) + "\n"
