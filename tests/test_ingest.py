"""Ingest: idempotent, resumable after a kill, and corrupt files leave the index untouched."""

import gzip
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from research.corpus.sources import CorpusError, load_manifests
from research.index.catalogue import ChunkStore
from research.index.ingest import VectorTier, ingest_sources
from research.index.lexical import LexicalIndex
from research.index.vectorstore import ChromaVectorStore
from tests.conftest import (
    INVENTED_OPINION,
    HashingEmbedder,
    sha256_of,
    write_jsonl_gz,
    write_manifest,
)


def open_index(root: Path):
    return ChunkStore(root / "catalog.sqlite"), ChromaVectorStore("test-passages", path=root / "chroma")


def run_ingest(corpus, manifests, root, embedder, **kw):
    store, vectors = open_index(root)
    reports = ingest_sources(load_manifests(manifests), corpus, store, [VectorTier("passages", vectors, embedder)],
                             root / "lexical", progress=False, **kw)
    return reports, store, vectors


def test_ingest_reports_counts_and_rerun_adds_nothing(invented_corpus, tmp_path, hashing_embedder):
    corpus, manifests = invented_corpus
    reports, store, vectors = run_ingest(corpus, manifests, tmp_path / "ix", hashing_embedder)
    by_source = {r.source: r for r in reports}
    code = by_source["invented-code"]
    assert (code.records_read, code.skipped, code.up_to_date) == (5, {"repealed": 1, "empty": 1}, False)
    assert code.chunks_written == code.chunks_total == 3
    assert vectors.count() == sum(r.chunks_total for r in reports)

    calls = hashing_embedder.calls
    again, store, vectors = run_ingest(corpus, manifests, tmp_path / "ix", hashing_embedder)
    assert all(r.up_to_date and r.chunks_written == 0 for r in again)
    assert hashing_embedder.calls == calls
    assert vectors.count() == sum(r.chunks_total for r in reports)


def test_lexical_index_is_built_and_searchable(invented_corpus, tmp_path, hashing_embedder):
    corpus, manifests = invented_corpus
    run_ingest(corpus, manifests, tmp_path / "ix", hashing_embedder)
    lexical = LexicalIndex.load(tmp_path / "ix" / "lexical" / "chunks")
    (best, _), *_ = lexical.search("goats grazing in a park", 3)
    assert best.startswith("us-dc:dc-code:99-102#")


def test_changed_source_replaces_stale_chunks(invented_corpus, tmp_path, hashing_embedder):
    corpus, manifests = invented_corpus
    run_ingest(corpus, manifests, tmp_path / "ix", hashing_embedder)
    records = [json.loads(line) for line in gzip.open(corpus / "invented_code.jsonl.gz", "rt")]
    records[1]["text"] = "  (a) Goats may graze in a municipal park at any hour."
    write_jsonl_gz(corpus / "invented_code.jsonl.gz", records)
    write_manifest(manifests, "invented-code", "invented_code.jsonl.gz", sha256_of(corpus / "invented_code.jsonl.gz"))
    reports, store, vectors = run_ingest(corpus, manifests, tmp_path / "ix", hashing_embedder)
    code = next(r for r in reports if r.source == "invented-code")
    assert code.chunks_written == 1 and code.chunks_removed == 1
    assert vectors.ids_for_source("invented-code") == set(store.chunk_ids("invented-code"))


def test_corrupt_file_fails_before_touching_the_index(invented_corpus, tmp_path, hashing_embedder):
    corpus, manifests = invented_corpus
    _, store, vectors = run_ingest(corpus, manifests, tmp_path / "ix", hashing_embedder)
    before = (vectors.count(), store.fingerprint())
    path = corpus / "invented_code.jsonl.gz"
    with gzip.open(path, "wt") as f:
        f.write('{"id": "us-dc:dc-code:99-101", "text": "fine text here for sure"}\n{broken\n')
    write_manifest(manifests, "invented-code", path.name, sha256_of(path))
    with pytest.raises(CorpusError, match=r"invented_code.jsonl.gz: line 2"):
        run_ingest(corpus, manifests, tmp_path / "ix", hashing_embedder)
    store, vectors = open_index(tmp_path / "ix")
    assert (vectors.count(), store.fingerprint()) == before


