"""The catalogue of ingested authorities and chunks (SQLite in the index directory).

It is the source of truth for what was ingested: the lexical index is built from it, search hits
are resolved through it, and per-source ingest status lives here.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from research.corpus.sources import Manifest
from research.domain.types import Authority, Chunk, Kind, content_hash

_SCHEMA = """
CREATE TABLE IF NOT EXISTS authorities (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, jurisdiction TEXT NOT NULL, kind TEXT NOT NULL,
    citation TEXT NOT NULL, heading TEXT NOT NULL, heading_path TEXT NOT NULL, url TEXT,
    year INTEGER, court TEXT, reporter_citations TEXT NOT NULL, text TEXT NOT NULL,
    history TEXT NOT NULL DEFAULT '', annotations INTEGER
);
CREATE INDEX IF NOT EXISTS authorities_source ON authorities(source);
CREATE TABLE IF NOT EXISTS chunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, authority_id TEXT NOT NULL,
    source TEXT NOT NULL, jurisdiction TEXT NOT NULL, kind TEXT NOT NULL, citation TEXT NOT NULL,
    pin TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    context TEXT NOT NULL, ordinal INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE INDEX IF NOT EXISTS chunks_authority ON chunks(authority_id);
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, chunker TEXT NOT NULL, status TEXT NOT NULL,
    records_read INTEGER NOT NULL, skipped TEXT NOT NULL, authorities INTEGER NOT NULL,
    chunks INTEGER NOT NULL, version TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS repealed (
    id TEXT NOT NULL, source TEXT NOT NULL, jurisdiction TEXT NOT NULL, citation TEXT NOT NULL,
    heading TEXT NOT NULL, history TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS repealed_source ON repealed(source);
CREATE TABLE IF NOT EXISTS versions (
    source TEXT NOT NULL, seq INTEGER NOT NULL, label TEXT NOT NULL, as_of TEXT, recorded_at TEXT NOT NULL,
    authorities INTEGER NOT NULL, added INTEGER NOT NULL, amended INTEGER NOT NULL, repealed INTEGER NOT NULL,
    removed INTEGER NOT NULL, PRIMARY KEY (source, seq)
);
CREATE TABLE IF NOT EXISTS changes (
    source TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, change TEXT NOT NULL, citation TEXT NOT NULL,
    heading TEXT NOT NULL, before_text TEXT, before_hash TEXT, after_hash TEXT
);
CREATE INDEX IF NOT EXISTS changes_id ON changes(id);
CREATE INDEX IF NOT EXISTS changes_version ON changes(source, seq);
"""

_CHUNK_COLUMNS = 'id, authority_id, source, jurisdiction, kind, citation, pin, start, "end", text, context, ordinal'


@dataclass(frozen=True)
class SourceStatus:
    """Ingest state of one source: 'embedding' while vectors are being written, then 'ready'."""

    name: str
    sha256: str
    chunker: str
    status: str
    records_read: int
    skipped: dict
    authorities: int
    chunks: int
    version: str
    updated_at: str


class Change(StrEnum):
    """How an authority differs in a source's version from the version before."""

    ADDED = "added"
    AMENDED = "amended"
    REPEALED = "repealed"  # the new version lists the section as repealed
    REMOVED = "removed"  # the new version does not hold it at all


@dataclass(frozen=True)
class SourceVersion:
    """One version of a source the catalogue has held: its label (release, commit or as-of date) and what changed."""

    source: str
    seq: int
    label: str
    as_of: str | None
    recorded_at: str
    authorities: int
    added: int
    amended: int
    repealed: int
    removed: int


@dataclass(frozen=True)
class AuthorityChange:
    """An authority added, amended, repealed or removed by a version; `before_text` keeps the words it replaced."""

    source: str
    seq: int
    id: str
    change: Change
    citation: str
    heading: str
    before_text: str | None
    before_hash: str | None
    after_hash: str | None


def _change(row: tuple) -> AuthorityChange:
    source, seq, aid, change, citation, heading, before_text, before_hash, after_hash = row
    return AuthorityChange(source, seq, aid, Change(change), citation, heading, before_text, before_hash, after_hash)


def _chunk(row: tuple) -> Chunk:
    return Chunk(*row)


def _status(row: tuple) -> SourceStatus:
    values = list(row)
    values[5] = json.loads(values[5])
    return SourceStatus(*values)


def _authority(row: tuple) -> Authority:
    (aid, source, jur, kind, citation, heading, path, url, year, court, cites, text, history, annotations) = row
    return Authority(id=aid, source=source, jurisdiction=jur, kind=kind, citation=citation, heading=heading,
                     text=text, heading_path=tuple(json.loads(path)), url=url, year=year, court=court,
                     reporter_citations=tuple(json.loads(cites)), history=history, annotations=annotations)


class ChunkStore:
    """SQLite catalogue of authorities, chunks and source status."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._citation_rows: tuple[int, list[tuple[str, str, str, str]]] | None = None
        self._db.execute("PRAGMA journal_mode=WAL")
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()
        if "sources" in tables and "versions" not in tables:  # sources ingested before versions were kept: the
            with self._db:  # version each holds now is where its history starts
                self._db.execute("INSERT INTO versions SELECT name, 1, version, NULL, updated_at, authorities, 0, 0, "
                                 "0, 0 FROM sources")
        if "sources" in tables and "repealed" not in tables:
            # a catalogue written before repealed sections were kept: read every source again (nothing is embedded
            # again: the vector stores keep the entries whose ids are unchanged)
            with self._db:
                self._db.execute("UPDATE sources SET sha256 = ''")

    def _add_missing_columns(self) -> None:
        """Give a catalogue written before the record fields were kept their columns (empty: the sources are read
        again because research.index.ingest's chunker id changed with them)."""
        present = {row[1] for row in self._db.execute("PRAGMA table_info(authorities)")}
        with self._db:
            for column, declaration in (("history", "TEXT NOT NULL DEFAULT ''"), ("annotations", "INTEGER")):
                if column not in present:
                    self._db.execute(f"ALTER TABLE authorities ADD COLUMN {column} {declaration}")

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def replace_source(self, name: str, authorities: list[Authority], chunks: list[Chunk],
                       status: SourceStatus, repealed: Sequence[Authority] = (), as_of: str | None = None) -> None:
        """Atomically replace every authority and chunk of a source, and the sections it lists as repealed (kept
        for citation checks, never indexed), and set its status. A new version (`status.version` differs from the
        last one recorded) records what it added, amended, repealed and removed, with the words it replaced."""
        with self._db:
            self._record_version(name, authorities, status.version, as_of, {a.id for a in repealed})
            self._db.execute("DELETE FROM repealed WHERE source = ?", (name,))
            self._db.executemany("INSERT INTO repealed VALUES (?,?,?,?,?,?,?)",
                                 [(a.id, a.source, a.jurisdiction, a.citation, a.heading, a.history, a.text)
                                  for a in repealed])
            self._db.execute("DELETE FROM authorities WHERE source = ?", (name,))
            self._db.execute("DELETE FROM chunks WHERE source = ?", (name,))
            self._db.executemany(
                "INSERT INTO authorities VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(a.id, a.source, a.jurisdiction, a.kind, a.citation, a.heading, json.dumps(a.heading_path),
                  a.url, a.year, a.court, json.dumps(a.reporter_citations), a.text, a.history, a.annotations)
                 for a in authorities],
            )
            self._db.executemany(
                f"INSERT INTO chunks ({_CHUNK_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [(c.id, c.authority_id, c.source, c.jurisdiction, c.kind, c.citation, c.pin, c.start,
                  c.end, c.text, c.context, c.ordinal) for c in chunks],
            )
            self._write_status(status)
        self._citation_rows = None  # also when another thread read them while the transaction was open

    def _record_version(self, name: str, authorities: list[Authority], label: str, as_of: str | None,
                        repealed: set[str]) -> None:
        last = self._db.execute("SELECT seq, label FROM versions WHERE source = ? ORDER BY seq DESC LIMIT 1",
                                (name,)).fetchone()
        seq = last[0] + 1 if last else 1
        changes: list[tuple] = []
        if last is not None:
            new = {a.id: a for a in authorities}
            old_ids = set()
            for aid, citation, heading, text in self._db.execute(
                    "SELECT id, citation, heading, text FROM authorities WHERE source = ?", (name,)):
                old_ids.add(aid)
                before = content_hash(heading, text)
                after = new[aid].content_hash if aid in new else None
                if after is None:
                    change = Change.REPEALED if aid in repealed else Change.REMOVED
                    changes.append((name, seq, aid, change, citation, heading, text, before, None))
                elif after != before:
                    changes.append((name, seq, aid, Change.AMENDED, citation, heading, text, before, after))
            changes += [(name, seq, a.id, Change.ADDED, a.citation, a.heading, None, None, a.content_hash)
                        for a in authorities if a.id not in old_ids]
        if last is not None and last[1] == label and not changes:
            return  # the same version read again (a new chunker, a resumed ingest): nothing changed in the law
        counts = Counter(row[3] for row in changes)
        recorded = datetime.now(UTC).isoformat()  # to the microsecond: compared with when stored answers were given
        self._db.execute("INSERT INTO versions VALUES (?,?,?,?,?,?,?,?,?,?)",
                         (name, seq, label, as_of, recorded, len(authorities), counts[Change.ADDED],
                          counts[Change.AMENDED], counts[Change.REPEALED], counts[Change.REMOVED]))
        self._db.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?)", changes)

    def versions(self, source: str) -> list[SourceVersion]:
        """Every version of a source the catalogue has held, oldest first."""
        rows = self._db.execute("SELECT * FROM versions WHERE source = ? ORDER BY seq", (source,))
        return [SourceVersion(*row) for row in rows]

    def changes(self, source: str, after: int, upto: int) -> list[AuthorityChange]:
        """What the versions after `after` up to `upto` changed, in version then citation order."""
        rows = self._db.execute("SELECT * FROM changes WHERE source = ? AND seq > ? AND seq <= ? ORDER BY seq, "
                                "citation", (source, after, upto))
        return [_change(row) for row in rows]

    def changes_of(self, authority_id: str) -> list[tuple[AuthorityChange, SourceVersion]]:
        """Every recorded change of one authority with the version that made it, oldest first."""
        rows = self._db.execute(
            "SELECT c.*, v.* FROM changes c JOIN versions v ON v.source = c.source AND v.seq = c.seq "
            "WHERE c.id = ? ORDER BY c.seq", (authority_id,))
        return [(_change(row[:9]), SourceVersion(*row[9:])) for row in rows]

    def set_status(self, status: SourceStatus) -> None:
        """Record a source's ingest status."""
        with self._db:
            self._write_status(status)

    def _write_status(self, s: SourceStatus) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?,?,?,?,?)",
            (s.name, s.sha256, s.chunker, s.status, s.records_read, json.dumps(s.skipped),
             s.authorities, s.chunks, s.version, s.updated_at),
        )

    def source_status(self, name: str) -> SourceStatus | None:
        """Ingest status of a source, or None when it was never ingested."""
        row = self._db.execute("SELECT * FROM sources WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        return _status(row)

    def statuses(self) -> list[SourceStatus]:
        """Status of every source ever ingested."""
        return [_status(r) for r in self._db.execute("SELECT * FROM sources ORDER BY name")]

    def held_elsewhere(self, source: str, ids: Iterable[str]) -> dict[str, str]:
        """Which of `ids` the catalogue holds under another source than `source`: {id: that source}."""
        rows = self._rows_with_ids("SELECT id, source FROM authorities WHERE id IN", ids)
        return {aid: other for aid, other in rows if other != source}

    def chunk_ids(self, source: str) -> list[str]:
        """Ids of a source's chunks."""
        return [r[0] for r in self._db.execute("SELECT id FROM chunks WHERE source = ? ORDER BY seq", (source,))]

    def iter_chunks(self, source: str | None = None, batch: int = 5000) -> Iterator[list[Chunk]]:
        """All chunks (of one source, or all ready ones), in storage order, in batches."""
        query = f"SELECT {_CHUNK_COLUMNS} FROM chunks"
        params: tuple = ()
        if source:
            query += " WHERE source = ?"
            params = (source,)
        query += " ORDER BY seq"
        cursor = self._db.execute(query, params)
        while rows := cursor.fetchmany(batch):
            yield [_chunk(r) for r in rows]

    def _rows_with_ids(self, select: str, ids: Iterable[str]) -> Iterator[tuple]:
        """The rows of `select` (a query ending in 'WHERE id IN') for `ids`, 500 ids to a query (SQLite's limit on
        variables)."""
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            yield from self._db.execute(f"{select} ({','.join('?' * len(part))})", part)

    def chunks(self, ids: Iterable[str]) -> dict[str, Chunk]:
        """Chunks by id (missing ids are left out)."""
        select = f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE id IN"
        return {row[0]: _chunk(row) for row in self._rows_with_ids(select, ids)}

    def best_chunk(self, authority_id: str) -> Chunk | None:
        """The first chunk of an authority (used when it is found by citation)."""
        row = self._db.execute(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE authority_id = ? ORDER BY ordinal LIMIT 1", (authority_id,)
        ).fetchone()
        return _chunk(row) if row else None

    def chunks_of(self, authority_id: str) -> list[Chunk]:
        """Every chunk of an authority, in text order."""
        rows = self._db.execute(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE authority_id = ? ORDER BY ordinal", (authority_id,))
        return [_chunk(r) for r in rows]

    def repealed_sections(self) -> list[Authority]:
        """The sections the sources list as repealed (heading, history and the little text they keep)."""
        rows = self._db.execute("SELECT id, source, jurisdiction, citation, heading, history, text FROM repealed")
        return [Authority(id=aid, source=source, jurisdiction=jurisdiction, kind=Kind.STATUTE, citation=citation,
                          heading=heading, text=text, history=history)
                for aid, source, jurisdiction, citation, heading, history, text in rows]

    def authority(self, authority_id: str) -> Authority | None:
        """One authority with its full text."""
        row = self._db.execute("SELECT * FROM authorities WHERE id = ?", (authority_id,)).fetchone()
        return _authority(row) if row else None

    def authorities(self, ids: Iterable[str]) -> dict[str, Authority]:
        """Authorities with their full texts, by id (missing ids are left out)."""
        return {row[0]: _authority(row) for row in self._rows_with_ids("SELECT * FROM authorities WHERE id IN", ids)}

    def iter_authorities(self, kind: str | None = None) -> Iterator[Authority]:
        """Every authority (of one kind), in id order."""
        query = "SELECT * FROM authorities"
        params: tuple[str, ...] = ()
        if kind:
            query, params = query + " WHERE kind = ?", (kind,)
        for row in self._db.execute(query + " ORDER BY id", params):
            yield _authority(row)

    def opinion_years(self) -> dict[str, tuple[int, int]]:
        """Per jurisdiction, the first and last year of its opinions."""
        rows = self._db.execute("SELECT jurisdiction, MIN(year), MAX(year) FROM authorities WHERE kind = 'opinion' "
                                "AND year IS NOT NULL GROUP BY jurisdiction")
        return {code: (first, last) for code, first, last in rows}

    def case_names(self) -> list[tuple[str, str]]:
        """(opinion id, case name) of every opinion."""
        return [(r[0], r[1]) for r in self._db.execute("SELECT id, heading FROM authorities WHERE kind = 'opinion'")]

    def citation_index(self) -> list[tuple[str, str, str, str]]:
        """(authority id, jurisdiction, kind, citations joined by '|') for every authority: read again only when the
        catalogue has changed since (the directory and the coverage both start from it)."""
        # SQLite's data_version moves when another connection commits; this store's own writes drop the rows
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if self._citation_rows is None or self._citation_rows[0] != version:
            rows = self._db.execute("SELECT id, jurisdiction, kind, citation, reporter_citations FROM authorities")
            self._citation_rows = (version, [(r[0], r[1], r[2], "|".join([r[3]] + json.loads(r[4]))) for r in rows])
        return self._citation_rows[1]

    def fingerprint(self) -> str:
        """Changes whenever any ready source's content changes (to know when to rebuild indexes)."""
        rows = self._db.execute(
            "SELECT name, sha256, chunker, chunks FROM sources WHERE status = 'ready' ORDER BY name")
        return json.dumps([list(r) for r in rows])


def now() -> str:
    """Current UTC time in ISO format."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SourceOverview:
    """One source of the corpus: its manifest's facts beside its ingest status (the Corpus page, `corpus list`)."""

    source: str
    title: str
    jurisdiction: str
    kind: str
    expected_records: int
    records_read: int | None
    authorities: int
    chunks: int
    status: str
    ingested_at: str | None
    version: str
    upstream: str
    as_of: str | None = None
    format: str | None = None  # an imported source's format

    def as_dict(self) -> dict:
        """JSON-ready fields (`research corpus list --json`)."""
        return asdict(self)


def corpus_overview(manifests: list[Manifest], statuses: list[SourceStatus]) -> list[SourceOverview]:
    """Per manifest, its facts and its source's status ('not ingested' when the catalogue has none)."""
    by_name = {s.name: s for s in statuses}
    rows = []
    for m in manifests:
        s = by_name.get(m.name)
        rows.append(SourceOverview(
            source=m.name, title=m.title, jurisdiction=m.jurisdiction, kind=m.kind,
            expected_records=m.expected_records, records_read=s.records_read if s else None,
            authorities=s.authorities if s else 0, chunks=s.chunks if s else 0,
            status=s.status if s else "not ingested", ingested_at=s.updated_at if s else None,
            version=m.version, upstream=f"{m.upstream} @ {m.commit[:10]}" if m.commit else m.upstream,
            as_of=m.as_of, format=m.format))
    return rows
