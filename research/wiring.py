"""The one place that builds real adapters (catalogue, Chroma, embedder, lexical index) from settings."""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from research.answer.extractive import ExtractiveAnswerer
from research.answer.generate import Generator, openai_chat_model
from research.answer.prompts import PromptTemplate
from research.answer.researcher import Researcher
from research.corpus.sources import Manifest, load_manifests, select_manifests
from research.domain.types import Kind
from research.index.catalogue import ChunkStore
from research.index.directory import AuthorityDirectory
from research.index.embedders import (
    MiniLMEmbedder,
    OnnxMiniLMEmbedder,
    StaticEmbedder,
    VectorEmbedder,
    onnx_minilm_dir,
)
from research.index.ingest import SourceReport, VectorTier, ingest_sources
from research.index.lexical import LexicalIndex
from research.index.vectorstore import ChromaVectorStore
from research.search.config import RetrievalConfig
from research.search.priors.chapters import (
    CHAPTER_MODEL_FILE_NAME,
    ChapterClassifier,
    ensure_chapter_model,
    trained_from,
)
from research.search.priors.note_neighbours import (
    NOTE_NEIGHBOURS_FILE_NAME,
    NoteNeighbours,
    ensure_note_neighbours,
)
from research.search.priors.section_prior import (
    SECTION_PRIOR_FILE_NAME,
    SectionPrior,
    ensure_section_prior,
    sections_of,
)
from research.search.priors.section_prior import (
    trained_from as section_prior_trained_from,
)
from research.search.retriever import DenseTier, HybridRetriever
from research.search.rewrite import IssueRewriter, load_concepts
from research.settings import Settings
from research.storage.database import AppDatabase

log = logging.getLogger(__name__)


class IndexMissingError(RuntimeError):
    """Search was asked of an index that has not been built."""


def make_embedder(settings: Settings) -> VectorEmbedder:
    """The embedder named in settings."""
    if settings.embedder == "minilm":
        return MiniLMEmbedder()
    return StaticEmbedder(settings.models_dir)


class _LazyEmbedder:
    """Builds the real embedder only when something needs embedding (an up-to-date ingest does not)."""

    def __init__(self, factory):
        self._factory = factory
        self._embedder = None

    def encode(self, texts):
        if self._embedder is None:
            self._embedder = self._factory()
        return self._embedder.encode(texts)