def test_resume_after_kill_finishes_without_duplicates_or_loss(tmp_path):
    corpus, manifests = tmp_path / "corpora", tmp_path / "manifests"
    corpus.mkdir()
    manifests.mkdir()
    records = [{"id": f"us-dc:dc-code:98-{i}", "citation": f"D.C. Code § 98-{i}", "section": f"98-{i}",
                "heading": f"Invented rule {i}.", "hierarchy": ["Title 98"],
                "text": f"  (a) Invented rule number {i} requires a permit for lantern {i}.\n  (b) Fee {i} dollars."}
               for i in range(1500)]
    path = write_jsonl_gz(corpus / "many.jsonl.gz", records)
    write_manifest(manifests, "many", path.name, sha256_of(path))
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from pathlib import Path
        from tests.conftest import HashingEmbedder
        from tests.test_ingest import run_ingest
        def crash(source, done):
            if done >= 1024:
                os._exit(9)  # simulated kill after two embedding batches
        run_ingest(Path({str(corpus)!r}), Path({str(manifests)!r}), Path({str(tmp_path / 'ix')!r}),
                   HashingEmbedder(), on_batch=crash)
    """)
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    store, vectors = open_index(tmp_path / "ix")
    assert store.source_status("many").status == "embedding"
    partial = vectors.count()
    assert 0 < partial < 1500
    del store, vectors

    reports, store, vectors = run_ingest(corpus, manifests, tmp_path / "ix", HashingEmbedder())
    (report,) = reports
    assert report.chunks_total == 1500 and report.chunks_written == 1500 - partial
    assert vectors.count() == 1500
    assert vectors.ids_for_source("many") == set(store.chunk_ids("many"))
    assert store.source_status("many").status == "ready"


def test_heading_tier_holds_one_entry_per_statute(invented_corpus, tmp_path, hashing_embedder):
    corpus, manifests = invented_corpus
    store, passages = open_index(tmp_path / "ix")
    headings = ChromaVectorStore("test-headings", path=tmp_path / "ix" / "chroma")
    tiers = [VectorTier("passages", passages, hashing_embedder),
             VectorTier("headings", headings, hashing_embedder, kinds=("statute",))]
    ingest_sources(load_manifests(manifests), corpus, store, tiers, tmp_path / "ix" / "lexical", progress=False)
    assert headings.ids_for_source("invented-code") == {
        i for i in headings.ids_for_source("invented-code") if "#h:" in i}
    assert len(headings.ids_for_source("invented-code")) == 3
    assert headings.ids_for_source("invented-opinions") == set()
    again = ingest_sources(load_manifests(manifests), corpus, store, tiers, tmp_path / "ix" / "lexical",
                           progress=False)
    assert all(r.up_to_date for r in again)
    headings.delete(sorted(headings.ids_for_source("invented-code"))[:1])
    (code, _) = ingest_sources(load_manifests(manifests), corpus, store, tiers, tmp_path / "ix" / "lexical",
                               progress=False)
    assert not code.up_to_date and len(headings.ids_for_source("invented-code")) == 3


def test_citing_contexts_whole_opinions_and_phrases_are_indexed_and_an_index_of_an_older_layout_is_rebuilt(
        invented_corpus, tmp_path, hashing_embedder):
    corpus, manifests = invented_corpus
    citing = {"id": "cl-cluster:9999002", "case_name": "Quill v. Lantern Office", "citations": ["902 U.S. 5"],
              "year": 2032, "court_name": "Supreme Court of the United States", "url": "https://example.invalid/2",
              "text": "Under Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031), a revoked permit takes nothing "
                      "from its holder, so no hearing is owed."}
    opinions = write_jsonl_gz(corpus / "invented_opinions.jsonl.gz", [INVENTED_OPINION, citing])
    write_manifest(manifests, "invented-opinions", opinions.name, sha256_of(opinions), kind="opinion",
                   jurisdiction="US-federal", expected=2)
    root = tmp_path / "ix"
    _, store, _ = run_ingest(corpus, manifests, root, hashing_embedder)
    anchors = LexicalIndex.load(root / "lexical" / "anchors")
    (entry, _), = anchors.search("revoked permit hearing", 5)
    assert entry.startswith("cl-cluster:9999001#a:cl-cluster:9999002@")
    whole_opinions = LexicalIndex.load(root / "lexical" / "opinions")
    assert sorted(whole_opinions.doc_ids) == ["cl-cluster:9999001", "cl-cluster:9999002"]  # opinions only, whole
    assert whole_opinions.search("Quill", 5)[0][0] == "cl-cluster:9999002"  # the case name is searchable too
    anchor_pairs = LexicalIndex.load(root / "lexical" / "anchor-pairs")
    (entry, _), = anchor_pairs.search("a revoked permit takes nothing", 5)
    assert anchor_pairs.analyser == "pairs" and entry.startswith("cl-cluster:9999001#a:cl-cluster:9999002@")
    chunk_pairs = LexicalIndex.load(root / "lexical" / "chunk-pairs")
    assert chunk_pairs.analyser == "pairs" and sorted(chunk_pairs.doc_ids) == sorted(
        LexicalIndex.load(root / "lexical" / "chunks").doc_ids)  # the same chunks, by their adjacent terms
    opinion_pairs = LexicalIndex.load(root / "lexical" / "opinion-pairs")
    assert opinion_pairs.analyser == "pairs"
    assert {d for d, _ in opinion_pairs.search("Lantern Office", 5)} == {"cl-cluster:9999001", "cl-cluster:9999002"}
    assert opinion_pairs.search("a revoked permit", 5) == []  # a pair of one opinion only is left out

    import shutil
    shutil.rmtree(root / "lexical" / "anchors")  # as an index written before citing contexts existed
    (root / "lexical" / "fingerprint.json").write_text(json.dumps(store.fingerprint()))
    run_ingest(corpus, manifests, root, hashing_embedder)
    assert (root / "lexical" / "anchors").is_dir()


def test_a_catalogue_written_before_records_kept_their_history_gains_the_columns_and_keeps_its_rows(tmp_path):
    import sqlite3
    from dataclasses import replace

    from research.index.catalogue import _SCHEMA, SourceStatus, now

    old_schema = _SCHEMA.replace(",\n    history TEXT NOT NULL DEFAULT '', annotations INTEGER", "")
    old_schema = old_schema[:old_schema.index("CREATE TABLE IF NOT EXISTS repealed")]
    assert "history" not in old_schema
    path = tmp_path / "index" / "catalog.sqlite"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.executescript(old_schema)
        db.execute("INSERT INTO authorities VALUES ('us-dc:dc-code:1-1','s','US-DC','statute','c','h','[]',NULL,"
                   "NULL,NULL,'[]','old text')")
        db.execute("INSERT INTO sources VALUES ('s','abc','v','ready',1,'{}',1,0,'v','2031-01-01')")
    store = ChunkStore(path)
    assert store.source_status("s").sha256 == ""  # read again at the next ingest, to keep its repealed sections
    (old,) = store.iter_authorities()
    assert (old.text, old.history, old.annotations) == ("old text", "", None)
    gone = replace(old, id="us-dc:dc-code:1-2", citation="D.C. Code § 1-2", heading="[Repealed]", text="Repealed.")
    store.replace_source("s", [replace(old, history="L 1901", annotations=3)], [],
                         SourceStatus("s", "x", "v", "ready", 1, {}, 1, 0, "v", now()), [gone])
    (kept,) = store.iter_authorities()
    assert (kept.history, kept.annotations) == ("L 1901", 3)
    assert [(a.id, a.heading, a.text) for a in store.repealed_sections()] == [("us-dc:dc-code:1-2", "[Repealed]",
                                                                              "Repealed.")]
    # the citation rows are read once, and again after a source is replaced
    assert store.citation_index() == [("us-dc:dc-code:1-1", "US-DC", "statute", "c")]
    store.replace_source("s", [replace(kept, citation="D.C. Code § 1-1")], [],
                         SourceStatus("s", "y", "v", "ready", 1, {}, 1, 0, "v", now()))
    assert store.citation_index() == [("us-dc:dc-code:1-1", "US-DC", "statute", "D.C. Code § 1-1")]
    # another connection's commit (an ingest in another process) is seen at the next read
    other = ChunkStore(path)
    other.replace_source("s", [replace(kept, citation="D.C. Code § 1-1a")], [],
                         SourceStatus("s", "z", "v", "ready", 1, {}, 1, 0, "v", now()))
    assert store.citation_index() == [("us-dc:dc-code:1-1", "US-DC", "statute", "D.C. Code § 1-1a")]
