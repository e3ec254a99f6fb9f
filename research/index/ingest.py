"""Ingest: load, chunk, embed and index corpus sources; idempotent and resumable.

Every pending source file is validated in full before anything is written. Chunk ids are
deterministic, so a rerun after a kill skips the vectors already stored and writes only the rest;
a source is marked ready only when all its vectors are in. The lexical index is rebuilt from the
catalogue when the set of ready sources changed, and replaced atomically.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from research.corpus.analysis import analyse
from research.corpus.anchors import all_anchors
from research.corpus.chunking import chunk_authority, heading_entry
from research.corpus.sources import CorpusError, Manifest, load_source, verify_file
from research.domain.types import Kind
from research.files import replaced_whole
from research.index.catalogue import ChunkStore, SourceStatus, now
from research.index.directory import AuthorityDirectory
from research.index.embedders import Encoder
from research.index.lexical import LexicalIndex
from research.index.vectorstore import VectorStore

CHUNKER_VERSION = "7"  # bump when chunks or the stored records change (3: the context is part of a chunk id; Hawaii
# Part headings; 4: statutes keep their history and annotation count; 5: reserved numbers are not kept as repealed;
# 6: Hawaii's notes of an earlier section of a number left out, editor's notes under "(Repealed)" kept as repealed;
# 7: C1 control characters read as the Windows-1252 punctuation they stand for)
# bump when the lexical indexes change (2: citing contexts, 3: whole opinions, 4: their BM25, 5: adjacent-term pairs,
# 6: pairs of one chunk only left out, 7: pairs of whole opinions)
LEXICAL_VERSION = "7"
EMBED_BATCH = 512
# Whole opinions run to hundreds of pages: stronger length normalisation and term saturation than the
# chunk index's (1.2, 0.75) ranked them better (docs/decisions/0013).
WHOLE_OPINION_K1 = 2.0
WHOLE_OPINION_B = 0.9


@dataclass
class SourceReport:
    """What ingest did with one source."""

    source: str
    records_read: int = 0
    skipped: dict = field(default_factory=dict)
    chunks_total: int = 0
    chunks_written: int = 0
    chunks_removed: int = 0
    up_to_date: bool = False

    def as_dict(self) -> dict:
        """Plain dict for JSON output."""
        return dict(self.__dict__)


def chunker_id(max_tokens: int) -> str:
    """Identifies the chunking, so a changed chunker re-ingests."""
    return f"v{CHUNKER_VERSION}-max{max_tokens}"


@dataclass
class VectorTier:
    """A vector store, the embedder that fills it, and which entries of an authority it holds."""

    name: str
    vectors: VectorStore
    embedder: Encoder  # anything with encode(texts) -> ndarray
    kinds: tuple[str, ...] = tuple(Kind)


def _is_current(store: ChunkStore, tiers: list[VectorTier], manifest: Manifest, sha256: str, chunker: str) -> bool:
    status = store.source_status(manifest.name)
    if not (status and status.status == "ready" and status.sha256 == sha256 and status.chunker == chunker):
        return False
    expected = {"passages": status.chunks, "headings": status.authorities}
    return all(len(t.vectors.ids_for_source(manifest.name)) == expected[t.name]
               for t in tiers if manifest.kind in t.kinds)


def _sync(tier: VectorTier, source: str, entries: list, progress: bool,
          on_batch: Callable[[str, int], None] | None) -> tuple[int, int]:
    """Make a tier hold exactly `entries` of a source: delete stale ids, embed the missing ones."""
    wanted = {e.id for e in entries}
    stored = tier.vectors.ids_for_source(source)
    stale = sorted(stored - wanted)
    if stale:
        tier.vectors.delete(stale)
    todo = [e for e in entries if e.id not in stored]
    with tqdm(total=len(todo), desc=f"embed {tier.name} {source}", unit="entry", disable=not progress) as bar:
        for i in range(0, len(todo), EMBED_BATCH):
            batch = todo[i:i + EMBED_BATCH]
            tier.vectors.add(batch, tier.embedder.encode([e.indexed_text for e in batch]))
            bar.update(len(batch))
            if on_batch:
                on_batch(source, i + len(batch))
    return len(todo), len(stale)


def ingest_sources(
    manifests: list[Manifest],
    corpus_dir: Path,
    store: ChunkStore,
    tiers: list[VectorTier],
    lexical_dir: Path,
    max_tokens: int = 256,
    progress: bool = True,
    on_batch: Callable[[str, int], None] | None = None,
) -> list[SourceReport]:
    """Bring the index up to date with the given sources; return one report per source.

    `tiers` are the vector stores to fill, each optional: "passages" (one entry per chunk) and
    "headings" (one entry per statute section).
    """
    chunker = chunker_id(max_tokens)
    reports: list[SourceReport] = []
    pending = []
    for manifest in manifests:
        sha256 = verify_file(manifest, corpus_dir)  # an imported source's file is in its own directory
        if _is_current(store, tiers, manifest, sha256, chunker):
            status = store.source_status(manifest.name)
            if status is None:  # cannot happen: _is_current found the source ready
                raise LookupError(f"source {manifest.name} has no ingest status")
            reports.append(SourceReport(manifest.name, status.records_read, status.skipped, status.chunks, 0, 0,
                                        True))
            continue
        authorities, load_report = load_source(manifest, corpus_dir, verify_checksum=False)
        clashes = store.held_elsewhere(manifest.name, (a.id for a in authorities))
        if clashes:
            example, other = next(iter(clashes.items()))
            raise CorpusError(f"source {manifest.name}: {len(clashes)} of its authorities are indexed under source "
                              f"{other} (e.g. {example}): an authority belongs to one source; remove one of the two")
        pending.append((manifest, sha256, authorities, load_report))

    for manifest, sha256, authorities, load_report in pending:
        chunks = []
        for authority in tqdm(authorities, desc=f"chunk {manifest.name}", unit="rec", disable=not progress):
            chunks.extend(chunk_authority(authority, max_tokens))
        status = SourceStatus(
            name=manifest.name, sha256=sha256, chunker=chunker, status="embedding",
            records_read=load_report.read, skipped=dict(load_report.skipped), authorities=len(authorities),
            chunks=len(chunks), version=manifest.version, updated_at=now(),
        )
        stored_before, wanted = set(store.chunk_ids(manifest.name)), {c.id for c in chunks}
        store.replace_source(manifest.name, authorities, chunks, status, load_report.repealed, manifest.as_of)
        # without a passage tier, the chunks written are those new to the catalogue
        written, removed = len(wanted - stored_before), len(stored_before - wanted)
        for tier in tiers:
            if manifest.kind not in tier.kinds:
                continue
            entries = chunks if tier.name == "passages" else [heading_entry(a) for a in authorities]
            tier_written, tier_removed = _sync(tier, manifest.name, entries, progress, on_batch)
            if tier.name == "passages":
                written, removed = tier_written, tier_removed
        store.set_status(SourceStatus(**{**status.__dict__, "status": "ready", "updated_at": now()}))
        reports.append(SourceReport(manifest.name, load_report.read, dict(load_report.skipped), len(chunks),
                                    written, removed))

    rebuild_lexical_if_stale(store, lexical_dir, progress)
    order = {m.name: i for i, m in enumerate(manifests)}
    return sorted(reports, key=lambda r: order[r.source])


def rebuild_lexical_if_stale(store: ChunkStore, lexical_dir: Path, progress: bool = True) -> bool:
    """Rebuild the lexical indexes (chunks, whole opinions, citing contexts, and the
    adjacent-term pairs of chunks, of whole opinions and of citing contexts) when the ready sources changed.

    All are written to a temporary directory that replaces the old one only when complete (research.files).
    """
    fingerprint = f"lexical v{LEXICAL_VERSION} " + store.fingerprint()
    stamp = lexical_dir / "fingerprint.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == fingerprint:
        return False
    ready = {s.name for s in store.statuses() if s.status == "ready"}
    chunk_docs: list[tuple[str, str, str, str]] = []
    for batch in tqdm(store.iter_chunks(), desc="lexical index", unit="batch", disable=not progress):
        chunk_docs.extend((c.id, c.jurisdiction, c.kind, c.indexed_text) for c in batch if c.source in ready)
    if not chunk_docs:
        return False
    opinion_docs = [(a.id, a.jurisdiction, a.kind, f"{a.heading}\n{a.text}")
                    for a in store.iter_authorities(Kind.OPINION) if a.source in ready]
    anchor_docs = _anchor_docs(store, ready)
    # (name, documents, build options); a pair found in one chunk only (58% of the 2.8 million) ranks nothing
    # measurably (docs/decisions/0019) but costs the search process ~0.34 GiB; likewise a pair of one
    # opinion only (69% of 1.6 million)
    whole_opinion = {"k1": WHOLE_OPINION_K1, "b": WHOLE_OPINION_B}
    indexes = [("chunks", chunk_docs, {}), ("chunk-pairs", chunk_docs, {"analyser": "pairs", "min_df": 2}),
               ("opinions", opinion_docs, whole_opinion),
               ("opinion-pairs", opinion_docs, {**whole_opinion, "analyser": "pairs", "min_df": 2}),
               ("anchors", anchor_docs, {}), ("anchor-pairs", anchor_docs, {"analyser": "pairs"})]
    analysed: tuple[list, list[list[str]]] = ([], [])  # the last documents' terms: the next index of them reuses them
    with replaced_whole(lexical_dir, ".tmp") as tmp:
        for name, docs, options in tqdm([row for row in indexes if row[1]], desc="build lexical indexes",
                                        unit="index", disable=not progress):
            if analysed[0] is not docs:
                analysed = (docs, [analyse(text) for _, _, _, text in docs])
            LexicalIndex.build(docs, **options, terms=analysed[1]).save(tmp / name)
        (tmp / "fingerprint.json").write_text(json.dumps(fingerprint))
    return True


def _anchor_docs(store: ChunkStore, ready: set[str]) -> list[tuple[str, str, str, str]]:
    """Citing contexts among the ready sources, as (anchor id, cited jurisdiction, cited kind, text).
    Only opinions write them (research.corpus.anchors), so statute texts are not read."""
    directory = AuthorityDirectory(store.citation_index())
    authorities = (a for a in store.iter_authorities(Kind.OPINION) if a.source in ready)
    docs = []
    for anchor in all_anchors(authorities, directory.ids_for):
        place = directory.place(anchor.cited)
        if place is None:  # cannot happen: anchors cite only authorities the directory resolved
            raise LookupError(f"anchor {anchor.id} cites an authority missing from the catalogue")
        jurisdiction, kind = place
        docs.append((anchor.id, jurisdiction, kind, anchor.text))
    return docs