@dataclass
class ResearchIndex:
    """Lazily opened adapters over one index directory."""

    settings: Settings
    _cache: dict = field(default_factory=dict)

    def _once(self, name, factory):
        if name not in self._cache:
            self._cache[name] = factory()
        return self._cache[name]

    @property
    def store(self) -> ChunkStore:
        """The catalogue of authorities and chunks."""
        return self._once("store", lambda: ChunkStore(self.settings.index_dir / "catalog.sqlite"))

    def _chroma(self, collection: str) -> ChromaVectorStore:
        s = self.settings
        return self._once(f"chroma:{collection}", lambda: ChromaVectorStore(
            collection, path=s.index_dir / "chroma", url=s.chroma_url))

    @property
    def vectors(self) -> ChromaVectorStore:
        """Chunk vectors (embedded Chroma, or the server at RESEARCH_CHROMA_URL)."""
        return self._chroma(f"{self.settings.chroma_collection}-{self.settings.embedder}")

    @property
    def heading_vectors(self) -> ChromaVectorStore:
        """MiniLM vectors of statute headings."""
        return self._chroma(f"{self.settings.chroma_collection}-headings-minilm")

    @property
    def embedder(self) -> VectorEmbedder:
        """The configured embedder of chunks."""
        return self._once("embedder", lambda: make_embedder(self.settings))

    @property
    def heading_embedder(self) -> VectorEmbedder:
        """MiniLM, for the heading tier and answer sentences (short texts: fast enough for the whole corpus):
        on ONNX Runtime in fp32, the same vectors as sentence-transformers, ~35% faster on headings and about
        twice as fast on one query here (evals/ablation.md, session 6)."""
        if self.settings.embedder == "minilm":
            return self.embedder
        return self._once("heading_embedder", lambda: OnnxMiniLMEmbedder(
            self.settings.models_dir, quantized=False, max_seq_length=64, batch_size=128))

    @property
    def reranker(self) -> VectorEmbedder:
        """int8 MiniLM, for re-scoring the first statutes of a search by their passage: 64 word pieces rank
        within ~0.01 MRR of 96 or 128 and take a third less time than 96 (evals/ablation.md)."""
        return self._once("reranker", lambda: OnnxMiniLMEmbedder(self.settings.models_dir, max_seq_length=64))

    @property
    def chapter_model_file(self) -> Path:
        """Where ingest keeps the chapter classifier trained from `chapter_notes_file`."""
        return self.settings.models_dir / CHAPTER_MODEL_FILE_NAME

    @property
    def note_neighbours_file(self) -> Path:
        """Where ingest keeps the case notes of `chapter_notes_file` for the nearest-notes vote."""
        return self.settings.models_dir / NOTE_NEIGHBOURS_FILE_NAME

    @property
    def section_prior_file(self) -> Path:
        """Where ingest keeps the section prior (research.search.priors.section_prior) of this index's statutes."""
        return self.settings.index_dir / SECTION_PRIOR_FILE_NAME

    @property
    def lexical_dir(self):
        """Where the lexical indexes are stored."""
        return self.settings.index_dir / "lexical"

    def manifests(self, names: list[str] | None = None) -> list[Manifest]:
        """Corpus manifests, all or the named ones."""
        return select_manifests(load_manifests(self.settings.manifests_dir), names)

    def corpus_overview(self) -> list[dict]:
        """Per source: title, jurisdiction, kind, record counts, ingest status and time, version, upstream."""
        statuses = {s.name: s for s in self.store.statuses()}
        rows = []
        for m in self.manifests():
            s = statuses.get(m.name)
            rows.append({
                "source": m.name, "title": m.title, "jurisdiction": m.jurisdiction, "kind": m.kind,
                "expected_records": m.expected_records, "records_read": s.records_read if s else None,
                "authorities": s.authorities if s else 0, "chunks": s.chunks if s else 0,
                "status": s.status if s else "not ingested", "ingested_at": s.updated_at if s else None,
                "version": m.version, "upstream": f"{m.upstream} @ {m.commit[:10]}" if m.commit else m.upstream,
            })
        return rows

    def _tiers(self) -> list[VectorTier]:
        tiers = ([VectorTier("passages", self.vectors, _LazyEmbedder(lambda: self.embedder))]
                 if self.settings.passage_vectors else [])
        if self.settings.heading_tier:
            tiers.append(VectorTier("headings", self.heading_vectors, _LazyEmbedder(lambda: self.heading_embedder),
                                    kinds=(Kind.STATUTE,)))
        return tiers

    def ingest(self, names: list[str] | None = None, progress: bool = True) -> list[SourceReport]:
        """Ingest the named sources (all by default)."""
        reports = ingest_sources(self.manifests(names), self.settings.corpus_dir, self.store, self._tiers(),
                                 self.lexical_dir, self.settings.chunk_max_tokens, progress)
        if self.settings.rerank or self.settings.heading_tier:
            onnx_minilm_dir(self.settings.models_dir)  # exported once (~10 s): here, not in the first search
        notes = self.settings.chapter_notes_file
        if notes is not None and notes.is_file():
            ensure_chapter_model(notes, self.chapter_model_file, progress)  # ~40 s the first time
            ensure_note_neighbours(notes, self.note_neighbours_file)  # a few seconds
            ensure_section_prior(notes, self.store.fingerprint(), sections_of(self.store.iter_authorities(Kind.STATUTE)),
                                 self.section_prior_file, progress)  # ~5 s when the notes or the catalogue changed
        elif notes is not None:
            log.warning("case notes for the chapter and section priors and the nearest-notes vote not found at %s: "
                        "searches go without them (RESEARCH_CHAPTER_NOTES_FILE names another file; empty turns them "
                        "off)", notes)
        for key in [k for k in self._cache if k.startswith("lexical:")] + [
                "retriever", "directory", "researcher", "chapters", "section prior", "note neighbours"]:
            self._cache.pop(key, None)
        return reports

    def retriever(self, config: RetrievalConfig | None = None) -> HybridRetriever:
        """A hybrid retriever over this index; raises IndexMissingError before ingest."""
        if config is not None:
            return self._build_retriever(config)
        return self._once("retriever", lambda: self._build_retriever(RetrievalConfig()))

    def _build_retriever(self, config: RetrievalConfig) -> HybridRetriever:
        if not (self.lexical_dir / "fingerprint.json").is_file():
            raise IndexMissingError(
                f"no index in {self.settings.index_dir}; run `research ingest` first")
        lexical = self._lexical_index("chunks")
        directory = self._once("directory", lambda: AuthorityDirectory(self.store.citation_index()))
        passages = (DenseTier(self.vectors, _LazyEmbedder(lambda: self.embedder))
                    if self.settings.passage_vectors else None)
        headings = (DenseTier(self.heading_vectors, _LazyEmbedder(lambda: self.heading_embedder))
                    if self.settings.heading_tier else None)
        terms_file = self.settings.issue_terms_file
        rewrite = self._once("rewrite", lambda: IssueRewriter(load_concepts(terms_file)) if terms_file else None)
        reranker = _LazyEmbedder(lambda: self.reranker) if self.settings.rerank else None
        notes, model_file = self.settings.chapter_notes_file, self.chapter_model_file
        chapters = self._once("chapters", lambda: ChapterClassifier.load(model_file) if (
            notes is not None and trained_from(notes, model_file)) else None)
        neighbours_file = self.note_neighbours_file
        neighbours = self._once("note neighbours", lambda: NoteNeighbours.load(neighbours_file) if (
            notes is not None and trained_from(notes, neighbours_file)) else None)
        prior_file = self.section_prior_file
        section_prior = self._once("section prior", lambda: SectionPrior.load(prior_file) if (
            notes is not None and section_prior_trained_from(notes, self.store.fingerprint(), prior_file)) else None)
        return HybridRetriever(self.store, lexical, self._lexical_index("sections"), passages, headings, directory,
                               config, self._lexical_index("anchors"), rewrite, self._lexical_index("opinions"),
                               reranker, chapters, phrases=self._lexical_index("chunk-pairs"),
                               anchor_phrases=self._lexical_index("anchor-pairs"),
                               opinion_phrases=self._lexical_index("opinion-pairs"), section_prior=section_prior,
                               note_neighbours=neighbours)

    def _lexical_index(self, name: str) -> LexicalIndex | None:
        """The lexical index `name` of the data directory, loaded once; None when ingest wrote none."""
        directory = self.lexical_dir / name
        return self._once(f"lexical:{name}", lambda: LexicalIndex.load(directory) if directory.is_dir() else None)


    def researcher(self) -> Researcher:
        """Answers questions over this index; with a generator only when a model endpoint is configured."""
        return self._once("researcher", lambda: Researcher(
            self.retriever(), self.store, ExtractiveAnswerer(self.heading_embedder), self._generator()))

    def _generator(self) -> Generator | None:
        s = self.settings
        if not s.llm_configured:
            return None
        chat_model = openai_chat_model(s.llm_base_url, s.llm_model, os.environ.get(s.llm_api_key_env), s.llm_timeout_s,
                                       s.llm_max_tokens)
        return Generator(chat_model, PromptTemplate.load(s.prompts_dir, "answer"), s.llm_model, s.model_log)


def open_app_database(settings: Settings | None = None) -> AppDatabase:
    """The app database of the settings, migrated to the latest schema."""
    return AppDatabase((settings or Settings()).app_database_url)


@functools.cache
def default_index() -> ResearchIndex:
    """The index for the settings of this process (shared by CLI and app)."""
    return ResearchIndex(Settings())
